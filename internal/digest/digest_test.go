package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestListAndHash(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{"a/b.bin": strings.Repeat("x", 3<<20+5), "a-b": "dash sorts before slash", "c": "", "cache/skip.me": "ignored"}
	for n, c := range files {
		p := filepath.Join(root, filepath.FromSlash(n))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(c), 0o644)
	}
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("not to be read"), 0o600)
	if err := os.Symlink(outside, filepath.Join(root, "a", "link")); err != nil {
		t.Skip(err)
	}
	tr, err := List(root, func(rel string, dir bool) bool { return rel == "cache" })
	if err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, f := range tr.Files {
		rels = append(rels, f.Rel)
	}
	if strings.Join(rels, " ") != "a-b a/b.bin c" {
		t.Errorf("files %v", rels)
	}
	if len(tr.Others) != 1 || tr.Others[0].Rel != "a/link" || tr.Others[0].Type != "symlink" || tr.Others[0].Target != outside {
		t.Errorf("others %+v", tr.Others)
	}
	var last int64
	if err := Hash(context.Background(), tr.Files, Options{Jobs: 2, Progress: func(done, total int64) {
		if total != tr.Total() {
			t.Errorf("total %d", total)
		}
		last = max(last, done)
	}}); err != nil {
		t.Fatal(err)
	}
	if last != tr.Total() {
		t.Errorf("progress reached %d of %d", last, tr.Total())
	}
	for _, f := range tr.Files {
		s := sha256.Sum256([]byte(files[f.Rel]))
		if f.Hex() != hex.EncodeToString(s[:]) {
			t.Errorf("%s: %s", f.Rel, f.Hex())
		}
	}
	// A listed file swapped for a link before hashing is refused, not followed.
	p := filepath.Join(root, "a-b")
	os.Remove(p)
	os.Symlink(outside, p)
	if err := Hash(context.Background(), tr.Files, Options{}); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("swapped link: %v", err)
	}
	if _, err := List(p, nil); err == nil {
		t.Error("a link as the root was followed")
	}
}

func TestClean(t *testing.T) {
	for p, want := range map[string]bool{"a/b": true, "a": true, "": false, "/etc/passwd": false, "../x": false, "a/../b": false, "a//b": false, "./a": false, `a\b`: false} {
		if Clean(p) != want {
			t.Errorf("Clean(%q) = %v", p, !want)
		}
	}
}
