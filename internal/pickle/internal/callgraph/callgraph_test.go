package callgraph

import (
	"reflect"
	"strings"
	"testing"
)

// acmeUtil is a small library with every kind of flow the generator must
// tell apart: direct and nested calls, constants, derived names, file modes,
// classes built through __init__, inherited constructors, sockets, **kwargs.
const acmeUtil = `
import os, socket, subprocess as sp
from pickle import loads as _loads


def run(cmd):
    os.system(cmd)


def run_const(cmd):
    os.system("ls")


def derived(path, mode):
    full = "/tmp/" + path
    with open(full, mode) as f:
        f.write("x")


def read_only(path, mode="rb"):
    with open(path, "rb") as f:
        return f.read()


def writes(path):
    open(path, "w").close()


def reads_through(path):
    return derived(path, "r")


def two(x):
    run(x)


def three(x):
    y = [x]
    two(y[0])


def four(x):
    three(x)


def five(x):
    four(x)


def unrelated(x):
    run("date")


def thaw(blob):
    return _loads(blob)


def keyword(**kw):
    return run(**kw)


class Runner:
    def __init__(self, cmd):
        self.cmd = cmd
        self.go()

    def go(self):
        sp.run(self.cmd, shell=True)


class Quiet:
    def __init__(self, n):
        self.n = n

    @staticmethod
    def size(n):
        return n


class Child(Runner):
    pass


class Beacon:
    def __init__(self, host):
        self.sock = socket.socket()
        self.sock.connect((host, 80))


class Ref:
    def _evaluate(self, ns):
        return eval(self.code, ns)


def resolve_all(refs):
    return {k: v._evaluate({}) for k, v in refs.items()}


def resolve_none(refs):
    return {k: v._evaluate({}) for k, v in {}.items()}
`

func TestReach(t *testing.T) {
	g := NewGraph()
	g.Add("acme.util", false, []byte(acmeUtil))
	g.Add("acme", true, []byte("from .util import run as launch\nfrom collections import namedtuple\n"))
	g.Add("collections", true, []byte("def namedtuple(typename, field_names):\n    return eval(typename)\n"))
	g.Link()
	got := map[string]string{}
	for _, e := range g.Reach(4) {
		got[e.Name] = e.Cat.String() + ": " + strings.Join(e.Chain, " -> ")
	}
	want := map[string]string{
		"acme.launch":               "process: acme.launch -> acme.util.run -> os.system",
		"acme.util.run":             "process: acme.util.run -> os.system",
		"acme.util.two":             "process: acme.util.two -> acme.util.run -> os.system",
		"acme.util.three":           "process: acme.util.three -> acme.util.two -> acme.util.run -> os.system",
		"acme.util.four":            "process: acme.util.four -> acme.util.three -> acme.util.two -> acme.util.run -> os.system",
		"acme.util.keyword":         "process: acme.util.keyword -> acme.util.run -> os.system",
		"acme.util.derived":         "file-write: acme.util.derived -> builtins.open(mode=w)",
		"acme.util.writes":          "file-write: acme.util.writes -> builtins.open(mode=w)",
		"acme.util.thaw":            "second-stage: acme.util.thaw -> pickle.loads",
		"acme.util.Runner":          "process: acme.util.Runner -> acme.util.Runner.__init__ -> acme.util.Runner.go -> subprocess.run",
		"acme.util.Runner.__init__": "process: acme.util.Runner.__init__ -> acme.util.Runner.go -> subprocess.run",
		"acme.util.Runner.go":       "process: acme.util.Runner.go -> subprocess.run",
		"acme.util.Child":           "process: acme.util.Child -> acme.util.Runner.__init__ -> acme.util.Runner.go -> subprocess.run",
		"acme.util.Beacon":          "network: acme.util.Beacon -> acme.util.Beacon.__init__ -> socket.socket.connect",
		"acme.util.Beacon.__init__": "network: acme.util.Beacon.__init__ -> socket.socket.connect",
		"acme.util.Ref._evaluate":   "exec: acme.util.Ref._evaluate -> builtins.eval",
		"acme.util.resolve_all":     "exec: acme.util.resolve_all -> acme.util.Ref._evaluate -> builtins.eval",
	}
	if !reflect.DeepEqual(got, want) {
		for k, v := range got {
			if want[k] != v {
				t.Errorf("got   %s = %q", k, v)
			}
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("want  %s = %q", k, v)
			}
		}
	}
}

