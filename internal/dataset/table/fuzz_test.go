package table

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// drain reads every row; the fuzz targets only require that no input
// panics or runs away.
func drain(f Format, data []byte) {
	r, err := Open(f, bytes.NewReader(data), int64(len(data)), Limits{MaxRecordBytes: 1 << 16, MaxColumns: 256})
	if err != nil {
		return
	}
	for range 100_000 {
		if _, err := r.Next(); err != nil {
			if err == io.EOF {
				return
			}
			return
		}
	}
}

func seedFiles(f *testing.F, globs ...string) {
	for _, g := range globs {
		ms, _ := filepath.Glob(filepath.Join("..", "testdata", g))
		for _, m := range ms {
			b, err := os.ReadFile(m)
			if err != nil {
				f.Fatal(err)
			}
			if len(b) > 64<<10 {
				b = b[:64<<10]
			}
			f.Add(b)
		}
	}
}

func FuzzCSV(f *testing.F) {
	seedFiles(f, "bad/*.csv", "diff/clean/old.csv")
	f.Add([]byte("a,b\n\"x\ny\",2\n"))
	f.Fuzz(func(t *testing.T, b []byte) { drain(CSV, b); drain(TSV, b) })
}

func FuzzJSONL(f *testing.F) {
	seedFiles(f, "bad/*.jsonl", "diff/trigger-jsonl/old.jsonl")
	f.Add([]byte("{\"a\":{\"b\":[1,{}]}}\n{}\n"))
	f.Fuzz(func(t *testing.T, b []byte) { drain(JSONL, b) })
}

func FuzzParquet(f *testing.F) {
	seedFiles(f, "bad/*.parquet", "diff/parquet/*.parquet")
	f.Fuzz(func(t *testing.T, b []byte) { drain(Parquet, b) })
}
