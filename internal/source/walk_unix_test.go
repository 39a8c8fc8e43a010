//go:build unix

package source

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// Reasons for links and special files.
const (
	reasonLinkInside  = "symbolic link not followed: its target inside the scan root is scanned where it lives"
	reasonLinkOutside = "symbolic link not followed: it points outside the scan root"
	reasonLinkBroken  = "symbolic link not followed: broken or looping (no such file or directory)"
	reasonLinkLoop    = "symbolic link not followed: broken or looping (EvalSymlinks: too many links)"
	reasonFIFO        = "not a regular file (p---------)"
)

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// linkTree is a scan root holding one link of every kind, next to a file
// outside the root that must never be read.
func linkTree(t *testing.T) (base, root string, files map[string]string) {
	t.Helper()
	base = tempDir(t)
	files = map[string]string{
		"a.py":     "print('a')\n",
		"sub/b.py": "print('b')\n",
	}
	root = filepath.Join(base, "proj")
	mkTree(t, root, files)
	mkTree(t, base, map[string]string{"outside/secret.pkl": "\x80\x02cos\nsystem\n."})
	symlink(t, "a.py", filepath.Join(root, "in-file"))                                    // a file inside
	symlink(t, "sub", filepath.Join(root, "in-dir"))                                      // a directory inside
	symlink(t, "..", filepath.Join(root, "sub", "up"))                                    // the root itself
	symlink(t, "../outside/secret.pkl", filepath.Join(root, "out-file"))                  // a file outside
	symlink(t, filepath.Join(base, "outside"), filepath.Join(root, "out-abs"))            // a directory outside, absolute
	symlink(t, "missing.pkl", filepath.Join(root, "broken"))                              // nothing
	symlink(t, "loop", filepath.Join(root, "loop"))                                       // itself
	symlink(t, "loop-b", filepath.Join(root, "loop-a"))                                   // a cycle of two
	symlink(t, "loop-a", filepath.Join(root, "loop-b"))                                   //
	symlink(t, "in-file", filepath.Join(root, "chain"))                                   // a link to a link inside
	symlink(t, filepath.Join(root, "in-dir", "b.py"), filepath.Join(root, "through-dir")) // inside, through a linked directory
	return base, root, files
}

// TestWalkSymlinks checks that no link is followed, whatever it points to,
// and that each kind is skipped with its own reason.
func TestWalkSymlinks(t *testing.T) {
	_, root, files := linkTree(t)
	got := walk(t, &Walker{}, root)
	d := filepath.ToSlash(root)
	check(t, got,
		entriesUnder(d, root, files,
			want{"a.py", Python, false},
			want{"sub/b.py", Python, false},
		),
		skipsUnder(d,
			"broken", reasonLinkBroken,
			"chain", reasonLinkInside,
			"in-dir", reasonLinkInside,
			"in-file", reasonLinkInside,
			"loop", reasonLinkLoop,
			"loop-a", reasonLinkLoop,
			"loop-b", reasonLinkLoop,
			"out-abs", reasonLinkOutside,
			"out-file", reasonLinkOutside,
			"sub/up", reasonLinkInside,
			"through-dir", reasonLinkInside,
		))
	// Each kind of link has a reason of its own.
	reasons := map[string]bool{reasonLinkInside: true, reasonLinkOutside: true, reasonLinkBroken: true, reasonLinkLoop: true}
	if len(reasons) != 4 {
		t.Error("link reasons are not distinct")
	}
}

// TestWalkSymlinksFiltered checks that excludes and .gitignore apply to
// links by name before the link is looked at.
func TestWalkSymlinksFiltered(t *testing.T) {
	_, root, files := linkTree(t)
	mkTree(t, root, map[string]string{".gitignore": "loop*\nbroken\n"})
	files[".gitignore"] = "loop*\nbroken\n"
	got := walk(t, &Walker{Excludes: []string{"out-*", "in-dir"}}, root)
	d := filepath.ToSlash(root)
	check(t, got,
		entriesUnder(d, root, files,
			want{".gitignore", Unknown, false},
			want{"a.py", Python, false},
			want{"sub/b.py", Python, false},
		),
		skipsUnder(d,
			"broken", reasonIgnored,
			"chain", reasonLinkInside,
			"in-dir", reasonExcluded, // a link to a directory is not a directory: no trailing slash
			"in-file", reasonLinkInside,
			"loop", reasonIgnored,
			"loop-a", reasonIgnored,
			"loop-b", reasonIgnored,
			"out-abs", reasonExcluded,
			"out-file", reasonExcluded,
			"sub/up", reasonLinkInside,
			"through-dir", reasonLinkInside,
		))
}

