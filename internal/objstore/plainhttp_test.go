package objstore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCredentialsNotOverPlainHTTP: a Google token or an Azure SAS token is
// not sent over plain http to another machine, where anyone on the path
// could take it; loopback (an emulator, a test) is allowed.
func TestCredentialsNotOverPlainHTTP(t *testing.T) {
	sa, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "p", "private_key_id": "k",
		"private_key": "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n", "client_email": "a@p.iam.gserviceaccount.com",
		"token_uri": "http://127.0.0.1:1/token",
	})
	cred := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(cred, sa, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("STORAGE_EMULATOR_HOST", "")
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", cred)
	gs := Location{Scheme: "gs", Bucket: "b"}
	if _, err := Open(t.Context(), gs, Options{Endpoint: "http://storage.example.com"}); err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("gs over plain http: %v", err)
	}
	if _, err := Open(t.Context(), gs, Options{Endpoint: "http://127.0.0.1:4443"}); err != nil {
		t.Errorf("gs over loopback http: %v", err)
	}
	if _, err := Open(t.Context(), gs, Options{Endpoint: "https://storage.example.com/?x=1"}); err == nil {
		t.Error("gs: an endpoint with a query string was accepted")
	}

	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", "")
	t.Setenv("AZURE_STORAGE_KEY", "")
	t.Setenv("AZURE_STORAGE_ACCOUNT", "")
	t.Setenv("AZURE_STORAGE_SAS_TOKEN", "sv=2024-01-01&sig=abc")
	az := Location{Scheme: "azblob", Bucket: "c"}
	if _, err := Open(t.Context(), az, Options{Endpoint: "http://blob.example.com/acct"}); err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("azblob SAS over plain http: %v", err)
	}
	if _, err := Open(t.Context(), az, Options{Endpoint: "http://127.0.0.1:10000/devstoreaccount1"}); err != nil {
		t.Errorf("azblob SAS over loopback http: %v", err)
	}
	t.Setenv("AZURE_STORAGE_SAS_TOKEN", "")
	t.Setenv("AZURE_STORAGE_ACCOUNT", "evil.example.com/x")
	if _, err := Open(t.Context(), az, Options{}); err == nil || !strings.Contains(err.Error(), "not a storage account name") {
		t.Errorf("azblob: an account name that changes the host: %v", err)
	}
}
