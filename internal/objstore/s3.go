package objstore

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// s3Store talks to S3 through the official SDK, which reads credentials as
// every AWS tool does: AWS_ACCESS_KEY_ID and friends, AWS_PROFILE,
// ~/.aws/config and ~/.aws/credentials, web identity, container and
// instance roles. Keys are sent exactly as listed: a key such as
// "a/../b.pkl" or one with control characters is an object like any other.
type s3Store struct {
	c      *s3.Client
	bucket string
	// bucketSeen is set once the bucket is known to exist: S3 answers a
	// HEAD of an object in a missing bucket with a bare 404, the same as
	// for a missing object.
	bucketSeen atomic.Bool
}

// errNoBucket is a bucket that does not exist: never "object deleted".
var errNoBucket = errors.New("the bucket does not exist")

func openS3(ctx context.Context, bucket string, opts Options) (backend, error) {
	var load []func(*config.LoadOptions) error
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("reading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		// S3-compatible stores ignore the region but the signer needs
		// one; AWS itself redirects a wrong one with a clear error.
		cfg.Region = "us-east-1"
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
			o.UsePathStyle = true
		}
		// Retries are this package's, so that each is counted and bounded
		// by the request time limit.
		o.Retryer = aws.NopRetryer{}
		// Range reads cannot be checked against a whole-object checksum,
		// and uploads are not made: ask for checksums only when needed.
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	return &s3Store{c: c, bucket: bucket}, nil
}

// s3PageSize is the MaxKeys of a listing request; 0 leaves it to the
// store (1,000 on S3). Tests make it small to walk several pages.
var s3PageSize int32

func (s *s3Store) list(ctx context.Context, prefix string, fn func(Object) error) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	if s3PageSize > 0 {
		in.MaxKeys = aws.Int32(s3PageSize)
	}
	pages := s3.NewListObjectsV2Paginator(s.c, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return s.at(prefix, err)
		}
		for _, o := range page.Contents {
			if err := fn(Object{Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), Version: aws.ToString(o.ETag)}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *s3Store) stat(ctx context.Context, key string) (Object, error) {
	out, err := s.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		if s.notFound(err) && !s.bucketSeen.Load() {
			_, berr := s.c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(s.bucket)})
			switch {
			case berr == nil:
				s.bucketSeen.Store(true)
			case httpStatus(berr) == http.StatusNotFound:
				return Object{}, fmt.Errorf("s3://%s: %w", s.bucket, errNoBucket)
			}
		}
		return Object{}, s.at(key, err)
	}
	s.bucketSeen.Store(true)
	return Object{Key: key, Size: aws.ToInt64(out.ContentLength), Version: aws.ToString(out.ETag)}, nil
}

func (s *s3Store) read(ctx context.Context, key, version string, off, n int64) (io.ReadCloser, error) {
	in := &s3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(key),
		Range:  aws.String(fmt.Sprintf("bytes=%d-%d", off, off+n-1)),
	}
	if version != "" {
		in.IfMatch = aws.String(version)
	}
	out, err := s.c.GetObject(ctx, in)
	if err != nil {
		if httpStatus(err) == http.StatusRequestedRangeNotSatisfiable {
			// The range starts past the end: the object is shorter now.
			return nil, s.at(key, errShrunk)
		}
		return nil, s.at(key, err)
	}
	return out.Body, nil
}

// sha256 asks for the object's additional checksum. Only a full-object
// SHA-256 is the digest of the bytes: a multipart upload's COMPOSITE
// checksum ("…-3") is a checksum of the parts' checksums, and is not used.
func (s *s3Store) sha256(ctx context.Context, key string) (string, bool, error) {
	out, err := s.c.HeadObject(ctx, &s3.HeadObjectInput{
		Bucket:       aws.String(s.bucket),
		Key:          aws.String(key),
		ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		return "", false, s.at(key, err)
	}
	v := aws.ToString(out.ChecksumSHA256)
	if v == "" || out.ChecksumType == types.ChecksumTypeComposite || strings.Contains(v, "-") {
		return "", false, nil
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(raw) != 32 {
		return "", false, nil // not a SHA-256: read the bytes instead
	}
	return hex.EncodeToString(raw), true, nil
}

// put uploads a report with its SHA-256 as an additional checksum, so
// that the store checks the upload and keeps the digest for later checks.
func (s *s3Store) put(ctx context.Context, key string, body []byte) error {
	_, err := s.c.PutObject(ctx, &s3.PutObjectInput{
		Bucket:            aws.String(s.bucket),
		Key:               aws.String(key),
		Body:              bytes.NewReader(body),
		ContentLength:     aws.Int64(int64(len(body))),
		ChecksumAlgorithm: types.ChecksumAlgorithmSha256,
	})
	return err
}

func (s *s3Store) permanent(err error) bool {
	if errors.Is(err, errNoBucket) {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NoSuchBucket", "NotFound", "AccessDenied", "InvalidAccessKeyId",
			"SignatureDoesNotMatch", "AllAccessDisabled", "InvalidBucketName", "InvalidObjectState":
			return true
		}
	}
	switch httpStatus(err) {
	case http.StatusNotFound, http.StatusForbidden, http.StatusUnauthorized, http.StatusMovedPermanently, http.StatusRequestedRangeNotSatisfiable:
		return true
	}
	return false
}

// at names the object or prefix an error is about: the SDK's messages
// name the operation, not the bucket.
func (s *s3Store) at(key string, err error) error {
	return fmt.Errorf("s3://%s/%s: %w", s.bucket, key, err)
}

func (s *s3Store) changed(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "PreconditionFailed" || httpStatus(err) == http.StatusPreconditionFailed
}

func (s *s3Store) notFound(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "NoSuchKey", "NotFound":
			return true
		}
	}
	return httpStatus(err) == http.StatusNotFound && !isNoSuchBucket(err)
}

func isNoSuchBucket(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "NoSuchBucket"
}

// httpStatus is the HTTP status of a failed SDK request, or 0.
func httpStatus(err error) int {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
