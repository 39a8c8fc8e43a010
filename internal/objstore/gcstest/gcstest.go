// Package gcstest starts a real server of Google Cloud Storage's JSON API
// for tests: fake-gcs-server (the binary that .ci/fake-gcs-server builds),
// on a loopback port of its own, keeping its objects in memory. Tests that
// need it skip, saying how to get it, when it is not built.
package gcstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/objstore/servertest"
)

// Server is a running fake-gcs-server.
type Server struct {
	URL  string // http://127.0.0.1:PORT
	Host string // 127.0.0.1:PORT, as STORAGE_EMULATOR_HOST takes it
}

// Start starts a server for the test and stops it when the test ends. It
// skips the test when no fake-gcs-server binary is available.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := servertest.Binary("MLSEC_FAKE_GCS", "fake-gcs-server")
	if bin == "" {
		t.Skip("fake-gcs-server is not built: run .ci/fake-gcs-server and set MLSEC_FAKE_GCS to the path it prints")
	}
	port := strconv.Itoa(servertest.FreePorts(t, 1)[0])
	s := &Server{URL: "http://127.0.0.1:" + port, Host: "127.0.0.1:" + port}
	// Its working directory is the test's, so that nothing it might write
	// (a seed directory is looked for at ./data) lands in the repository.
	servertest.Launch(t, "fake-gcs-server", t.TempDir(), bin, []string{"-scheme", "http", "-host", "127.0.0.1", "-port", port,
		"-backend", "memory", "-log-level", "warn"}, 30*time.Second, func() error {
		resp, err := http.Get(s.URL + "/storage/v1/b")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return nil
	})
	return s
}

// Env points Google clients at the server for the rest of the test, and
// keeps the machine's own credentials out.
func (s *Server) Env(t testing.TB) {
	t.Setenv("STORAGE_EMULATOR_HOST", s.Host)
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "")
}

// EnvList is Env as a process environment, for a child mlsec.
func (s *Server) EnvList() []string {
	return append(os.Environ(), "STORAGE_EMULATOR_HOST="+s.Host, "GOOGLE_APPLICATION_CREDENTIALS=")
}

func (s *Server) do(t testing.TB, method, u, ctype string, body []byte, what string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		t.Fatalf("%s: HTTP %d: %s", what, resp.StatusCode, b)
	}
}

// Bucket creates a bucket.
func (s *Server) Bucket(t testing.TB, name string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"name": name})
	s.do(t, http.MethodPost, s.URL+"/storage/v1/b", "application/json", b, "creating bucket "+name)
}

// Put uploads one object through the JSON API's media upload.
func (s *Server) Put(t testing.TB, bucket, key string, body []byte) {
	t.Helper()
	q := url.Values{"uploadType": {"media"}, "name": {key}}
	s.do(t, http.MethodPost, s.URL+"/upload/storage/v1/b/"+url.PathEscape(bucket)+"/o?"+q.Encode(),
		"application/octet-stream", body, fmt.Sprintf("uploading gs://%s/%s", bucket, key))
}

// Delete removes one object.
func (s *Server) Delete(t testing.TB, bucket, key string) {
	t.Helper()
	s.do(t, http.MethodDelete, s.URL+"/storage/v1/b/"+url.PathEscape(bucket)+"/o/"+url.PathEscape(key), "", nil,
		fmt.Sprintf("deleting gs://%s/%s", bucket, key))
}

// Upload copies the regular files of the local tree dir into bucket under
// prefix, keyed by their slash paths; it returns how many it uploaded.
func (s *Server) Upload(t testing.TB, bucket, prefix, dir string) int {
	t.Helper()
	return servertest.Upload(t, prefix, dir, func(key string, b []byte) { s.Put(t, bucket, key, b) })
}