// TestWalkSymlinkedRoot checks that a root named on the command line that
// is a link is resolved, once: Path keeps the name typed, OS the resolved
// path, and the links inside are judged against the resolved root and not
// followed.
func TestWalkSymlinkedRoot(t *testing.T) {
	base, root, files := linkTree(t)
	symlink(t, "proj", filepath.Join(base, "alias"))
	symlink(t, "alias", filepath.Join(base, "alias2")) // a chain is resolved whole
	for _, name := range []string{"alias", "alias2"} {
		typed := filepath.Join(base, name)
		got := walk(t, &Walker{}, typed)
		d := filepath.ToSlash(typed)
		check(t, got,
			entriesUnder(d, root, files,
				want{"a.py", Python, false},
				want{"sub/b.py", Python, false},
			),
			skipsUnder(d,
				"broken", reasonLinkBroken,
				"chain", reasonLinkInside,
				"in-dir", reasonLinkInside,
				"in-file", reasonLinkInside,
				"loop", reasonLinkLoop,
				"loop-a", reasonLinkLoop,
				"loop-b", reasonLinkLoop,
				"out-abs", reasonLinkOutside,
				"out-file", reasonLinkOutside,
				"sub/up", reasonLinkInside,
				"through-dir", reasonLinkInside,
			))
	}
}

func TestWalkSymlinkedFileRoot(t *testing.T) {
	base := tempDir(t)
	mkTree(t, base, map[string]string{"store/model.pkl": "\x80\x02N."})
	// The link and its target have the same name: see
	// TestWalkSymlinkedFileRootName for when they do not.
	mkTree(t, base, map[string]string{"models/": ""})
	symlink(t, "../store/model.pkl", filepath.Join(base, "models", "model.pkl"))
	t.Chdir(base)
	got := walk(t, &Walker{}, "models/model.pkl")
	check(t, got, []Entry{{Path: "models/model.pkl", Rel: "model.pkl", OS: "store/model.pkl", Size: 4, Kind: Model, NeedsContent: true}}, nil)

	// Broken and looping roots are errors, not skips: there is nothing to walk.
	symlink(t, "nothing", filepath.Join(base, "broken"))
	symlink(t, "loop", filepath.Join(base, "loop"))
	for root, msg := range map[string]string{
		"broken": "cannot scan broken: no such file or directory",
		"loop":   "cannot scan loop: EvalSymlinks: too many links",
	} {
		err := (&Walker{}).Walk(root, func(Entry) { t.Error("entry") }, func(Skip) { t.Error("skip") })
		if err == nil || err.Error() != msg {
			t.Errorf("%s: got %v, want %q", root, err, msg)
		}
	}
}

// TestWalkFIFO checks that non-regular files are skipped and never opened
// (opening a FIFO with no writer would block the walk).
func TestWalkFIFO(t *testing.T) {
	base := tempDir(t)
	root := filepath.Join(base, "proj")
	files := map[string]string{"a.py": "x\n"}
	mkTree(t, root, files)
	mkfifo(t, filepath.Join(root, "pipe"))
	mkfifo(t, filepath.Join(root, "model.pkl")) // a model name does not make it a file
	symlink(t, "proj/pipe", filepath.Join(base, "pipe-link"))

	d := filepath.ToSlash(root)
	for _, tc := range []struct {
		root    string
		entries []Entry
		skips   []Skip
	}{
		{root, entriesUnder(d, root, files, want{"a.py", Python, false}), skipsUnder(d, "model.pkl", reasonFIFO, "pipe", reasonFIFO)},
		// A FIFO named as the root, directly or through a link.
		{filepath.Join(root, "pipe"), nil, []Skip{{Path: d + "/pipe", Reason: "not a regular file"}}},
		{filepath.Join(base, "pipe-link"), nil, []Skip{{Path: filepath.ToSlash(base) + "/pipe-link", Reason: "not a regular file"}}},
	} {
		got, err := walkWithin(t, 10*time.Second, &Walker{}, tc.root)
		if err != nil {
			t.Fatal(err)
		}
		check(t, got, tc.entries, tc.skips)
	}
}

