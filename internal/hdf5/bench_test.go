package hdf5

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkRealFile scans the h5py-written fixture.
func BenchmarkRealFile(b *testing.B) {
	data, err := os.ReadFile("../analyzers/modelfmt/testdata/ok/mlp.h5")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ScanKeras(bytes.NewReader(data), int64(len(data))); err != nil {
			b.Fatal(err)
		}
	}
}
