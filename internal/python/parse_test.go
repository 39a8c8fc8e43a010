package python

import (
	"os"
	"strings"
	"testing"
)

func TestTokenizeKinds(t *testing.T) {
	src := []byte("x = f(a,\n  b) # c\ny = '''t\nq''' \\\n + rb'z'\n")
	var got []string
	for _, tk := range Tokenize(src) {
		got = append(got, tk.Kind.String()+":"+strings.ReplaceAll(tk.Text(src), "\n", `\n`))
	}
	want := "NAME:x OP:= NAME:f OP:( NAME:a OP:, NL:\\n NAME:b OP:) COMMENT:# c NEWLINE:\\n " +
		"NAME:y OP:= STRING:'''t\\nq''' OP:+ STRING:rb'z' NEWLINE:\\n"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("tokens:\n got %s\nwant %s", g, want)
	}
}

func TestTokenPositions(t *testing.T) {
	src := []byte("a = '''x\ny'''\nb(c)\n")
	toks := Tokenize(src)
	for _, tk := range toks {
		if tk.Text(src) == "b" && (tk.Line != 3 || tk.Col != 1) {
			t.Errorf("b at %d:%d, want 3:1", tk.Line, tk.Col)
		}
		if tk.Text(src) == "c" && (tk.Line != 3 || tk.Col != 3) {
			t.Errorf("c at %d:%d, want 3:3", tk.Line, tk.Col)
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	src := []byte("n\xff\xfeame = pickle.load(f)  # caf\xe9\ns = '\xff'\n")
	m := Parse(src)
	if len(m.Calls) != 1 || m.Calls[0].Resolved != "pickle.load" {
		t.Fatalf("calls = %+v", m.Calls)
	}
}

func TestParseFixture(t *testing.T) {
	src, err := os.ReadFile("testdata/train.py")
	if err != nil {
		t.Fatal(err)
	}
	m := Parse(src)
	var got []string
	for _, c := range m.Calls {
		got = append(got, c.Callee+"="+c.Resolved)
	}
	want := []string{
		"torch.no_grad=torch.no_grad",
		"T.load=torch.load",
		"pkl.loads=pickle.loads",
		"base64.b64decode=base64.b64decode",
		"pkl.Unpickler=pickle.Unpickler",
		"open=open",
		"pkl.Unpickler().load=pickle.Unpickler().load",
		"np.load=numpy.load",
		"jl=joblib.load",
		"loader=pickle.load",
		"?.join=",
		"map=map",
		"load=",
		"AutoModelForSequenceClassification.from_pretrained=transformers.AutoModelForSequenceClassification.from_pretrained",
		"main=main",
	}
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("calls:\n%s\n--- want\n%s", g, w)
	}
	var imps []string
	for _, im := range m.Imports {
		imps = append(imps, im.As+"="+im.Path())
	}
	wantImps := "os=os sys=sys T=torch np=numpy jl=joblib.load dump=joblib.dump " +
		"AutoModelForSequenceClassification=transformers.AutoModelForSequenceClassification " +
		"Tok=transformers.AutoTokenizer utils=.utils read_all=..common.io.read_all pkl=pickle"
	if g := strings.Join(imps, " "); g != wantImps {
		t.Errorf("imports:\n got %s\nwant %s", g, wantImps)
	}
	for _, c := range m.Calls {
		switch c.Callee {
		case "T.load":
			if c.Line != 23 || c.Col != 13 {
				t.Errorf("T.load at %d:%d", c.Line, c.Col)
			}
			if a := c.Arg("weights_only"); !a.IsFalse() {
				t.Errorf("weights_only = %+v", a)
			}
			if a := c.Arg("map_location"); a == nil || a.Kind != StringLit || a.Value != "cpu" {
				t.Errorf("map_location = %+v", a)
			}
			if a := c.Positional(0); a == nil || a.Kind != DottedName || a.Value != "path" {
				t.Errorf("arg 0 = %+v", a)
			}
		case "AutoModelForSequenceClassification.from_pretrained":
			if a := c.Positional(0); a == nil || a.Value != "org/name" {
				t.Errorf("arg 0 = %+v", a)
			}
			if a := c.Arg("revision"); a == nil || a.Kind != NoneLit {
				t.Errorf("revision = %+v", a)
			}
			if a := c.Arg("num_labels"); a == nil || a.Kind != NumberLit || a.Value != "-2" {
				t.Errorf("num_labels = %+v", a)
			}
		}
	}
}

func TestResolveShadowing(t *testing.T) {
	src := `import pickle
pickle.load(f)
from joblib import load
load(f)
def load(p): pass
load(f)
class Box:
    def loads(self): return loads(1)
import yaml as y
y = make_yaml()
y.load(f)
from ruamel.yaml import YAML
yaml = YAML(typ="safe")
yaml.load(f)
`
	m := Parse([]byte(src))
	var got []string
	for _, c := range m.Calls {
		got = append(got, c.Resolved)
	}
	want := "pickle.load joblib.load  loads make_yaml make_yaml().load ruamel.yaml.YAML ruamel.yaml.YAML().load"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("resolved:\n got %q\nwant %q", g, want)
	}
	if r := m.Resolve("yaml.load"); r != "ruamel.yaml.YAML().load" {
		t.Errorf("Resolve = %q", r)
	}
}

func TestChunks(t *testing.T) {
	src := []byte("import torch as T\nx = f('unterminated\ny = g((\nT.load(p)\n")
	// Chunks: line 1-2, line 3, line 4.
	e1 := strings.Index(string(src), "y =")
	e2 := strings.Index(string(src), "T.load")
	m := ParseChunks(src, []int{e1, e2, len(src)})
	last := m.Calls[len(m.Calls)-1]
	if last.Resolved != "torch.load" || last.Line != 4 {
		t.Errorf("last call = %+v", last)
	}
}

func TestImportForms(t *testing.T) {
	src := `import os.path, torch.nn.functional as F
from ... import pkg
from .models import (
    Encoder,
    Decoder as Dec,
)
from sklearn.externals import joblib
raise ValueError("x") from err
from pickle import *
`
	m := Parse([]byte(src))
	var got []string
	for _, im := range m.Imports {
		got = append(got, im.As+"="+im.Path())
	}
	want := "os=os.path F=torch.nn.functional pkg=...pkg Encoder=.models.Encoder Dec=.models.Decoder joblib=sklearn.externals.joblib =pickle.*"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("imports:\n got %s\nwant %s", g, want)
	}
	for dotted, res := range map[string]string{
		"os.path.join": "os.path.join", "F.relu": "torch.nn.functional.relu", "joblib.load": "sklearn.externals.joblib.load",
		"Dec.from_pretrained": ".models.Decoder.from_pretrained", "unbound.x": "unbound.x",
	} {
		if r := m.Resolve(dotted); r != res {
			t.Errorf("Resolve(%q) = %q, want %q", dotted, r, res)
		}
	}
}

func TestStringsAndCommentsMakeNoCalls(t *testing.T) {
	src := "# pickle.load(f)\ns = 'pickle.load(f)'\nd = \"\"\"\npickle.loads(x)\n\"\"\"\nb = rb'torch.load(p)'\nc = f\"{x}\" \\\n  'y(z)'\n"
	if m := Parse([]byte(src)); len(m.Calls) != 0 {
		t.Errorf("calls from strings and comments: %+v", m.Calls)
	}
}
