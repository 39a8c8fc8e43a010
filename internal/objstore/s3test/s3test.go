// Package s3test starts a real S3-compatible server for tests: SeaweedFS's
// S3 gateway (the `weed` binary that .ci/seaweedfs builds), on loopback
// ports of its own, with a data directory that is removed afterwards.
// Tests that need it skip, saying how to get it, when it is not built.
package s3test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/mlsec/mlsec/internal/objstore/servertest"
)

// Credentials of the server's one identity.
const (
	AccessKey = "mlsectest"
	SecretKey = "mlsec-test-secret-key"
)

// Server is a running SeaweedFS S3 gateway.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT
	client   *s3.Client
}

// Start starts a server for the test and stops it when the test ends. It
// skips the test when no weed binary is available.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := servertest.Binary("MLSEC_WEED", "weed")
	if bin == "" {
		t.Skip("SeaweedFS is not built: run .ci/seaweedfs and set MLSEC_WEED to the path it prints (as .ci/run does)")
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "s3.json")
	ident := fmt.Sprintf(`{"identities":[{"name":"mlsec","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","Write","List","Tagging"]}]}`, AccessKey, SecretKey)
	if err := os.WriteFile(cfg, []byte(ident), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		t.Fatal(err)
	}
	// gRPC ports are the HTTP ports + 10000 unless given; free ones are
	// asked for explicitly so that parallel test binaries do not collide.
	ports := servertest.FreePorts(t, 10)
	p := func(i int) string { return strconv.Itoa(ports[i]) }
	s := &Server{Endpoint: "http://127.0.0.1:" + p(3)}
	s.client = s3.New(s3.Options{
		BaseEndpoint: aws.String(s.Endpoint), UsePathStyle: true, Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
	})
	// The gateway answers once master, volume and filer are up.
	servertest.Launch(t, "weed", dir, bin, []string{"server", "-dir=" + data, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port=" + p(0), "-master.port.grpc=" + p(5),
		"-volume.port=" + p(1), "-volume.port.grpc=" + p(6),
		"-filer.port=" + p(2), "-filer.port.grpc=" + p(7),
		"-s3", "-s3.port=" + p(3), "-s3.port.grpc=" + p(8), "-s3.config=" + cfg,
		"-s3.port.iceberg=0", "-s3.port.lance=0", "-metricsPort=" + p(4),
		"-master.volumeSizeLimitMB=256", "-volume.max=200"}, 90*time.Second, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := s.client.ListBuckets(ctx, &s3.ListBucketsInput{})
		return err
	})
	return s
}

// Env sets the AWS environment a client needs to reach the server, for the
// rest of the test, and keeps the machine's own AWS configuration out.
func (s *Server) Env(t testing.TB) {
	t.Setenv("AWS_ACCESS_KEY_ID", AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", SecretKey)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
}

// EnvList is Env as a process environment, for a child mlsec.
func (s *Server) EnvList() []string {
	return append(os.Environ(), "AWS_ACCESS_KEY_ID="+AccessKey, "AWS_SECRET_ACCESS_KEY="+SecretKey,
		"AWS_REGION=us-east-1", "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull,
		"AWS_EC2_METADATA_DISABLED=true")
}

// Client is an S3 client for the server, to set up buckets.
func (s *Server) Client() *s3.Client { return s.client }

// Bucket creates a bucket.
func (s *Server) Bucket(t testing.TB, name string) {
	t.Helper()
	if _, err := s.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("creating bucket %s: %v", name, err)
	}
}

// Put uploads one object; with sum, the store is asked to keep its
// SHA-256 as an additional checksum.
func (s *Server) Put(t testing.TB, bucket, key string, body []byte, sum bool) {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body)))}
	if sum {
		h := sha256.Sum256(body)
		in.ChecksumAlgorithm = types.ChecksumAlgorithmSha256
		in.ChecksumSHA256 = aws.String(base64.StdEncoding.EncodeToString(h[:]))
	}
	if _, err := s.client.PutObject(context.Background(), in); err != nil {
		t.Fatalf("uploading %s/%s: %v", bucket, key, err)
	}
}

// Delete removes one object.
func (s *Server) Delete(t testing.TB, bucket, key string) {
	t.Helper()
	if _, err := s.client.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		t.Fatalf("deleting %s/%s: %v", bucket, key, err)
	}
}

// Upload copies the regular files of the local tree dir into bucket under
// prefix, keyed by their slash paths; it returns how many it uploaded.
func (s *Server) Upload(t testing.TB, bucket, prefix, dir string) int {
	t.Helper()
	return servertest.Upload(t, prefix, dir, func(key string, b []byte) { s.Put(t, bucket, key, b, false) })
}

// Proxy stands between a client and the server, to make faults happen
// where a test wants them: a response that never comes, a server that
// goes away. It forwards everything else unchanged.
type Proxy struct {
	URL string
	srv *httptest.Server
	// Before, when set, sees each request first; it returns false to
	// take the request over (the proxy then neither forwards nor answers
	// it until the client gives up or the proxy is closed).
	Before func(r *http.Request) bool
	closed chan struct{}
	once   sync.Once
}

// NewProxy starts a proxy for the server.
func (s *Server) NewProxy(t testing.TB) *Proxy {
	target, err := url.Parse(s.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{closed: make(chan struct{})}
	rp := httputil.NewSingleHostReverseProxy(target)
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.Before != nil && !p.Before(r) {
			select {
			case <-r.Context().Done():
			case <-p.closed:
			}
			panic(http.ErrAbortHandler) // no response at all, not an empty one
		}
		rp.ServeHTTP(w, r)
	}))
	p.URL = p.srv.URL
	t.Cleanup(p.Close)
	return p
}

// Close stops the proxy: held requests are let go, open connections are
// closed and new ones are refused.
func (p *Proxy) Close() {
	p.once.Do(func() {
		close(p.closed)
		p.srv.CloseClientConnections()
		go p.srv.Close()
	})
}
