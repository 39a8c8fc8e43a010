package diff

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkFiles compares a generated pair of CSVs, for profiling:
//
//	go run ./bench/datagen csv -o /tmp/d/old.csv -rows 1000000 -cols 20 -seed 1
//	go run ./bench/datagen csv -o /tmp/d/new.csv -rows 1000000 -cols 20 -seed 1 -poison
//	MLSEC_DIFF_BENCH_DIR=/tmp/d go test ./internal/dataset/diff -run '^$' -bench Files -benchtime 1x -cpuprofile /tmp/cpu.out
//
// It is skipped when the variable is unset (sh bench/data_diff.sh is the
// end-to-end measure, with wall time and peak memory).
func BenchmarkFiles(b *testing.B) {
	dir := os.Getenv("MLSEC_DIFF_BENCH_DIR")
	if dir == "" {
		b.Skip("MLSEC_DIFF_BENCH_DIR unset")
	}
	for b.Loop() {
		r, err := Files(context.Background(), filepath.Join(dir, "old.csv"), filepath.Join(dir, "new.csv"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Findings) == 0 {
			b.Fatal("no findings")
		}
	}
}
