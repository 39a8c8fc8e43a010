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
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is a running fake-gcs-server.
type Server struct {
	URL  string // http://127.0.0.1:PORT
	Host string // 127.0.0.1:PORT, as STORAGE_EMULATOR_HOST takes it
	cmd  *exec.Cmd
}

// Binary returns the fake-gcs-server binary: $MLSEC_FAKE_GCS, else
// fake-gcs-server on PATH, else "".
func Binary() string {
	if p := os.Getenv("MLSEC_FAKE_GCS"); p != "" {
		return p
	}
	if p, err := exec.LookPath("fake-gcs-server"); err == nil {
		return p
	}
	return ""
}

// Start starts a server for the test and stops it when the test ends. It
// skips the test when no fake-gcs-server binary is available.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		t.Skip("fake-gcs-server is not built: run .ci/fake-gcs-server and set MLSEC_FAKE_GCS to the path it prints")
	}
	port := freePort(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "-scheme", "http", "-host", "127.0.0.1", "-port", strconv.Itoa(port),
		"-backend", "memory", "-log-level", "warn")
	// Its working directory is the test's, so that nothing it might write
	// (a seed directory is looked for at ./data) lands in the repository.
	cmd.Dir = dir
	log, err := os.Create(filepath.Join(dir, "fake-gcs-server.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), Host: "127.0.0.1:" + strconv.Itoa(port), cmd: cmd}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		log.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/storage/v1/b")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("fake-gcs-server did not answer on %s within 30 s: %v\n%s", s.URL, err, tail(b))
		}
		time.Sleep(100 * time.Millisecond)
	}
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
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s.Put(t, bucket, prefix+filepath.ToSlash(rel), b)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func tail(b []byte) string {
	lines := strings.Split(string(b), "\n")
	return strings.Join(lines[max(0, len(lines)-30):], "\n")
}
