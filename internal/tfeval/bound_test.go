package tfeval

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// refs is n interpolations of a local, separated by spaces.
func refs(name string, n int) string {
	return strings.TrimSuffix(strings.Repeat("${local."+name+"} ", n), " ")
}

// evalBounded loads src and evaluates resource t.r's attributes, failing
// the test when that takes longer than a few seconds or allocates more
// than maxAlloc bytes. Without the bounds of bound.go the inputs below
// exhaust memory (a fatal error, not a test failure) or run for minutes.
func evalBounded(t *testing.T, src string, maxAlloc uint64) map[string]Value {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	done := make(chan map[string]Value, 1)
	go func() {
		m, err := Load(File{Path: "main.tf", Content: []byte(src)}, nil)
		if err != nil {
			t.Errorf("Load: %v", err)
			done <- nil
			return
		}
		out := map[string]Value{}
		for _, a := range SortedAttrs(m.Resource("t.r").Body()) {
			v := m.EvalAttr(a)
			v.Str()
			out[a.Name] = v
		}
		done <- out
	}()
	select {
	case vs := <-done:
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > maxAlloc {
			t.Errorf("allocated %d MiB, want at most %d MiB", got>>20, maxAlloc>>20)
		}
		return vs
	case <-time.After(20 * time.Second):
		t.Fatal("evaluation did not finish in 20s")
	}
	return nil
}

// TestLocalSizeBomb is the review's reproducer: 9 KB of locals, each
// interpolating the previous one 200 times, five deep, which asked for
// 10·200⁴ bytes and killed the process. The deepest locals stay
// placeholders; the short ones still resolve.
func TestLocalSizeBomb(t *testing.T) {
	src := "locals {\n  a = \"xxxxxxxxxx\"\n" +
		"  b = \"" + refs("a", 200) + "\"\n" +
		"  c = \"" + refs("b", 200) + "\"\n" +
		"  d = \"" + refs("c", 200) + "\"\n" +
		"  e = \"" + refs("d", 200) + "\"\n}\n" +
		"resource \"t\" \"r\" {\n  b = local.b\n  e = local.e\n  ee = \"${local.e}${local.e}\"\n}\n"
	vs := evalBounded(t, src, 256<<20)
	if s, ok := vs["b"].Str(); !ok || len(s) != 200*11-1 {
		t.Errorf("local.b: %d bytes, resolved %v; want 2199 bytes", len(s), ok)
	}
	for _, name := range []string{"e", "ee"} {
		if vs[name].Resolved() {
			t.Errorf("%s resolved to %d bytes", name, len(vs[name].Raw()))
		}
	}
}

// TestSingleEvaluationBomb checks that one expression cannot multiply a
// value that is itself under the bound: 20 000 interpolations of a 400 KB
// local in one attribute ask for 8 GB at once.
func TestSingleEvaluationBomb(t *testing.T) {
	src := "locals {\n  a = \"" + strings.Repeat("x", 400<<10) + "\"\n}\n" +
		"resource \"t\" \"r\" {\n  ok = local.a\n  v = \"" + refs("a", 20000) + "\"\n}\n"
	vs := evalBounded(t, src, 256<<20)
	if !vs["ok"].Resolved() {
		t.Error("a 400 KB local referred to as is should resolve")
	}
	if !vs["v"].Failed || !vs["v"].TooLarge {
		t.Errorf("v: failed %v too large %v", vs["v"].Failed, vs["v"].TooLarge)
	}
}

