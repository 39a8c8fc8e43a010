package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The generator run on the shared ATLAS.yaml must reproduce the committed
// catalog.json byte for byte.
func TestRunReproducesCatalog(t *testing.T) {
	const in = "../../../../shared/atlas/ATLAS.yaml"
	if _, err := os.Stat(in); err != nil {
		t.Skipf("ATLAS.yaml not available: %v", err)
	}
	out := filepath.Join(t.TempDir(), "catalog.json")
	if err := run(in, out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, err := os.ReadFile("../catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("generated catalog differs from internal/atlas/catalog.json; run go generate ./internal/atlas")
	}
	if err := run("testdata/missing.yaml", out); err == nil {
		t.Error("run(missing file) succeeded")
	}
}
