package objstore

import (
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/objstore/s3test"
)

// TestS3 runs the backend against SeaweedFS's S3 gateway, a real
// S3-compatible server, through --endpoint as users of MinIO and SeaweedFS
// reach their stores.
func TestS3(t *testing.T) {
	srv := s3test.Start(t)
	srv.Env(t)
	srv.Bucket(t, "mlsec-models")
	conformance(t, remoteFixture{
		scheme:  "s3",
		bucket:  "mlsec-models",
		opts:    Options{Endpoint: srv.Endpoint},
		put:     func(t *testing.T, key string, body []byte) { srv.Put(t, "mlsec-models", key, body, false) },
		refuses: func(key string) bool { return strings.Contains(key, "../") },
		pageSize: func(t *testing.T, n int) {
			old := s3PageSize
			s3PageSize = int32(n)
			t.Cleanup(func() { s3PageSize = old })
		},
	})
}
