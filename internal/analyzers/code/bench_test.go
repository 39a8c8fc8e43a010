package code

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
)

// BenchmarkScan runs the engine with this analyzer over the engine's target
// workload: 2,000 Python files (the ~170-line finetune.py fixture of
// internal/python) and 200 notebooks, written to a temporary directory.
func BenchmarkScan(b *testing.B) {
	py, err := os.ReadFile("../../python/testdata/finetune.py")
	if err != nil {
		b.Fatal(err)
	}
	nb, err := os.ReadFile("testdata/err/explore_churn.ipynb")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var total int64
	for i := range 2000 {
		sub := filepath.Join(dir, fmt.Sprintf("pkg%02d", i%40))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("m%d.py", i)), py, 0o644); err != nil {
			b.Fatal(err)
		}
		total += int64(len(py))
	}
	for i := range 200 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("nb%d.ipynb", i)), nb, 0o644); err != nil {
			b.Fatal(err)
		}
		total += int64(len(nb))
	}
	b.SetBytes(total)
	for b.Loop() {
		res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}, Jobs: 2})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Failed) > 0 {
			b.Fatalf("failed: %v", res.Failed[0])
		}
	}
}
