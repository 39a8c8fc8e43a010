// Package objstore reads scan sources that live in object stores: S3 and
// S3-compatible stores (MinIO, SeaweedFS, Ceph), Google Cloud Storage and
// Azure Blob Storage, named by URI (s3://bucket/prefix, gs://…, azblob://…).
//
// It lists a prefix page by page and hands every object on as a
// source.Entry, so objects go through the same index and analyzers as
// local files. Objects are read in ranges, never fetched whole: a model
// file's parser reads the header and the pickle it needs, and a 10 GB
// checkpoint costs a few ranged requests and a bounded buffer. Every
// request has a time limit and is retried with backoff; a read that still
// fails is reported against its object, so a scan never calls a bucket
// clean when part of it could not be read.
//
// This package and internal/probe are the only ones that talk to the
// network, and only this one to a store the user named.
package objstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Schemes are the URI schemes a scan accepts, with the store each names.
var Schemes = map[string]string{
	"s3":     "Amazon S3 or an S3-compatible store",
	"gs":     "Google Cloud Storage",
	"azblob": "Azure Blob Storage",
}

// IsURI says arg names an object-store location rather than a local path.
func IsURI(arg string) bool {
	scheme, _, ok := strings.Cut(arg, "://")
	_, known := Schemes[scheme]
	return ok && known
}

// Location is a parsed object-store URI.
type Location struct {
	Scheme string // s3, gs, azblob
	Bucket string // bucket or container
	Prefix string // key prefix, without a leading slash; "" is the whole bucket
}

// String renders the location as a URI.
func (l Location) String() string { return l.Scheme + "://" + l.Bucket + "/" + l.Prefix }

// URI renders the URI of one object of the location's bucket.
func (l Location) URI(key string) string { return l.Scheme + "://" + l.Bucket + "/" + key }

// Parse reads an object-store URI. Query strings and fragments are refused
// rather than taken as part of a key: options go in flags.
func Parse(uri string) (Location, error) {
	scheme, rest, ok := strings.Cut(uri, "://")
	if _, known := Schemes[scheme]; !ok || !known {
		return Location{}, fmt.Errorf("%s: not an object-store URI (s3://, gs:// or azblob://)", uri)
	}
	if strings.ContainsAny(rest, "?#") {
		return Location{}, fmt.Errorf("%s: query strings and fragments are not supported; use --endpoint and the store's environment variables", uri)
	}
	bucket, prefix, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return Location{}, fmt.Errorf("%s: no bucket named", uri)
	}
	return Location{Scheme: scheme, Bucket: bucket, Prefix: prefix}, nil
}

// Options configure access to a store.
type Options struct {
	// Endpoint is the address of an S3-compatible store (MinIO,
	// SeaweedFS, Ceph): http://127.0.0.1:8333, with path-style
	// addressing; for gs, the base URL of the JSON API (an emulator, a
	// private endpoint); for azblob, the service URL (Azurite:
	// http://127.0.0.1:10000/devstoreaccount1). "" is the cloud itself.
	Endpoint string
	// Region overrides the region from the environment and config files.
	Region string
	// Timeout bounds one request, from sending it to its last byte; 0 is
	// DefaultTimeout.
	Timeout time.Duration
	// Attempts is how often a request is tried before its failure is
	// reported; 0 is DefaultAttempts.
	Attempts int
}

// Defaults for Options.
const (
	DefaultTimeout  = 30 * time.Second
	DefaultAttempts = 4
)

// Object is one listed object.
type Object struct {
	Key  string
	Size int64
	// Version names the listed bytes (an ETag, a GCS generation). Reads
	// ask for that version, so an object replaced while it is scanned
	// fails instead of mixing the ranges of two objects into one verdict.
	// "" when the store gives none: reads are then not pinned.
	Version string
}

// backend is one store's API, reduced to what a scan needs.
type backend interface {
	// list calls fn for every object whose key starts with prefix, in the
	// store's order, fetching one page at a time.
	list(ctx context.Context, prefix string, fn func(Object) error) error
	// stat returns the object named key, or an error notFound accepts.
	stat(ctx context.Context, key string) (Object, error)
	// read opens bytes [off, off+n) of key; when version is not "", of
	// that version only, failing with a precondition error otherwise.
	read(ctx context.Context, key, version string, off, n int64) (io.ReadCloser, error)
	// changed says err is a read of a version that is no longer there.
	changed(err error) bool
	// sha256 returns the store's own SHA-256 of the whole object, hex,
	// when it keeps one; ok is false otherwise.
	sha256(ctx context.Context, key string) (sum string, ok bool, err error)
	// permanent says err will not go away on retry: the object or bucket
	// does not exist, or access is denied.
	permanent(err error) bool
	// notFound says err means the object does not exist.
	notFound(err error) bool
}

// Store is an opened bucket.
type Store struct {
	Location
	be   backend
	opts Options
	// versions are the listed versions of the objects Walk handed on,
	// by key, so that the index's reads are pinned to them.
	versions *sync.Map
}