// walkWithin walks root and fails the test if the walk has not returned
// after d. A walk blocked opening a FIFO is released by opening every FIFO
// under root for writing, so the test ends either way.
func walkWithin(t *testing.T, d time.Duration, w *Walker, root string, fifos ...string) (walked, error) {
	t.Helper()
	var got walked
	done := make(chan error, 1)
	go func() {
		done <- w.Walk(root, func(e Entry) { got.entries = append(got.entries, e) }, func(s Skip) { got.skips = append(got.skips, s) })
	}()
	select {
	case err := <-done:
		return got, err
	case <-time.After(d):
		t.Errorf("Walk(%q) blocked for %v", root, d)
		for _, f := range fifos {
			// Non-blocking: it succeeds only if the walk is the reader
			// waiting on this FIFO, and never hangs the test itself.
			if p, err := os.OpenFile(f, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				p.Close()
			}
		}
		return got, <-done
	}
}

// A root reached through a link that Walk does not resolve — a linked
// directory typed with a trailing slash (lstat follows it), or a root below
// a linked directory — is compared, unresolved, with link targets that
// EvalSymlinks resolved: links inside are reported as pointing outside.
func TestWalkRootThroughLink(t *testing.T) {
	base := tempDir(t)
	mkTree(t, base, map[string]string{"real/proj/a.py": "x\n"})
	symlink(t, "a.py", filepath.Join(base, "real", "proj", "in-file"))
	symlink(t, "real/proj", filepath.Join(base, "alias"))
	symlink(t, "real", filepath.Join(base, "parent"))
	for _, root := range []string{filepath.Join(base, "alias") + "/", filepath.Join(base, "parent", "proj")} {
		got := walk(t, &Walker{}, root)
		want := []Skip{{Path: filepath.ToSlash(filepath.Clean(root)) + "/in-file", Reason: reasonLinkInside}}
		if !slices.Equal(got.skips, want) {
			t.Errorf("root %s: skips %v, want %v", root, got.skips, want)
		}
	}
}

// A file root that is a link is classified, and its Rel named, after the
// link's target: a Hugging Face cache snapshot (model.pkl -> a blob named
// by its hash) loses its extension and its kind.
func TestWalkSymlinkedFileRootName(t *testing.T) {
	base := tempDir(t)
	mkTree(t, base, map[string]string{"blobs/5d41402a": "\x80\x02N.", "blobs/7c211433": "import os\n"})
	mkTree(t, base, map[string]string{"snap/": ""})
	symlink(t, "../blobs/5d41402a", filepath.Join(base, "snap", "model.pkl"))
	symlink(t, "../blobs/7c211433", filepath.Join(base, "snap", "train.py"))
	t.Chdir(base)
	check(t, walk(t, &Walker{}, "snap/model.pkl"),
		[]Entry{{Path: "snap/model.pkl", Rel: "model.pkl", OS: "blobs/5d41402a", Size: 4, Kind: Model, NeedsContent: true}}, nil)
	check(t, walk(t, &Walker{}, "snap/train.py"),
		[]Entry{{Path: "snap/train.py", Rel: "train.py", OS: "blobs/7c211433", Size: 10, Kind: Python}}, nil)
}

// A .gitignore that is a link is followed: the walker reads a file outside
// the scan root (git has refused to since 2.32), lets it hide files in the
// repository, and blocks for ever when the link leads to a FIFO.
func TestWalkGitignoreThroughLink(t *testing.T) {
	base := tempDir(t)
	files := map[string]string{"evil.pkl": "\x80\x02cos\nsystem\n."}
	mkTree(t, filepath.Join(base, "out"), files)
	mkTree(t, filepath.Join(base, "fifo"), files)
	mkTree(t, base, map[string]string{"ignore-all": "*.pkl\n"})
	symlink(t, "../ignore-all", filepath.Join(base, "out", ".gitignore"))
	mkfifo(t, filepath.Join(base, "pipe"))
	symlink(t, "../pipe", filepath.Join(base, "fifo", ".gitignore"))
	for _, dir := range []string{"out", "fifo"} {
		root := filepath.Join(base, dir)
		got, err := walkWithin(t, 5*time.Second, &Walker{}, root, filepath.Join(base, "pipe"))
		if err != nil {
			t.Fatal(err)
		}
		d := filepath.ToSlash(root)
		check(t, got, entriesUnder(d, root, files, want{"evil.pkl", Model, true}),
			skipsUnder(d, ".gitignore", reasonLinkOutside))
	}
}
