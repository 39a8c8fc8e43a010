package atlas

import (
	"bytes"
	"os"
	"testing"
)

func BenchmarkParseYAML(b *testing.B) {
	data, err := os.ReadFile(realYAML)
	if err != nil {
		b.Skipf("ATLAS.yaml not available: %v", err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseYAML(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
