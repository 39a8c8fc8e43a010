package python

import (
	"os"
	"path/filepath"
	"testing"
)

// seeds are the fixtures of this package and of the code analyzer, plus
// fragments that stress the tokenizer's edge cases.
func seeds(f *testing.F) {
	for _, pat := range []string{"testdata/*.py", "../analyzers/code/testdata/*/*.py", "../analyzers/code/testdata/*/*.ipynb"} {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{
		"", "(", ")", "'''", "f(\"", "x = \\", "a.(b)(c)", "from . import (a,\n b", "import", "from",
		"((((]]]]", "x = r'\\'\n", "def (", ").(", "a = b = c()", "\xff\xfe(\x00)", "0x1e+5j", "...",
		"u = pickle.Unpickler(f).load()\n", "@dec(\n)\nclass C(B): pass",
		"f\"{a(\"{\"", "f'{x!r:{y}}'", "f'''{\n(\n'''", "rf'\\N{a}'", "f'\\N{x'", "f\"{f'{f\"{g()}\"}'}\"",
	} {
		f.Add([]byte(s))
	}
}

func FuzzTokenize(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		toks := Tokenize(src)
		last := int32(0)
		for i, tk := range toks {
			if tk.Start < last || tk.End < tk.Start || int(tk.End) > len(src) {
				t.Fatalf("token %d %v spans [%d,%d) after %d in %d bytes", i, tk.Kind, tk.Start, tk.End, last, len(src))
			}
			last = tk.Start
			if tk.Line < 1 || tk.Col < 1 {
				t.Fatalf("token %d at %d:%d", i, tk.Line, tk.Col)
			}
			if m := tk.Match; m >= 0 && (int(m) >= len(toks) || toks[m].Match != int32(i)) {
				t.Fatalf("token %d matches %d, which does not match back", i, m)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		m := Parse(src)
		for _, c := range m.Calls {
			if c.Start > c.End || c.End > len(src) {
				t.Fatalf("call %q spans [%d,%d) in %d bytes", c.Callee, c.Start, c.End, len(src))
			}
			for _, a := range c.Args {
				if a.Start > a.End || a.End > len(src) {
					t.Fatalf("arg of %q spans [%d,%d)", c.Callee, a.Start, a.End)
				}
			}
		}
		// Chunked parsing must hold up too.
		ParseChunks(src, []int{len(src) / 3, len(src) / 2, len(src)})
	})
}
