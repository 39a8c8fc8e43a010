package notebook

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
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

// sample has a markdown cell, a code cell given as an array of lines and
// one given as a single string, a raw cell, and an empty code cell, which
// adds nothing.
const sample = `{
 "cells": [
  {"cell_type": "markdown", "source": ["# pickle.load(f)\n"]},
  {"cell_type": "code", "source": [
    "%pip install torch\n",
    "import torch\n"
  ], "outputs": [{"data": {"text/plain": ["torch.load(x)"]}}]},
  {"cell_type": "raw", "source": "torch.load(p)"},
  {"cell_type": "code", "source": "m = torch.load(\"m.pt\")\nprint(\"\u00e9\", m)"},
  {"cell_type": "code", "source": []}
 ],
 "nbformat": 4
}`

func TestParse(t *testing.T) {
	nb, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	wantCode := "                  \nimport torch\nm = torch.load(\"m.pt\")\nprint(\"é\", m)\n"
	if string(nb.Code) != wantCode {
		t.Errorf("Code = %q, want %q", nb.Code, wantCode)
	}
	if want := []int{32, 70}; !equal(nb.Ends, want) {
		t.Errorf("Ends = %v, want %v", nb.Ends, want)
	}
	if want := []int{2, 4}; !equal(nb.cells, want) {
		t.Errorf("cells = %v, want %v", nb.cells, want)
	}
	if len(nb.off) != len(nb.Code) {
		t.Errorf("%d offsets for %d bytes", len(nb.off), len(nb.Code))
	}
}

func TestLocate(t *testing.T) {
	src := []byte(sample)
	nb, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		code string // text in Code, located at its first byte
		want Pos
	}{
		{"import torch", Pos{Line: 6, Column: 6, Cell: 2, CellLine: 2}},
		{"torch.load(\"m.pt\")", Pos{Line: 9, Column: 40, Cell: 4, CellLine: 1}},
		{"print(", Pos{Line: 9, Column: 62, Cell: 4, CellLine: 2}},
		{", m)", Pos{Line: 9, Column: 78, Cell: 4, CellLine: 2}}, // after a \u00e9 escape of 6 bytes
	} {
		i := bytes.Index(nb.Code, []byte(tc.code))
		if i < 0 {
			t.Fatalf("%q not in code", tc.code)
		}
		got := nb.Locate(i)
		tc.want.Offset = got.Offset
		if got != tc.want {
			t.Errorf("Locate(%q) = %+v, want %+v", tc.code, got, tc.want)
		}
		// The offset is where the text is written in the file.
		if !bytes.HasPrefix(src[got.Offset:], []byte(strings.ReplaceAll(tc.code, `"`, `\"`))) {
			t.Errorf("Locate(%q) offset %d points at %q", tc.code, got.Offset, src[got.Offset:min(got.Offset+20, len(src))])
		}
	}
	// Out of range offsets clamp rather than panic.
	if got := nb.Locate(len(nb.Code) + 10); got.Cell != 4 || got.CellLine != 2 {
		t.Errorf("Locate(past end) = %+v", got)
	}
	if got := nb.Locate(-1); got != (Pos{Line: 1, Column: 1}) {
		t.Errorf("Locate(-1) = %+v", got)
	}
}

func TestParseNBFormat3(t *testing.T) {
	b, err := os.ReadFile("testdata/legacy_v3.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	nb, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(nb.Code), "import cPickle\nmodel = cPickle.load(") || !equal(nb.cells, []int{2}) {
		t.Errorf("code %q, cells %v", nb.Code, nb.cells)
	}
}

func TestParseInvalid(t *testing.T) {
	b, err := os.ReadFile("testdata/truncated.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(b); err == nil || err.Error() != "invalid notebook JSON at line 5: invalid character 'o' after array element" {
		t.Errorf("Parse(truncated) error = %v", err)
	}
	if _, err := Parse(nil); err == nil || !strings.HasPrefix(err.Error(), "invalid notebook JSON") {
		t.Errorf("Parse(nil) error = %v", err)
	}
}

// Valid JSON that is not a notebook has no code, and is not an error.
func TestParseNotNotebook(t *testing.T) {
	for _, s := range []string{`[]`, `"x"`, `{}`, `{"cells": 3}`, `{"cells": [1, "a", {"cell_type": "code"}]}`,
		`{"a": ` + strings.Repeat("[", 9000) + strings.Repeat("]", 9000) + `, "cells": [{"cell_type": "markdown", "source": "x"}]}`} {
		nb, err := Parse([]byte(s))
		if err != nil {
			t.Errorf("Parse(%.40q): %v", s, err)
		} else if len(nb.Code) != 0 || len(nb.Ends) != 0 {
			t.Errorf("Parse(%.40q) = %q", s, nb.Code)
		}
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func FuzzNotebook(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ipynb")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`{}`, `[]`, `{"cells":[{"cell_type":"code","source":"x(\"\u00"}]}`, `{"cells":[{"cell_type":"code","source":["\ud800"]}]}`,
		`{"cells":{"a":1},"worksheets":[{"cells":[{"cell_type":"code","input":"pickle.load(f)"}]}]}`, sample} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		nb, err := Parse(src)
		if err != nil {
			return
		}
		if len(nb.off) != len(nb.Code) {
			t.Fatalf("%d offsets for %d bytes of code", len(nb.off), len(nb.Code))
		}
		m := python.ParseChunks(nb.Code, nb.Ends)
		for _, c := range m.Calls {
			p := nb.Locate(c.Start)
			if p.Offset < 0 || p.Offset >= len(src) {
				t.Fatalf("call %q maps to offset %d in %d bytes", c.Callee, p.Offset, len(src))
			}
			if p.Line < 1 || p.Column < 1 || p.Cell < 1 || p.CellLine < 1 {
				t.Fatalf("call %q maps to %+v", c.Callee, p)
			}
		}
	})
}