func TestDepthBound(t *testing.T) {
	g := NewGraph()
	g.Add("acme.util", false, []byte(acmeUtil))
	g.Link()
	names := func(depth int) map[string]bool {
		m := map[string]bool{}
		for _, e := range g.Reach(depth) {
			m[e.Name] = true
		}
		return m
	}
	if d := names(5); !d["acme.util.five"] {
		t.Error("acme.util.five reaches os.system in five calls but is not listed at depth 5")
	}
	if d := names(1); !d["acme.util.run"] || d["acme.util.two"] {
		t.Errorf("depth 1 lists only direct sink calls: run %v, two %v", d["acme.util.run"], d["acme.util.two"])
	}
}

func TestRelativeAndAliases(t *testing.T) {
	g := NewGraph()
	g.Add("pkg", true, []byte("from .core import spawn\nfrom . import core as c\nrunner = c.spawn\n"))
	g.Add("pkg.core", false, []byte("from subprocess import Popen\n\ndef spawn(argv):\n    return Popen(argv)\n"))
	g.Add("pkg.sub.mod", false, []byte("from ..core import spawn\n\ndef go(a):\n    spawn(a)\n"))
	g.Link()
	got := map[string]string{}
	for _, e := range g.Reach(3) {
		got[e.Name] = strings.Join(e.Chain, " -> ")
	}
	want := map[string]string{
		"pkg.core.spawn":    "pkg.core.spawn -> subprocess.Popen",
		"pkg.spawn":         "pkg.spawn -> pkg.core.spawn -> subprocess.Popen",
		"pkg.runner":        "pkg.runner -> pkg.core.spawn -> subprocess.Popen",
		"pkg.sub.mod.go":    "pkg.sub.mod.go -> pkg.core.spawn -> subprocess.Popen",
		"pkg.sub.mod.spawn": "pkg.sub.mod.spawn -> pkg.core.spawn -> subprocess.Popen",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestAllowlists(t *testing.T) {
	g := NewGraph()
	g.Add("sklearn.base", false, []byte("class BaseEstimator:\n    def get_params(self):\n        return {}\n"))
	g.Add("sklearn.linear_model._x", false, []byte(`
import os
from ..base import BaseEstimator


class Fitted(BaseEstimator):
    def fit(self, X):
        return self


class Exporter(BaseEstimator):
    def export(self, path):
        with open(path, "w") as f:
            f.write("")


class NotAnEstimator:
    pass
`))
	g.Add("sklearn.tree._helpers", false, []byte("class Node:\n    pass\n"))
	g.Add("sklearn.tree.tests.test_x", false, []byte("from ...base import BaseEstimator\n\nclass Fake(BaseEstimator):\n    pass\n"))
	g.Link()
	cfg := Config{Site: "testdata/site"}
	es := g.Reach(4)
	a, err := g.Allowlists(cfg, es)
	if err != nil {
		t.Fatal(err)
	}
	wantSk := []string{
		"sklearn._fake._cy.CyThing", "sklearn.base.BaseEstimator", "sklearn.linear_model._x.Fitted", "sklearn.tree._helpers.Node",
		"sklearn.tree._tree.Tree", "sklearn.tree._tree.TreeBuilder",
	}
	if !reflect.DeepEqual(a.Sklearn, wantSk) {
		t.Errorf("sklearn allowlist = %v, want %v", a.Sklearn, wantSk)
	}
	wantDrop := []string{"sklearn.linear_model._x.Exporter (sklearn.linear_model._x.Exporter.export reaches a sink)"}
	if !reflect.DeepEqual(a.Dropped, wantDrop) {
		t.Errorf("dropped = %v, want %v", a.Dropped, wantDrop)
	}
	wantNp := []string{"numpy.bool_", "numpy.double", "numpy.float64", "numpy.floating", "numpy.generic", "numpy.number"}
	if !reflect.DeepEqual(a.NumPy, wantNp) {
		t.Errorf("numpy scalars = %v, want %v", a.NumPy, wantNp)
	}
}

func TestVersions(t *testing.T) {
	cfg := Config{DpkgStatus: "testdata/status", Debs: []string{"libpython3.11-stdlib", "python3-torch", "python3-numpy", "python3-xgboost"}}
	got, err := Versions(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A removed package (config files only) is as missing as one never installed.
	want := []string{"libpython3.11-stdlib=3.11.2-6+deb12u6", "python3-torch=missing", "python3-numpy=1:1.24.2-1+deb12u1", "python3-xgboost=missing"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("versions = %v, want %v", got, want)
	}
	if _, err := Versions(Config{DpkgStatus: "testdata/no-such-status"}); err == nil {
		t.Error("a missing dpkg database is not an error")
	}
}