// TestFunctionAndForBombs covers the other ways an expression multiplies
// sizes: replace with an empty search, join with a large separator, nested
// for expressions (also in a variable default, evaluated without context)
// and a %{for} template directive.
func TestFunctionAndForBombs(t *testing.T) {
	list := "[" + strings.Repeat("\"a\", ", 3000) + "]"
	big := strings.Repeat("x", 100<<10)
	src := "variable \"grid\" {\n  default = [for x in " + list + " : [for y in " + list + " : \"xxxxxxxxxxxxxxxx\"]]\n}\n" +
		"locals {\n  big = \"" + big + "\"\n  list = " + list + "\n}\n" +
		"resource \"t\" \"r\" {\n" +
		"  replace = replace(local.big, \"\", local.big)\n" +
		"  join    = join(local.big, local.list)\n" +
		"  grid    = var.grid\n" +
		"  for     = [for x in local.list : [for y in local.list : local.big]]\n" +
		"  tmpl    = \"%{for x in local.list}%{for y in local.list}${local.big}%{endfor}%{endfor}\"\n" +
		"  small   = [for x in local.list : upper(x)]\n" +
		"}\n"
	vs := evalBounded(t, src, 256<<20)
	for _, name := range []string{"replace", "join", "for", "tmpl"} {
		if !vs[name].TooLarge {
			t.Errorf("%s: evaluated (%d bytes), want refused as too large", name, len(vs[name].Raw()))
		}
	}
	if vs["grid"].Resolved() {
		t.Error("the 9-million-element default resolved")
	}
	if got, ok := StringsOf(vs["small"].V); !ok || len(got) != 3000 || got[0] != "A" {
		t.Errorf("a for expression over 3000 short strings: %d, %v", len(got), ok)
	}
}

// TestNumberBombs checks numbers whose decimal text is huge: printing
// 1e100000000 writes a hundred million digits and ran for minutes, and
// templates, jsonencode, upper, map keys and Str all print numbers.
func TestNumberBombs(t *testing.T) {
	src := `locals {
  huge = 1e100000000
}
resource "t" "r" {
  literal  = 1e100000000
  tmpl     = "${1e100000000}"
  product  = "${1e3000 * 1e3000}"
  fromstr  = "${"1e100000000" + 0}"
  tonumber = tonumber("1e100000000")
  tiny     = "${-1e-100000}"
  json     = jsonencode({ n = 1e100000000 })
  key      = { (1e100000000) = 1 }
  local    = "${local.huge}"
  port     = 8080
  sum      = 8000 + 80
}
`
	vs := evalBounded(t, src, 64<<20)
	for _, name := range []string{"literal", "tmpl", "product", "fromstr", "tonumber", "tiny", "json", "key"} {
		if !vs[name].TooLarge {
			t.Errorf("%s: evaluated, want refused as too large", name)
		}
	}
	if vs["local"].Resolved() {
		t.Errorf("local.huge resolved")
	}
	for name, want := range map[string]string{"port": "8080", "sum": "8080"} {
		if got, ok := vs[name].Str(); !ok || got != want {
			t.Errorf("%s = %q, %v; want %q", name, got, ok, want)
		}
	}
}

// TestModuleBudget checks the bound on all evaluations together: two
// thousand locals, each a fresh copy of a 512 KB string, would hold 1 GB
// (6 GB over the rounds); the budget stops them at maxModuleWork.
func TestModuleBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("locals {\n  big = \"" + strings.Repeat("x", 512<<10) + "\"\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "  c%d = \"y${local.big}\"\n", i)
	}
	b.WriteString("}\nresource \"t\" \"r\" {\n  first = local.c0\n  last = local.c1999\n}\n")
	vs := evalBounded(t, b.String(), 1<<30)
	if !vs["first"].Resolved() {
		t.Error("the first copy should fit the budget")
	}
	if vs["last"].Resolved() {
		t.Error("the 2000th copy resolved past the budget")
	}
}

// TestStrHugeNumber checks that Str refuses to print a number too long in
// decimal even for a Value that did not come through EvalAttr.
func TestStrHugeNumber(t *testing.T) {
	m := load(t, "resource \"t\" \"r\" {\n  n = 1\n}\n")
	v := m.Eval(m.Resource("t.r").Body(), "n")
	v.V = numberVal(t, "1e100000000")
	done := make(chan bool, 1)
	go func() { _, ok := v.Str(); done <- ok }()
	select {
	case ok := <-done:
		if ok {
			t.Error("Str printed a number of a hundred million digits")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Str did not return in 10s")
	}
}

func numberVal(t *testing.T, s string) cty.Value {
	t.Helper()
	v, err := cty.ParseNumberVal(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
