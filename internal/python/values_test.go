package python

import (
	"strings"
	"testing"
)

// TestValues checks constant propagation: names bound to literals, dicts of
// literals expanded from **kwargs, parameter defaults, truthiness and
// dynamic access with constant names.
func TestValues(t *testing.T) {
	src := `import importlib
import torch
FLAG = False
ONE = 1
KW = {"weights_only": True, "map_location": "cpu"}
KW2 = dict(weights_only=FLAG)
torch.load(p, weights_only=FLAG)
torch.load(p, **KW)
torch.load(p, **KW2)
torch.load(p, **unknown)
torch.load(p, weights_only=ONE)
def f(p, weights_only=False, *, loader=torch.load):
    torch.load(p, weights_only=weights_only)
    loader(p)
getattr(torch, "load")(p)
importlib.import_module("pickle").loads(b)
__import__("os.path").getcwd()
g = getattr(torch, "load")
g(p)
`
	m := Parse([]byte(src))
	byLine := map[int]*Call{}
	for i := range m.Calls {
		byLine[m.Calls[i].Line] = &m.Calls[i]
	}
	check := func(line int, kw string, want ValueKind, via string, def bool) {
		t.Helper()
		a := byLine[line].Arg(kw)
		if a == nil || a.Kind != want || a.Via != via || a.Default != def {
			t.Errorf("line %d %s = %+v, want kind %d via %q default %v", line, kw, a, want, via, def)
		}
	}
	check(7, "weights_only", FalseLit, "FLAG", false)
	check(8, "weights_only", TrueLit, "KW", false)
	check(8, "map_location", StringLit, "KW", false)
	check(9, "weights_only", FalseLit, "KW2", false)
	if !byLine[10].HasStarStar() || byLine[10].Arg("weights_only") != nil {
		t.Errorf("**unknown: %+v", byLine[10].Args)
	}
	if a := byLine[11].Arg("weights_only"); !a.IsTrue() || a.IsFalse() {
		t.Errorf("weights_only=ONE is not truthy: %+v", a)
	}
	check(13, "weights_only", FalseLit, "weights_only", true)
	for line, want := range map[int]string{14: "torch.load", 15: "torch.load", 16: "pickle.loads", 17: "os.getcwd", 19: "torch.load"} {
		if got := byLine[line].Resolved; got != want {
			t.Errorf("line %d resolved %q, want %q", line, got, want)
		}
	}
	for _, s := range []string{"0", "0.0", "0x0", "-0", "0e3", "0_0"} {
		if !zeroNumber(s) {
			t.Errorf("%s is zero", s)
		}
	}
	for _, s := range []string{"1", "0.5", "0x10", "0xe", "2e0"} {
		if zeroNumber(s) {
			t.Errorf("%s is not zero", s)
		}
	}
}

// TestPartial checks that a call of a name bound to functools.partial(f, …)
// is a call of f with the partial's arguments: positional ones first, and
// keywords the call's own override.
func TestPartial(t *testing.T) {
	src := `import functools
from functools import partial
import torch
read = functools.partial(torch.load, "a.pt", map_location="cpu", weights_only=True)
read(weights_only=False)
other = partial(print)
other(1)
x = read
x()
def f():
    read = 1
    read()
`
	m := Parse([]byte(src))
	byLine := map[int]*Call{}
	for i := range m.Calls {
		byLine[m.Calls[i].Line] = &m.Calls[i]
	}
	c := byLine[5]
	if c.Resolved != "torch.load" {
		t.Fatalf("read() resolved %q, want torch.load", c.Resolved)
	}
	if a := c.Positional(0); a == nil || a.Value != "a.pt" {
		t.Errorf("positional 0 = %+v, want the partial's \"a.pt\"", a)
	}
	if a := c.Arg("weights_only"); a == nil || a.Kind != FalseLit {
		t.Errorf("weights_only = %+v, want the call's False", a)
	}
	if a := c.Arg("map_location"); a == nil || a.Value != "cpu" {
		t.Errorf("map_location = %+v, want the partial's \"cpu\"", a)
	}
	if got := byLine[7].Resolved; got != "print" {
		t.Errorf("other() resolved %q, want print", got)
	}
	if got := byLine[9].Resolved; got != "functools.partial()" {
		t.Errorf("x() resolved %q, want functools.partial()", got)
	}
	if got := byLine[12].Resolved; got != "" {
		t.Errorf("read() after a local rebinding resolved %q, want \"\"", got)
	}
}

// TestConcatParts: a concatenation keeps its operands, each read in its
// scope, inline and through a name bound to it.
func TestConcatParts(t *testing.T) {
	src := `import os, sys
BASE = "https://models.example.com/"
def fetch(name):
    url = BASE + name + ".pkl"
    get(url)
    get(os.environ["DIR"] + "/m.pkl")
    get(root / name)
`
	m := Parse([]byte(src))
	var got []string
	for _, c := range m.Calls {
		if c.Callee != "get" {
			continue
		}
		a := c.Positional(0)
		if a == nil || a.Parts == nil {
			t.Fatalf("get(%s) has no parts", src[a.Start:a.End])
		}
		var ps []string
		for _, p := range *a.Parts {
			switch {
			case p.Param != nil:
				ps = append(ps, "param:"+p.Param.Name)
			case p.Kind == StringLit:
				ps = append(ps, "str:"+p.Value)
			default:
				ps = append(ps, src[p.Start:p.End])
			}
		}
		got = append(got, strings.Join(ps, " | "))
	}
	want := []string{
		"str:https://models.example.com/ | param:name | str:.pkl",
		`os.environ["DIR"] | str:/m.pkl`,
		"root | param:name",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("parts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
