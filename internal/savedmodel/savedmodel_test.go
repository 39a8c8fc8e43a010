package savedmodel

import (
	"bytes"
	"os"
	"testing"
)

const fixtures = "../analyzers/modelfmt/testdata/"

func load(t testing.TB, p string) []byte {
	b, err := os.ReadFile(fixtures + p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSavedModel(t *testing.T) {
	b := load(t, "bad/pyfunc_model/saved_model.pb")
	g, err := ReadSavedModel(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	py := g.Ops["PyFunc"]
	if py == nil || py.Function != "__inference_serve_7" || py.Node != "hook" || g.Ops["WriteFile"].Function != "" || g.Nodes != 9 {
		t.Fatalf("ops: %+v", g.Ops)
	}
	b = load(t, "ok/savedmodel/saved_model.pb")
	g, err = ReadSavedModel(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for op := range g.Ops {
		if _, bad := Dangerous[op]; bad {
			t.Errorf("benign SavedModel has %s", op)
		}
	}
	if g.Ops["AddV2"] == nil || g.Ops["SaveV2"] == nil {
		t.Errorf("ops missing: %v", g.Sorted())
	}
}

func TestGraphDef(t *testing.T) {
	b := load(t, "bad/frozen_readfile.pb")
	g, err := ReadGraphDef(bytes.NewReader(b), int64(len(b)))
	if err != nil || g.Ops["ReadFile"] == nil || g.Ops["MatchingFiles"] == nil {
		t.Fatalf("%v %+v", err, g.Ops)
	}
	b = load(t, "bad/truncated_saved/saved_model.pb")
	if _, err := ReadSavedModel(bytes.NewReader(b), int64(len(b))); err == nil {
		t.Fatal("truncated: no error")
	}
}

func FuzzRead(f *testing.F) {
	f.Add(load(f, "ok/savedmodel/saved_model.pb"))
	f.Add(load(f, "bad/frozen_readfile.pb"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ReadSavedModel(bytes.NewReader(b), int64(len(b)))
		_, _ = ReadGraphDef(bytes.NewReader(b), int64(len(b)))
	})
}
