package lock

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha256hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func md5hex(s string) string {
	h := md5.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

func changes(t *testing.T, dir string, m *Manifest) []string {
	t.Helper()
	cs, _, err := Verify(context.Background(), dir, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %s", c.Kind, c.Path, strings.Join(c.SchemaChanges, "; ")))
	}
	return out
}

func TestLockAndVerify(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "data/train.csv"), "id,age,label\n1,30,0\n2,41,1\n")
	write(t, filepath.Join(dir, "data/img/a.bin"), "\x00\x01binary")
	write(t, filepath.Join(dir, "data/notes.jsonl"), "{\"a\":1}\n")
	write(t, filepath.Join(dir, "data/gone.txt"), "bye")
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "data/link.csv")); err != nil {
		t.Fatal(err)
	}
	m, err := Build(context.Background(), dir, []string{filepath.Join(dir, "data")}, Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range m.Files {
		paths = append(paths, e.Path)
	}
	if !slices.Equal(paths, []string{"data/gone.txt", "data/img/a.bin", "data/notes.jsonl", "data/train.csv"}) {
		t.Errorf("paths %q", paths)
	}
	if !slices.Equal(m.Roots, []string{"data"}) || len(m.Skipped) != 1 || m.Skipped[0].Reason != "symbolic link to /etc/passwd, not followed" {
		t.Errorf("roots %q skipped %v", m.Roots, m.Skipped)
	}
	tr := m.Files[3]
	if tr.Rows == nil || *tr.Rows != 2 || tr.Format != "csv" || fmt.Sprint(tr.Columns) != "[{id number} {age number} {label number}]" {
		t.Errorf("train.csv entry %+v", tr)
	}
	// sha256sum of "id,age,label\n1,30,0\n2,41,1\n"
	if tr.SHA256 != sha256hex("id,age,label\n1,30,0\n2,41,1\n") || tr.Size != 27 {
		t.Errorf("sha256 %q size %d", tr.SHA256, tr.Size)
	}
	if m.Root != RootDigest(m.Files) || !strings.HasPrefix(m.Root, "sha256:") {
		t.Errorf("root %q", m.Root)
	}
	// Round trip through the file.
	lockPath := filepath.Join(dir, DefaultName)
	if err := m.Write(lockPath); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := changes(t, dir, m2); len(got) != 0 {
		t.Errorf("unchanged tree: %q", got)
	}
	// Change it: a value, a column, a file gone, a file added. The lock
	// file itself (inside no root here) is never "added".
	write(t, filepath.Join(dir, "data/train.csv"), "id,age,target\n1,30,0\n2,41,0\n")
	os.Remove(filepath.Join(dir, "data/gone.txt"))
	write(t, filepath.Join(dir, "data/img/b.bin"), "new")
	want := []string{
		"removed data/gone.txt ",
		"added data/img/b.bin ",
		`modified data/train.csv column "target" added; column "label" removed`,
	}
	if got := changes(t, dir, m2); !slices.Equal(got, want) {
		t.Errorf("changes:\n got %q\nwant %q", got, want)
	}
	// A locked file swapped for a link is not followed: it is gone.
	os.Remove(filepath.Join(dir, "data/notes.jsonl"))
	os.Symlink("/etc/hostname", filepath.Join(dir, "data/notes.jsonl"))
	if got := changes(t, dir, m2); !slices.Contains(got, "removed data/notes.jsonl ") {
		t.Errorf("link swap: %q", got)
	}
}

