package python

import (
	"strings"
	"testing"
)

// TestFunctionScopes checks that names bound inside a function body shadow
// imports only until the body ends, and that class bodies bind nothing
// outside themselves.
func TestFunctionScopes(t *testing.T) {
	src := `from pickle import load
import torch


def main():
    def load(p):
        return open(p).read()
    torch = FakeTorch()
    torch.load(load("x"))


async def serve():
    import numpy as load
    return load.load(p)


class Config:
    torch = None
    def load(self):
        return load(self.f)


load(f)
torch.load(p)
def helper(): load = json.load; return load(f)
load(g)
`
	m := Parse([]byte(src))
	var got []string
	for _, c := range m.Calls {
		got = append(got, c.Callee+"="+c.Resolved)
	}
	want := "open=open open().read=open().read FakeTorch=FakeTorch torch.load=FakeTorch().load load= load.load=numpy.load load=pickle.load " +
		"load=pickle.load torch.load=torch.load load=json.load load=pickle.load"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("resolved:\n got %s\nwant %s", g, want)
	}
	if r := m.Resolve("load"); r != "pickle.load" {
		t.Errorf("Resolve(load) at the end = %q", r)
	}
}

func TestStarImports(t *testing.T) {
	src := "from pickle import *\nfrom yaml import *\nloads(b)\nload = 3\nload(f)\nimport torch\ntorch.load(p)\n"
	m := Parse([]byte(src))
	if c := m.Calls[0]; strings.Join(c.Stars, ",") != "pickle,yaml" {
		t.Errorf("loads: stars %v", c.Stars)
	}
	if c := m.Calls[1]; c.Stars != nil {
		t.Errorf("local load: stars %v", c.Stars)
	}
	if c := m.Calls[2]; c.Stars != nil {
		t.Errorf("torch.load: stars %v", c.Stars)
	}
}

func TestParenthesizedArgs(t *testing.T) {
	m := Parse([]byte("f(weights_only=(False), b=((True)), c=(1, 2), d=(x.y), e=(\"s\"))\n"))
	c := m.Calls[0]
	for kw, want := range map[string]ValueKind{"weights_only": FalseLit, "b": TrueLit, "c": Other, "d": DottedName, "e": StringLit} {
		if a := c.Arg(kw); a == nil || a.Kind != want {
			t.Errorf("%s = %+v, want kind %d", kw, a, want)
		}
	}
}
