package lock

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestLocalManifestUnchanged: a lock of local files is byte for byte what
// it was before object-store locks (testdata/local.golden.json was written
// by that version): no new field appears in it.
func TestLocalManifestUnchanged(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "data/train.csv"), "id,age,label\n1,30,0\n2,41,1\n")
	write(t, filepath.Join(dir, "data/img/a.bin"), "\x00\x01binary")
	write(t, filepath.Join(dir, "data/notes.jsonl"), "{\"a\":1}\n")
	write(t, filepath.Join(dir, "data/bad.tsv"), "a\tb\n1\n")
	write(t, filepath.Join(dir, "data/empty.txt"), "")
	if err := os.Symlink("img/a.bin", filepath.Join(dir, "data/link.csv")); err != nil {
		t.Fatal(err)
	}
	m, err := Build(context.Background(), dir, []string{filepath.Join(dir, "data")}, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, DefaultName)
	if err := m.Write(file); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/local.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("manifest changed:\n%s\nwant\n%s", got, want)
	}
	if cs := changes(t, dir, m); len(cs) != 0 {
		t.Errorf("changes %q", cs)
	}
}
