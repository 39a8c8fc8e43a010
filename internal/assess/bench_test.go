package assess

import (
	"context"
	"os"
	"testing"

	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/source"
)

// BenchmarkCollect measures the assessment's own pass over a tree named by
// MLSEC_ASSESS_BENCH (for example one made by go run ./bench/gen); it
// skips when the variable is unset.
func BenchmarkCollect(b *testing.B) {
	dir := os.Getenv("MLSEC_ASSESS_BENCH")
	if dir == "" {
		b.Skip("MLSEC_ASSESS_BENCH not set")
	}
	var entries []source.Entry
	w := &source.Walker{}
	if err := w.Walk(dir, func(e source.Entry) { entries = append(entries, e) }, func(source.Skip) {}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		collect(context.Background(), index.New(entries, 50<<20, nil))
	}
}
