package objstore

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"

	"github.com/mlsec/mlsec/internal/objstore/aztest"
)

// TestAzureBlob runs the backend against Azurite, Microsoft's emulator,
// with a shared key and the endpoint given as --endpoint gives it.
func TestAzureBlob(t *testing.T) {
	srv := aztest.Start(t)
	srv.Env(t)
	srv.Container(t, "mlsec-models")
	conformance(t, remoteFixture{
		scheme: "azblob",
		bucket: "mlsec-models",
		opts:   Options{Endpoint: srv.Endpoint},
		put:    func(t *testing.T, key string, body []byte) { srv.Put(t, "mlsec-models", key, body) },
		pageSize: func(t *testing.T, n int) {
			old := azPageSize
			azPageSize = int32(n)
			t.Cleanup(func() { azPageSize = old })
		},
	})
}

// TestAzureConnectionString: AZURE_STORAGE_CONNECTION_STRING alone names
// the account, its key and the endpoint; with --endpoint as well it is
// refused rather than one of them guessed.
func TestAzureConnectionString(t *testing.T) {
	srv := aztest.Start(t)
	srv.Container(t, "mlsec-c")
	srv.Put(t, "mlsec-c", "m/x.pkl", []byte("data"))
	t.Setenv("AZURE_STORAGE_ACCOUNT", "")
	t.Setenv("AZURE_STORAGE_KEY", "")
	t.Setenv("AZURE_STORAGE_SAS_TOKEN", "")
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", srv.ConnectionString())
	loc := Location{Scheme: "azblob", Bucket: "mlsec-c", Prefix: "m/"}
	s, err := Open(t.Context(), loc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if o, err := s.Stat(t.Context(), "m/x.pkl"); err != nil || o.Size != 4 {
		t.Fatalf("Stat = %+v, %v", o, err)
	}
	if _, err := Open(t.Context(), loc, Options{Endpoint: srv.Endpoint}); err == nil {
		t.Error("a connection string and an endpoint together were accepted")
	}
}

// TestAzureSAS: a SAS token (here one for the container, read and list
// only) is enough, without the account's key.
func TestAzureSAS(t *testing.T) {
	srv := aztest.Start(t)
	srv.Container(t, "mlsec-sas")
	srv.Put(t, "mlsec-sas", "m/x.pkl", []byte("data"))
	signed, err := srv.Client(t, "mlsec-sas").GetSASURL(sas.ContainerPermissions{Read: true, List: true}, time.Now().Add(time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", "")
	t.Setenv("AZURE_STORAGE_ACCOUNT", "")
	t.Setenv("AZURE_STORAGE_KEY", "")
	t.Setenv("AZURE_STORAGE_SAS_TOKEN", "?"+u.RawQuery)
	s, err := Open(t.Context(), Location{Scheme: "azblob", Bucket: "mlsec-sas", Prefix: "m/"}, Options{Endpoint: srv.Endpoint, Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	if err := s.List(t.Context(), "m/", func(o Object) error { keys = append(keys, o.Key); return nil }); err != nil || len(keys) != 1 {
		t.Fatalf("List with a SAS = %v, %v", keys, err)
	}
	p := make([]byte, 4)
	if err := s.ReadRange(t.Context(), "m/x.pkl", p, 0); err != nil || string(p) != "data" {
		t.Fatalf("ReadRange with a SAS = %q, %v", p, err)
	}
	// A SAS for another container is refused, and said so.
	t.Setenv("AZURE_STORAGE_SAS_TOKEN", u.RawQuery)
	other, err := Open(t.Context(), Location{Scheme: "azblob", Bucket: "mlsec-other", Prefix: "m/"}, Options{Endpoint: srv.Endpoint, Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	err = other.List(t.Context(), "m/", func(Object) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "azblob://mlsec-other/m/") {
		t.Fatalf("List of another container with the SAS: %v", err)
	}
	t.Logf("other container: %v", err)
}
