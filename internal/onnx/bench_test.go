package onnx

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkSparse5GiB walks a 5 GiB ONNX model whose initializer is a
// hole, written by bench/modelfmtgen: the node after the tensor data must
// be found without reading the data.
//
//	go test -run '^$' -bench Sparse5GiB ./internal/onnx
func BenchmarkSparse5GiB(b *testing.B) {
	dir := b.TempDir()
	gen := exec.Command("go", "run", "../../bench/modelfmtgen", "-out", dir, "-gb", "5")
	gen.Stderr = os.Stderr
	if err := gen.Run(); err != nil {
		b.Skip("generator:", err)
	}
	f, err := os.Open(filepath.Join(dir, "big.onnx"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	b.ResetTimer()
	for b.Loop() {
		m, err := Read(f, fi.Size())
		if err != nil || m.Nodes != 1 || m.Domains[""] != 1 {
			b.Fatalf("%v %+v", err, m)
		}
	}
}
