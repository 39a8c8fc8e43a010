package secret

import (
	"os"
	"testing"
)

// FuzzNotebookParts: the notebook walker reads hostile JSON (deep nesting,
// odd escapes, truncated surrogates) without panicking, and every decoded
// byte maps to an offset inside the file.
func FuzzNotebookParts(f *testing.F) {
	for _, p := range []string{"testdata/notebook/train.ipynb", "testdata/ok/clean.ipynb"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"cells":[{"source":"\ud83d\ude00 \ud83d x","outputs":[{"data":{"text/plain":[[[["a"]]]]}}]}]}`))
	f.Add([]byte(`{"worksheets":[{"cells":[{"input":["a\\"],"outputs":[{"text":"b"}]}]}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		parts, err := notebookParts(src)
		if err != nil {
			return
		}
		for _, p := range parts {
			if len(p.off) != len(p.text) {
				t.Fatalf("cell %d: %d offsets for %d bytes", p.cell, len(p.off), len(p.text))
			}
			for _, o := range p.off {
				if o < 0 || int(o) >= len(src) {
					t.Fatalf("offset %d outside the file (%d bytes)", o, len(src))
				}
			}
		}
	})
}
