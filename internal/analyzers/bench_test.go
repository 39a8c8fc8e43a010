package analyzers

import (
	"context"
	"testing"

	"github.com/mlsec/mlsec/internal/benchgen"
	"github.com/mlsec/mlsec/internal/engine"
)

// benchScan measures a full scan with every analyzer over a generated tree.
// bench/scan.sh runs the same trees through the binary and reports peak memory.
func benchScan(b *testing.B, tree benchgen.Tree) {
	dir := b.TempDir()
	if err := benchgen.Write(dir, tree); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: All()})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Failed) > 0 {
			b.Fatalf("failed: %v", res.Failed)
		}
	}
}

// BenchmarkScanCodeTree: 2,000 Python files and 200 notebooks (target < 1 s).
func BenchmarkScanCodeTree(b *testing.B) {
	benchScan(b, benchgen.Tree{Python: 2000, Notebooks: 200})
}

// BenchmarkScanPlatformTree: 3,000 manifests, 300 Terraform files and 100
// Dockerfiles (target < 1 s).
func BenchmarkScanPlatformTree(b *testing.B) {
	benchScan(b, benchgen.Tree{Manifests: 3000, Terraform: 300, Dockerfiles: 100})
}
