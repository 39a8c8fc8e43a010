package code

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mlsec/mlsec/internal/python"
)

func TestDecodeJSONString(t *testing.T) {
	raw := []byte(`"a\"b\\c\n\u00e9\ud83d\ude00x"`)
	var off []int32
	got := decodeJSONString(raw, 100, nil, &off)
	if string(got) != "a\"b\\c\né😀x" {
		t.Errorf("decoded %q", got)
	}
	if len(off) != len(got) || off[0] != 101 || off[len(off)-1] != int32(100+len(raw)-2) {
		t.Errorf("offsets %v for %d bytes", off, len(got))
	}
}

func TestBlankMagics(t *testing.T) {
	for in, want := range map[string]string{
		"%pip install x\nimport os\n":   "              \nimport os\n",
		"  !ls\nx = 1\n":                "     \nx = 1\n",
		"%%bash\npython -c 'x'\n":       "      \n             \n",
		"%%time\nimport pickle\n":       "      \nimport pickle\n",
		"x = 1\n%%bash\n":               "x = 1\n      \n",
		"%%timeit -n 3\nf(x)\n":         "             \nf(x)\n",
		"%%writefile a.py\nimport os\n": "                \n         \n",
	} {
		b := []byte(in)
		blankMagics(b)
		if string(b) != want {
			t.Errorf("blankMagics(%q) = %q, want %q", in, b, want)
		}
	}
}

func FuzzNotebook(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.ipynb")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`{}`, `[]`, `{"cells":[{"cell_type":"code","source":"x(\"\u00"}]}`, `{"cells":[{"cell_type":"code","source":["\ud800"]}]}`,
		`{"cells":{"a":1},"worksheets":[{"cells":[{"cell_type":"code","input":"pickle.load(f)"}]}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		nb, err := parseNotebook(src)
		if err != nil {
			return
		}
		if len(nb.off) != len(nb.code) {
			t.Fatalf("%d offsets for %d bytes of code", len(nb.off), len(nb.code))
		}
		m := python.ParseChunks(nb.code, nb.ends)
		for _, c := range m.Calls {
			if off, _, _ := nb.locate(c.Start); off < 0 || off >= len(src) {
				t.Fatalf("call %q maps to offset %d in %d bytes", c.Callee, off, len(src))
			}
		}
	})
}
