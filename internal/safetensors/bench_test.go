package safetensors

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkSparse5GiB checks the header of a 5 GiB safetensors file of
// 1,000 tensors whose data is a hole, written by bench/modelfmtgen.
//
//	go test -run '^$' -bench Sparse5GiB ./internal/safetensors
func BenchmarkSparse5GiB(b *testing.B) {
	dir := b.TempDir()
	gen := exec.Command("go", "run", "../../bench/modelfmtgen", "-out", dir, "-gb", "5")
	gen.Stderr = os.Stderr
	if err := gen.Run(); err != nil {
		b.Skip("generator:", err)
	}
	f, err := os.Open(filepath.Join(dir, "big.safetensors"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	b.ResetTimer()
	for b.Loop() {
		h, err := Read(f, fi.Size())
		if err != nil || len(h.Tensors) != 1000 || len(h.Problems) != 0 {
			b.Fatalf("%v %d tensors %+v", err, len(h.Tensors), h.Problems)
		}
	}
}
