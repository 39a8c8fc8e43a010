// Package aztest starts a real Azure Blob Storage service for tests:
// Azurite, Microsoft's emulator (the azurite-blob that .ci/azurite installs
// from npm), on a loopback port of its own, with a data directory that is
// removed afterwards. Tests that need it skip, saying how to get it, when
// it is not installed.
package aztest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/mlsec/mlsec/internal/objstore/servertest"
)

// Account and Key are Azurite's well-known development account, the same
// in every installation (published in Azurite's documentation).
const (
	Account = "devstoreaccount1"
	Key     = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// Server is a running Azurite blob service.
type Server struct {
	Endpoint string // http://127.0.0.1:PORT/devstoreaccount1, the service URL
	cred     *container.SharedKeyCredential
}

// Start starts a server for the test and stops it when the test ends. It
// skips the test when Azurite is not installed.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := servertest.Binary("MLSEC_AZURITE", "azurite-blob")
	if bin == "" {
		t.Skip("Azurite is not installed: run .ci/azurite and set MLSEC_AZURITE to the path it prints")
	}
	dir := t.TempDir()
	port := strconv.Itoa(servertest.FreePorts(t, 1)[0])
	cred, err := container.NewSharedKeyCredential(Account, Key)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Endpoint: "http://127.0.0.1:" + port + "/" + Account, cred: cred}
	// --disableTelemetry: Azurite otherwise reports usage to Microsoft,
	// and tests must not reach beyond loopback.
	servertest.Launch(t, "azurite", dir, bin, []string{"--blobHost", "127.0.0.1", "--blobPort", port,
		"--location", dir, "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry"}, 60*time.Second, func() error {
		conn, err := net.DialTimeout("tcp", "127.0.0.1:"+port, time.Second)
		if err == nil {
			conn.Close()
		}
		return err
	})
	return s
}

// Env sets the Azure environment a client needs to reach the server (with
// Options.Endpoint set to s.Endpoint), for the rest of the test, and keeps
// other credentials out.
func (s *Server) Env(t testing.TB) {
	t.Setenv("AZURE_STORAGE_ACCOUNT", Account)
	t.Setenv("AZURE_STORAGE_KEY", Key)
	t.Setenv("AZURE_STORAGE_SAS_TOKEN", "")
	t.Setenv("AZURE_STORAGE_CONNECTION_STRING", "")
}

// ConnectionString names the server and its account, as
// AZURE_STORAGE_CONNECTION_STRING takes it.
func (s *Server) ConnectionString() string {
	return fmt.Sprintf("DefaultEndpointsProtocol=http;AccountName=%s;AccountKey=%s;BlobEndpoint=%s;", Account, Key, s.Endpoint)
}

// Client is a client of one container, to set up blobs.
func (s *Server) Client(t testing.TB, name string) *container.Client {
	t.Helper()
	c, err := container.NewClientWithSharedKeyCredential(s.Endpoint+"/"+name, s.cred, &container.ClientOptions{
		ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: 3}, Transport: http.DefaultClient},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Container creates a container.
func (s *Server) Container(t testing.TB, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Client(t, name).Create(ctx, nil); err != nil {
		t.Fatalf("creating container %s: %v", name, err)
	}
}

// Put uploads one block blob.
func (s *Server) Put(t testing.TB, name, key string, body []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Client(t, name).NewBlockBlobClient(key).UploadBuffer(ctx, body, nil); err != nil {
		t.Fatalf("uploading azblob://%s/%s: %v", name, key, err)
	}
}

// Delete removes one blob.
func (s *Server) Delete(t testing.TB, name, key string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Client(t, name).NewBlobClient(key).Delete(ctx, nil); err != nil {
		t.Fatalf("deleting azblob://%s/%s: %v", name, key, err)
	}
}

// Upload copies the regular files of the local tree dir into container
// name under prefix, keyed by their slash paths; it returns how many.
func (s *Server) Upload(t testing.TB, name, prefix, dir string) int {
	t.Helper()
	return servertest.Upload(t, prefix, dir, func(key string, b []byte) { s.Put(t, name, key, b) })
}
