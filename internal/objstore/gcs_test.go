package objstore

import (
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mlsec/mlsec/internal/objstore/gcstest"
)

// TestGCS runs the backend against fake-gcs-server, a real server of the
// JSON API, found through STORAGE_EMULATOR_HOST as Google's clients find it.
func TestGCS(t *testing.T) {
	srv := gcstest.Start(t)
	srv.Env(t)
	srv.Bucket(t, "mlsec-models")
	conformance(t, remoteFixture{
		scheme: "gs",
		bucket: "mlsec-models",
		put:    func(t *testing.T, key string, body []byte) { srv.Put(t, "mlsec-models", key, body) },
		pageSize: func(t *testing.T, n int) {
			old := gcsPageSize
			gcsPageSize = n
			t.Cleanup(func() { gcsPageSize = old })
		},
	})
}

// TestGCSEmulatorURL: STORAGE_EMULATOR_HOST may hold a URL, scheme and all.
func TestGCSEmulatorURL(t *testing.T) {
	srv := gcstest.Start(t)
	srv.Env(t)
	t.Setenv("STORAGE_EMULATOR_HOST", srv.URL+"/")
	srv.Bucket(t, "mlsec-b")
	srv.Put(t, "mlsec-b", "m/x.pkl", []byte("data"))
	s, err := Open(t.Context(), Location{Scheme: "gs", Bucket: "mlsec-b", Prefix: "m/"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o, err := s.Stat(t.Context(), "m/x.pkl"); err != nil || o.Size != 4 {
		t.Fatalf("Stat = %+v, %v", o, err)
	}
}

// TestGCSCredentials: without STORAGE_EMULATOR_HOST, Application Default
// Credentials are used (here a service-account key whose token endpoint
// is local) and their token goes with every request to --endpoint, and
// with none that a redirect points elsewhere.
func TestGCSCredentials(t *testing.T) {
	srv := gcstest.Start(t)
	srv.Bucket(t, "mlsec-auth")
	srv.Put(t, "mlsec-auth", "m/x.pkl", []byte("data"))

	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok-123","token_type":"Bearer","expires_in":3600}`)
	}))
	defer tokens.Close()
	var stolen atomic.Int32
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stolen.Add(1) }))
	defer thief.Close()
	target, _ := url.Parse(srv.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-123" {
			http.Error(w, `{"error":{"code":401,"message":"no token"}}`, http.StatusUnauthorized)
			return
		}
		if strings.Contains(r.URL.EscapedPath(), "redirected") {
			http.Redirect(w, r, thief.URL+"/steal", http.StatusTemporaryRedirect)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()

	key, err := rsa.GenerateKey(crand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	sa, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "mlsec-test", "private_key_id": "k1",
		"private_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email": "scanner@mlsec-test.iam.gserviceaccount.com", "token_uri": tokens.URL,
	})
	cred := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(cred, sa, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("STORAGE_EMULATOR_HOST", "")
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", cred)

	s, err := Open(t.Context(), Location{Scheme: "gs", Bucket: "mlsec-auth", Prefix: "m/"}, Options{Endpoint: proxy.URL, Attempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	if o, err := s.Stat(t.Context(), "m/x.pkl"); err != nil || o.Size != 4 {
		t.Fatalf("Stat with a token = %+v, %v", o, err)
	}
	_, err = s.Stat(t.Context(), "m/redirected.pkl")
	if err == nil || stolen.Load() != 0 {
		t.Fatalf("a redirect was followed (%d requests reached its target), err %v", stolen.Load(), err)
	}
	t.Logf("redirect: %v", err)
}
