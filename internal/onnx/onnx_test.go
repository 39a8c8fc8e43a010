package onnx

import (
	"bytes"
	"os"
	"testing"
)

const fixtures = "../analyzers/modelfmt/testdata/"

func readFile(t *testing.T, p string) (*Model, error) {
	t.Helper()
	b, err := os.ReadFile(fixtures + p)
	if err != nil {
		t.Fatal(err)
	}
	return Read(bytes.NewReader(b), int64(len(b)))
}

// Files written by python3-onnx (testdata/gen/gen.py).
func TestRealFiles(t *testing.T) {
	m, err := readFile(t, "ok/linear.onnx")
	if err != nil || m.IRVersion != 8 || m.Producer != "mlsec-fixtures" || m.Nodes != 1 || m.Domains[""] != 1 || len(m.Externals) != 0 {
		t.Fatalf("linear.onnx: %v %+v", err, m)
	}
	if m.Metadata["author"] != "mlsec" {
		t.Errorf("metadata: %v", m.Metadata)
	}
	m, err = readFile(t, "ok/external/linear_ext.onnx")
	if err != nil || len(m.Externals) != 1 || m.Externals[0].Location != "linear_ext.onnx.data" || m.Externals[0].Tensor != "W" {
		t.Fatalf("external: %v %+v", err, m)
	}
	m, err = readFile(t, "ok/local_function.onnx")
	if err != nil || !m.LocalDomains["local.fn"] || m.Domains["local.fn"] != 1 || m.Nodes != 3 {
		t.Fatalf("local function: %v %+v", err, m)
	}
	m, err = readFile(t, "bad/custom_op.onnx")
	if err != nil || m.Domains["com.example.crypt"] != 1 || StandardDomain("com.example.crypt") {
		t.Fatalf("custom op: %v %+v", err, m)
	}
	if _, err = readFile(t, "bad/truncated.onnx"); err == nil {
		t.Fatal("truncated: no error")
	}
}

func TestNotONNX(t *testing.T) {
	for _, b := range [][]byte{[]byte("hello world"), {0x08, 0x80}, {}, {0x0b}} {
		if _, err := Read(bytes.NewReader(b), int64(len(b))); err == nil {
			t.Errorf("%q: no error", b)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, p := range []string{"ok/linear.onnx", "ok/local_function.onnx", "bad/traversal.onnx"} {
		if b, err := os.ReadFile(fixtures + p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = Read(bytes.NewReader(b), int64(len(b))) })
}
