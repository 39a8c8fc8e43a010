package tomlpos

import (
	"strings"
	"testing"
)

const doc = `# a pyproject.toml
[project]
name = "demo"
dependencies = [
  "torch>=2.1",
  { include-group = "x" },
  "numpy==1.26.4",
]

[tool.poetry.dependencies]
python = "^3.10"
requests = { version = "2.31.0", source = "internal" }

[[tool.poetry.source]]
name = "internal"
url = "https://pypi.internal.example.com/simple"

[[tool.poetry.source]]
name = "pypi"
priority = "primary"

[tool.uv]
index-url = 'https://mirror.example.com/simple'
dev.extra = true
`

func TestParse(t *testing.T) {
	root, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(root.Keys, ","); got != "project,tool" {
		t.Errorf("root keys %s", got)
	}
	if v := root.Get("project", "name"); !v.IsString() || v.Str != "demo" || v.Line != 3 || v.Col != 8 {
		t.Errorf("project.name = %+v", v)
	}
	deps := root.Get("project", "dependencies").Strings()
	if len(deps) != 2 || deps[0].Str != "torch>=2.1" || deps[1].Str != "numpy==1.26.4" || deps[0].Line != 5 || deps[1].Line != 7 || deps[1].Col != 3 {
		t.Errorf("dependencies = %+v", deps)
	}
	if single := root.Get("project", "name").Strings(); len(single) != 1 || single[0].Str != "demo" {
		t.Errorf("Strings of a string = %+v", single)
	}
	poetry := root.Sub("tool", "poetry")
	if got := strings.Join(poetry.Sub("dependencies").Keys, ","); got != "python,requests" {
		t.Errorf("poetry dependencies %s", got)
	}
	req := poetry.Get("dependencies", "requests")
	if req.IsString() || req.Table == nil || req.Table.Get("source").Str != "internal" || req.Line != 12 {
		t.Errorf("requests = %+v", req)
	}
	srcs := poetry.Get("source").Tables()
	if len(srcs) != 2 || srcs[0].Table.Get("url").Line != 16 || srcs[1].Table.Get("priority").Str != "primary" || srcs[1].Line != 18 {
		t.Errorf("sources = %+v", srcs)
	}
	if v := root.Get("tool", "uv", "index-url"); v.Str != "https://mirror.example.com/simple" || v.Line != 23 || v.Col != 13 {
		t.Errorf("index-url = %+v", v)
	}
	if v := root.Get("tool", "uv", "dev", "extra"); v == nil || v.Str != "true" || v.IsString() {
		t.Errorf("dotted key = %+v", v)
	}
	// Missing paths and nil receivers give nil, not a panic.
	var nilTable *Table
	var nilValue *Value
	if root.Get("nope", "x") != nil || root.Sub("project", "name") != nil || nilTable.Get("x") != nil || nilTable.Sub("x") != nil ||
		nilValue.Tables() != nil || nilValue.Strings() != nil || nilValue.IsString() {
		t.Error("missing paths should be nil")
	}
}

// [a.b] after [[a]] adds to the last element of the array.
func TestArrayOfTablesSubTable(t *testing.T) {
	root, err := Parse([]byte("[[a]]\nx = 1\n[[a]]\nx = 2\n[a.b]\ny = \"z\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	as := root.Get("a").Tables()
	if len(as) != 2 || as[1].Table.Get("b", "y").Str != "z" || as[0].Table.Get("b") != nil {
		t.Errorf("a = %+v", as)
	}
}

func TestTooDeep(t *testing.T) {
	deep := "x = " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n"
	if _, err := Parse([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("Parse(deep) error = %v", err)
	}
	// Brackets inside strings and comments do not count.
	ok := "# [[[[\nx = \"" + strings.Repeat("[", 200) + "\"\ny = '''\n" + strings.Repeat("{", 200) + "'''\n"
	if _, err := Parse([]byte(ok)); err != nil {
		t.Errorf("Parse(strings) error = %v", err)
	}
	// Dotted keys nest without brackets; they are read without recursion.
	dotted := strings.Repeat("a.", 20000) + "b = 1\n"
	root, err := Parse([]byte(dotted))
	if err != nil {
		t.Fatal(err)
	}
	path := append(strings.Split(strings.Repeat("a.", 20000), ".")[:20000], "b")
	if v := root.Get(path...); v == nil || v.Str != "1" || v.Line != 1 {
		t.Errorf("deep dotted key = %+v", v)
	}
}

func TestErrorLine(t *testing.T) {
	_, err := Parse([]byte("[project]\nname = \"x\"\ndependencies = [\n  \"a\"\n  \"b\",\n]\n"))
	if err == nil || !strings.Contains(err.Error(), "line 5") {
		t.Errorf("error = %v, want one naming line 5", err)
	}
}

// A key redefined as a table is invalid TOML; whether go-toml rejects it
// or lets it through, reading it must not crash.
func TestRedefinedKey(t *testing.T) {
	for _, s := range []string{"a = 1\n[a]\nb = 2\n", "a = [1, 2]\n[a.b]\nc = 3\n", "a = {b = 1}\n[a.c]\nd = 4\n"} {
		if _, err := Parse([]byte(s)); err != nil {
			t.Logf("Parse(%q): %v", s, err)
		}
	}
}

// FuzzParse: hostile TOML (deep nesting, huge tables, broken strings) never
// panics, and every position it reports lies inside the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"[project]\nname = \"x\"\ndependencies = [\"torch==2.2.1\", \"numpy\"]\n",
		"[tool.poetry.source]\nname = 'internal'\nurl = 'https://pypi.internal/simple'\npriority = 'supplemental'\n",
		"a = [[[[[[[[1]]]]]]]]\n",
		"x = { y = { z = { w = 1 } } }\n",
		"[[tool.uv.index]]\nurl = \"http://10.0.0.1/simple\"\n",
		"s = \"\"\"multi\nline\"\"\"\n",
		"bad = [\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tb, err := Parse(src)
		if err != nil || tb == nil {
			return
		}
		var walk func(tb *Table, depth int)
		walk = func(tb *Table, depth int) {
			if depth > 64 {
				return
			}
			for _, k := range tb.Keys {
				v := tb.Get(k)
				if v == nil {
					t.Fatalf("key %q listed without a value", k)
				}
				if v.Off < 0 || v.Off > len(src) || v.Line < 0 {
					t.Fatalf("position %d (line %d) outside a %d-byte input", v.Off, v.Line, len(src))
				}
				if v.Table != nil {
					walk(v.Table, depth+1)
				}
			}
		}
		walk(tb, 0)
	})
}
