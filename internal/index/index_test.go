package index

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mlsec/mlsec/internal/source"
)

// TestAncestors: a script deep in the tree sees the requirements files of
// its own directory and of every directory above it, nearest first, and
// nothing from directories beside its path.
func TestAncestors(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"requirements.txt":           "keras==2.12.0\n",
		"src/train/train.py":         "import keras\n",
		"src/train/requirements.txt": "tensorflow==2.11\n",
		"src/README.md":              "notes\n",
		"other/requirements.txt":     "torch==2.0\n",
	}
	var entries []source.Entry
	for rel, body := range files {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		k, needs := source.ClassifyName(rel)
		entries = append(entries, source.Entry{Path: "proj/" + rel, Rel: rel, OS: p, Size: int64(len(body)), Kind: k, NeedsContent: needs})
	}
	ix := New(entries, 1<<20, nil)
	self := ix.Lookup("proj/src/train/train.py")
	var got []string
	for _, s := range ix.Ancestors(self, nil, source.Requirements) {
		got = append(got, s.Path)
	}
	want := []string{"proj/src/train/requirements.txt", "proj/requirements.txt"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Ancestors = %q, want %q", got, want)
	}
}