// Open connects to the bucket of loc. Credentials come from the store's
// usual environment variables and config files; nothing is sent until the
// first request.
func Open(ctx context.Context, loc Location, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Attempts <= 0 {
		opts.Attempts = DefaultAttempts
	}
	var be backend
	var err error
	switch loc.Scheme {
	case "s3":
		be, err = openS3(ctx, loc.Bucket, opts)
	default:
		if open := backends[loc.Scheme]; open != nil {
			be, err = open(ctx, loc.Bucket, opts)
		} else {
			err = fmt.Errorf("%s:// is not supported in this build", loc.Scheme)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", loc, err)
	}
	return &Store{Location: loc, be: be, opts: opts, versions: &sync.Map{}}, nil
}

// backends opens the stores other than S3, registered by their files.
var backends = map[string]func(ctx context.Context, bucket string, opts Options) (backend, error){}

// retry runs op until it succeeds, fails permanently, or has been tried
// opts.Attempts times, each try under the request time limit, with
// exponential backoff and jitter between tries (0.25 s, 0.5 s, 1 s…).
// The error names how many tries were made.
func (s *Store) retry(ctx context.Context, what string, op func(ctx context.Context) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
		err = op(rctx)
		timedOut := rctx.Err() == context.DeadlineExceeded && ctx.Err() == nil
		cancel()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case timedOut:
			err = fmt.Errorf("no answer within %s", s.opts.Timeout)
		case errors.Is(err, errShrunk) || s.be.changed(err) || s.be.permanent(err):
			return describe(err, s.be)
		}
		if attempt >= s.opts.Attempts {
			return fmt.Errorf("%s failed %d times: %w", what, attempt, describe(err, s.be))
		}
		backoff := time.Duration(125<<attempt) * time.Millisecond
		backoff += rand.N(backoff / 4)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// errShrunk is a read that ended before the listed size: the object was
// replaced by a shorter one since it was listed.
var errShrunk = errors.New("the object is shorter than when it was listed (replaced since)")

// ErrNotFound is returned for an object that no longer exists.
var ErrNotFound = errors.New("the object no longer exists (deleted or replaced since it was listed)")

// ErrChanged is returned for an object replaced since it was listed.
var ErrChanged = errors.New("the object was replaced since it was listed; scan it again")

func describe(err error, be backend) error {
	switch {
	case be.notFound(err):
		return ErrNotFound
	case be.changed(err):
		return ErrChanged
	}
	return err
}

// List lists every object under prefix, page by page.
func (s *Store) List(ctx context.Context, prefix string, fn func(Object) error) error {
	// A listing is one paginated walk; a page that fails is retried by
	// restarting the walk, skipping the objects already handed on.
	var seen int
	return s.retry(ctx, "listing "+s.URI(prefix), func(rctx context.Context) error {
		n := 0
		return s.be.list(rctx, prefix, func(o Object) error {
			n++
			if n <= seen {
				return nil
			}
			seen = n
			return fn(o)
		})
	})
}

// Stat returns the object named key; the error is ErrNotFound when there
// is none.
func (s *Store) Stat(ctx context.Context, key string) (Object, error) {
	var o Object
	err := s.retry(ctx, "reading the attributes of "+s.URI(key), func(rctx context.Context) (err error) {
		o, err = s.be.stat(rctx, key)
		return err
	})
	return o, err
}

// SHA256 returns the store's own full-object SHA-256 of key (hex) when it
// keeps one (S3 additional checksums, recorded at upload); ok is false
// when it does not, and the bytes must be read and hashed.
func (s *Store) SHA256(ctx context.Context, key string) (sum string, ok bool, err error) {
	err = s.retry(ctx, "reading the checksum of "+s.URI(key), func(rctx context.Context) (err error) {
		sum, ok, err = s.be.sha256(rctx, key)
		return err
	})
	return sum, ok, err
}

// ReadRange reads bytes [off, off+len(p)) of key into p, retrying.
func (s *Store) ReadRange(ctx context.Context, key string, p []byte, off int64) error {
	return s.readRange(ctx, key, "", p, off)
}

// readRange is ReadRange of one version of the object ("" for any).
func (s *Store) readRange(ctx context.Context, key, version string, p []byte, off int64) error {
	return s.retry(ctx, fmt.Sprintf("reading %s at %d", s.URI(key), off), func(rctx context.Context) error {
		body, err := s.be.read(rctx, key, version, off, int64(len(p)))
		if err != nil {
			return err
		}
		defer body.Close()
		if _, err := io.ReadFull(body, p); err != nil {
			if err == io.ErrUnexpectedEOF || err == io.EOF {
				return errShrunk
			}
			return err
		}
		return nil
	})
}

// putter is implemented by the backends that can write an object.
type putter interface {
	put(ctx context.Context, key string, body []byte) error
}

// Put writes body as the object key, replacing any, retrying as reads do.
// mlsec writes only what the user names with -o: its own reports.
func (s *Store) Put(ctx context.Context, key string, body []byte) error {
	p, ok := s.be.(putter)
	if !ok {
		return fmt.Errorf("writing to %s:// is not supported", s.Scheme)
	}
	return s.retry(ctx, "writing "+s.URI(key), func(rctx context.Context) error { return p.put(rctx, key, body) })
}
