package table

import (
	"io"
	"os"
	"testing"
)

// BenchmarkCSV reads a large CSV row by row, for profiling the reader:
//
//	MLSEC_CSV_BENCH=/tmp/d/old.csv go test ./internal/dataset/table -run '^$' -bench CSV -benchtime 3x
//
// It is skipped when the variable is unset.
func BenchmarkCSV(b *testing.B) {
	path := os.Getenv("MLSEC_CSV_BENCH")
	if path == "" {
		b.Skip("MLSEC_CSV_BENCH unset")
	}
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := Open(CSV, f, 0, Limits{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		f.Close()
	}
}