func TestTamperedLock(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "d/a.txt"), "a")
	m, err := Build(context.Background(), dir, []string{filepath.Join(dir, "d")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m.Files[0].Size = 2 // an edit that does not recompute the root
	got := changes(t, dir, m)
	if !slices.Equal(got, []string{"lock  ", "modified d/a.txt "}) {
		t.Errorf("got %q", got)
	}
}

func TestParseRejects(t *testing.T) {
	good := `{"schema":"mlsec-lock/v1","root":"x","roots":["d"],"files":[{"path":"d/a","size":1,"sha256":"` + strings.Repeat("a", 64) + `"}]}`
	if _, err := Parse("l", []byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ in, want string }{
		{"", "empty lock file"},
		{"{\n\"schema\": x}", "l:2: not a valid lock file"},
		{`{"schema":"other/v9"}`, `schema "other/v9" is not "mlsec-lock/v1"`},
		{`{"schema":"mlsec-lock/v1","extra":1}`, "unknown field"},
		{strings.Replace(good, `"d/a"`, `"/etc/passwd"`, 1), "absolute path"},
		{strings.Replace(good, `"d/a"`, `"d/../../a"`, 1), "not clean"},
		{strings.Replace(good, strings.Repeat("a", 64), "abc", 1), "not 64 hex digits"},
	} {
		_, err := Parse("l", []byte(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}

// DVC: a single-file output read from the workspace and a directory output
// whose files are absent from the workspace and read from the DVC 3 cache,
// each checked against the md5 the .dvc file (or the cached listing)
// records.
func TestDVC(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, ".dvc/cache/files/md5")
	os.MkdirAll(filepath.Join(dir, ".dvc"), 0o755)
	train := "id,label\n1,0\n"
	write(t, filepath.Join(dir, "data/train.csv"), train)
	write(t, filepath.Join(dir, "data/train.csv.dvc"), "outs:\n- md5: "+md5hex(train)+"\n  size: 13\n  hash: md5\n  path: train.csv\n")
	img := "\x89PNG fake"
	obj := func(sum, content string) {
		write(t, filepath.Join(cache, sum[:2], sum[2:]), content)
	}
	obj(md5hex(img), img)
	listing := `[{"md5": "` + md5hex(img) + `", "relpath": "cat/1.png"}]`
	obj(md5hex(listing)+".dir", listing)
	write(t, filepath.Join(dir, "images.dvc"), "outs:\n- md5: "+md5hex(listing)+".dir\n  hash: md5\n  path: images\n")
	m, err := Build(context.Background(), dir, []string{filepath.Join(dir, "data/train.csv.dvc"), filepath.Join(dir, "images.dvc")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range m.Files {
		got = append(got, fmt.Sprintf("%s %s %s %q", e.Path, e.DVC.File, e.DVC.MD5, e.DVC.Cache))
	}
	want := []string{
		"data/train.csv data/train.csv.dvc " + md5hex(train) + ` ""`,
		"images/cat/1.png images.dvc " + md5hex(img) + ` ".dvc/cache/files/md5/` + md5hex(img)[:2] + "/" + md5hex(img)[2:] + `"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("entries:\n got %q\nwant %q", got, want)
	}
	if got := changes(t, dir, m); len(got) != 0 {
		t.Errorf("verify: %q", got)
	}
	// The workspace file no longer matches its .dvc digest: no lock.
	write(t, filepath.Join(dir, "data/train.csv"), "id,label\n1,1\n")
	_, err = Build(context.Background(), dir, []string{filepath.Join(dir, "data/train.csv.dvc")}, Options{})
	var mm *MismatchError
	if !errors.As(err, &mm) || !strings.Contains(err.Error(), "data/train.csv: md5") {
		t.Errorf("mismatch: %v", err)
	}
}

// DVC 2 recorded text files' md5 after turning CRLF into LF.
func TestDVC2Dos2Unix(t *testing.T) {
	dir := t.TempDir()
	crlf := "a,b\r\n1,2\r\n"
	write(t, filepath.Join(dir, "t.csv"), crlf)
	write(t, filepath.Join(dir, "t.csv.dvc"), "outs:\n- md5: "+md5hex(strings.ReplaceAll(crlf, "\r\n", "\n"))+"\n  path: t.csv\n")
	if _, err := Build(context.Background(), dir, []string{filepath.Join(dir, "t.csv.dvc")}, Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestDVCHostile(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ dvc, want string }{
		{"outs:\n- md5: 0123456789abcdef0123456789abcdef\n  path: ../../etc/passwd\n", "want a relative path inside the directory"},
		{"outs: []\n", "records no outputs"},
		{"outs:\n- md5: 0123456789abcdef0123456789abcdef\n  path: missing.csv\n", "is not in the workspace and no DVC cache holds md5"},
		{"{{{", "not a DVC file"},
	} {
		write(t, filepath.Join(dir, "x.dvc"), c.dvc)
		_, err := Build(context.Background(), dir, []string{filepath.Join(dir, "x.dvc")}, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.dvc, err, c.want)
		}
	}
}
