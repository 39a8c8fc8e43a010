package source

import (
	"os"
	"path/filepath"
	"testing"
)

// Downloaded weights are usually gitignored, and they are what a local scan
// must see: model files are handed on even when .gitignore names them or
// their directory; other ignored files are not, virtual environments are not
// walked, and only --exclude keeps a model file out.
func TestWalkScansGitignoredModelFiles(t *testing.T) {
	root := tempDir(t)
	files := map[string]string{
		".gitignore":                    "*.pt\nweights/\n.venv/\nnotes.txt\n",
		"model.pt":                      "\x80\x02N.",
		"notes.txt":                     "x",
		"weights/pytorch_model.bin":     "\x80\x02N.",
		"weights/deep/clf.joblib":       "\x80\x02N.",
		"weights/readme.md":             "x",
		"weights/excluded.pkl":          "\x80\x02N.",
		".venv/pyvenv.cfg":              "home = /usr/bin\n",
		".venv/lib/site/tests/data.pkl": "\x80\x02N.",
		"src/train.py":                  "x = 1\n",
	}
	mkTree(t, root, files)
	got := walk(t, &Walker{Excludes: []string{"weights/excluded.pkl"}}, root)
	d := filepath.ToSlash(root)
	check(t, got,
		entriesUnder(d, root, files,
			want{".gitignore", Unknown, false},
			want{"model.pt", Model, true},
			want{"src/train.py", Python, false},
			want{"weights/deep/clf.joblib", Model, true},
			want{"weights/pytorch_model.bin", Model, true},
		),
		skipsUnder(d,
			".venv/", reasonIgnored,
			"notes.txt", reasonIgnored,
			"weights/", reasonIgnoredDir,
		))
}

// A directory that cannot be read is a failure, not a skip: what it holds
// was not scanned, so the scan is incomplete.
func TestWalkUnreadableDirectoryFails(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every directory")
	}
	root := tempDir(t)
	mkTree(t, root, map[string]string{"locked/train.py": "x\n", "ok.py": "x\n"})
	locked := filepath.Join(root, "locked")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(locked, 0o755)
	var failed []Skip
	w := &Walker{Fail: func(s Skip) { failed = append(failed, s) }}
	got := walk(t, w, root)
	if len(got.entries) != 1 || len(failed) != 1 || failed[0].Path != filepath.ToSlash(locked)+"/" {
		t.Errorf("entries %v, failed %v", got.entries, failed)
	}
}
