package yamlutil

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestParseAndNavigate(t *testing.T) {
	docs, err := Parse([]byte("a: 1\n---\nkind: Pod\nspec:\n  containers:\n    - name: x\n      image: y\nbase: &b {k: v}\nuse:\n  <<: *b\n  own: 2\n"))
	if err != nil || len(docs) != 2 {
		t.Fatalf("%d docs, %v", len(docs), err)
	}
	d := docs[1]
	if Str(Get(d, "kind")) != "Pod" {
		t.Error("Get")
	}
	cs := Items(Path(d, "spec", "containers"))
	if len(cs) != 1 || Str(Get(cs[0], "image")) != "y" || Get(cs[0], "image").Line != 7 {
		t.Errorf("Items/Path: %v", cs)
	}
	if Str(Path(d, "use", "k")) != "v" || Str(Path(d, "use", "own")) != "2" {
		t.Error("merge key")
	}
	if Get(d, "missing") != nil || Path(d, "kind", "x") != nil || Str(nil) != "" {
		t.Error("absent keys")
	}
}

func TestParseErrorNamesLine(t *testing.T) {
	docs, err := Parse([]byte("ok: 1\n---\na: [1, 2\nb: 3\n"))
	if err == nil || !strings.Contains(err.Error(), "line") || len(docs) != 1 {
		t.Errorf("docs %d, err %v", len(docs), err)
	}
}

// A billion-laughs document: nine levels of nine aliases. Expanded it would
// be 9^9 nodes; walked here it is a few dozen.
func TestAliasBombIsCheap(t *testing.T) {
	var b strings.Builder
	b.WriteString("l0: &l0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [")
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*l" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	docs, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	Walk(docs[0], func(*yaml.Node) bool { n++; return true })
	if n > 200 {
		t.Errorf("walk visited %d nodes", n)
	}
}
