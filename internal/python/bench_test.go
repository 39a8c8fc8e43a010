package python

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkParse parses a realistic training script of about 500 lines (the
// finetune.py fixture three times over). The engine's budget is 2,000 such
// files and 200 notebooks in under a second on two cores.
func BenchmarkParse(b *testing.B) {
	one, err := os.ReadFile("testdata/finetune.py")
	if err != nil {
		b.Fatal(err)
	}
	src := bytes.Repeat(one, 3)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		m := Parse(src)
		if len(m.Calls) == 0 {
			b.Fatal("no calls")
		}
	}
}
