package source

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Skip reasons the walker gives.
const (
	reasonExcluded   = "excluded by configuration"
	reasonIgnored    = "ignored by .gitignore"
	reasonIgnoredDir = "ignored by .gitignore; model files in it are still scanned"
	reasonEmpty      = "empty file"
)

// tempDir is t.TempDir with its symbolic links resolved, so that paths the
// walker resolves compare equal on systems whose temporary directory sits
// behind a link (macOS: /var -> /private/var).
func tempDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// mkTree writes files under dir. Keys are slash-separated paths; a key
// ending in "/" makes an empty directory.
func mkTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// walked is everything one Walk reported, in order.
type walked struct {
	entries []Entry
	skips   []Skip
}

func walk(t *testing.T, w *Walker, root string) walked {
	t.Helper()
	var got walked
	err := w.Walk(root, func(e Entry) { got.entries = append(got.entries, e) }, func(s Skip) { got.skips = append(got.skips, s) })
	if err != nil {
		t.Fatalf("Walk(%q): %v", root, err)
	}
	return got
}

// want describes an expected entry below a root.
type want struct {
	rel   string
	kind  Kind
	needs bool
}

// entriesUnder builds the entries a walk of the directory root should
// report: Path is the root as typed (slash-separated) joined with rel, OS
// the root joined with rel, Size the length of files[rel].
func entriesUnder(display, osRoot string, files map[string]string, ws ...want) []Entry {
	out := make([]Entry, 0, len(ws))
	for _, w := range ws {
		content, ok := files[w.rel]
		if !ok {
			panic("no file " + w.rel)
		}
		p := w.rel
		if display != "." {
			p = display + "/" + w.rel
		}
		out = append(out, Entry{Path: p, Rel: w.rel, OS: filepath.Join(osRoot, filepath.FromSlash(w.rel)),
			Size: int64(len(content)), Kind: w.kind, NeedsContent: w.needs})
	}
	return out
}

// skipsUnder builds skips from alternating relative paths and reasons.
func skipsUnder(display string, pairs ...string) []Skip {
	out := make([]Skip, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		p := pairs[i]
		if display != "." {
			p = display + "/" + pairs[i]
		}
		out = append(out, Skip{Path: p, Reason: pairs[i+1]})
	}
	return out
}

func check(t *testing.T, got walked, entries []Entry, skips []Skip) {
	t.Helper()
	if !slices.Equal(got.entries, entries) {
		t.Errorf("entries:\n%s\nwant:\n%s", lines(got.entries), lines(entries))
	}
	if !slices.Equal(got.skips, skips) {
		t.Errorf("skips:\n%s\nwant:\n%s", lines(got.skips), lines(skips))
	}
}

func lines[T any](xs []T) string {
	var b strings.Builder
	for _, x := range xs {
		fmt.Fprintf(&b, "\t%+v\n", x)
	}
	if len(xs) == 0 {
		b.WriteString("\t(none)\n")
	}
	return b.String()
}

// gitignoreTree exercises nested .gitignore files: patterns at any depth,
// directory-only patterns, negation, and patterns anchored to the
// directory of their .gitignore.
var gitignoreTree = map[string]string{
	".gitignore": "# build output\n*.log\nbuild/\n/top.txt\n!keep.log\n\n   \n",
	"a.py":       "print('a')\n",
	"top.txt":    "ignored: /top.txt is anchored to the root\n",
	"keep.log":   "re-included by !keep.log\n",
	"x.log":      "ignored by *.log\n",
	// A negation cannot re-include a file inside an ignored directory:
	// the directory is not entered at all.
	"build/out.py":   "ignored with its directory\n",
	"build/keep.log": "still ignored: its directory is\n",
	"docs/readme.md": "not ignored: docs/*.md in sub/.gitignore is anchored to sub\n",
	".git/HEAD":      "ref: refs/heads/main\n",
	".git/config":    "[core]\n",

	"sub/.gitignore": "!x.log\n/local.txt\ndocs/*.md\n",
	"sub/top.txt":    "kept: /top.txt only means the root's\n",
	"sub/build":      "kept: a file, and build/ matches only directories\n",
	"sub/x.log":      "re-included by the deeper !x.log\n",
	"sub/local.txt":  "ignored: /local.txt anchored to sub\n",
	"sub/docs/a.md":  "ignored by docs/*.md\n",
	"sub/deep/x.log": "re-included: !x.log in sub applies below it too\n",
	"sub/deep/y.log": "ignored by the root's *.log\n",
	// Anchored patterns do not match deeper.
	"sub/deep/local.txt":    "kept\n",
	"sub/deep/docs/b.md":    "kept\n",
	"sub/deep/build/out.py": "ignored: build/ from the root matches at any depth\n",
}

func TestWalkGitignore(t *testing.T) {
	root := tempDir(t)
	mkTree(t, root, gitignoreTree)
	got := walk(t, &Walker{}, root)
	d := filepath.ToSlash(root)
	check(t, got,
		entriesUnder(d, root, gitignoreTree,
			want{".gitignore", Unknown, false},
			want{"a.py", Python, false},
			want{"docs/readme.md", Text, false},
			want{"keep.log", Unknown, false},
			want{"sub/.gitignore", Unknown, false},
			want{"sub/build", Unknown, true},
			want{"sub/deep/docs/b.md", Text, false},
			want{"sub/deep/local.txt", Text, false},
			want{"sub/deep/x.log", Unknown, false},
			want{"sub/top.txt", Text, false},
			want{"sub/x.log", Unknown, false},
		),
		skipsUnder(d,
			"build/", reasonIgnoredDir,
			"sub/deep/build/", reasonIgnoredDir,
			"sub/deep/y.log", reasonIgnored,
			"sub/docs/a.md", reasonIgnored,
			"sub/local.txt", reasonIgnored,
			"top.txt", reasonIgnored,
			"x.log", reasonIgnored,
		))
}

func TestWalkNoGitignore(t *testing.T) {
	root := tempDir(t)
	mkTree(t, root, gitignoreTree)
	got := walk(t, &Walker{NoGitignore: true}, root)
	d := filepath.ToSlash(root)
	// Everything but .git.
	check(t, got,
		entriesUnder(d, root, gitignoreTree,
			want{".gitignore", Unknown, false},
			want{"a.py", Python, false},
			want{"build/keep.log", Unknown, false},
			want{"build/out.py", Python, false},
			want{"docs/readme.md", Text, false},
			want{"keep.log", Unknown, false},
			want{"sub/.gitignore", Unknown, false},
			want{"sub/build", Unknown, true},
			want{"sub/deep/build/out.py", Python, false},
			want{"sub/deep/docs/b.md", Text, false},
			want{"sub/deep/local.txt", Text, false},
			want{"sub/deep/x.log", Unknown, false},
			want{"sub/deep/y.log", Unknown, false},
			want{"sub/docs/a.md", Text, false},
			want{"sub/local.txt", Text, false},
			want{"sub/top.txt", Text, false},
			want{"sub/x.log", Unknown, false},
			want{"top.txt", Text, false},
			want{"x.log", Unknown, false},
		), nil)
}

func TestWalkExcludes(t *testing.T) {
	files := map[string]string{
		".gitignore":         "*.tmp\n!keep.tmp\n",
		"a.py":               "a\n",
		"data/train.csv":     "x,y\n",
		"data/sub/model.pkl": "\x80\x02N.",
		"models/a.pkl":       "\x80\x02N.",
		"models/b.pt":        "\x80\x02N.",
		"sub/models/a.pkl":   "\x80\x02N.",
		"secret.pkl":         "\x80\x02N.",
		"sub/secret.pkl":     "\x80\x02N.",
		"keep.tmp":           "gitignore re-includes it, the exclude wins\n",
		"x.tmp":              "both excluded and ignored: the exclude is reported\n",
		"notes.md":           "kept\n",
	}
	root := tempDir(t)
	mkTree(t, root, files)
	w := &Walker{Excludes: []string{
		"data/",          // a directory, skipped whole
		"*.tmp",          // any depth
		"/secret.pkl",    // anchored to the root
		"models/*.pkl",   // a slash anchors it too
		"!models/b.pt",   // a negation that re-includes nothing excluded: harmless
		"does-not-match", // no effect
	}}
	got := walk(t, w, root)
	d := filepath.ToSlash(root)
	check(t, got,
		entriesUnder(d, root, files,
			want{".gitignore", Unknown, false},
			want{"a.py", Python, false},
			want{"models/b.pt", Model, true},
			want{"notes.md", Text, false},
			want{"sub/models/a.pkl", Model, true},
			want{"sub/secret.pkl", Model, true},
		),
		skipsUnder(d,
			"data/", reasonExcluded,
			"keep.tmp", reasonExcluded,
			"models/a.pkl", reasonExcluded,
			"secret.pkl", reasonExcluded,
			"x.tmp", reasonExcluded,
		))
}

// TestWalkGitDirs checks that .git directories, at the root or nested (a
// submodule or vendored repository), are neither listed nor reported, with
// or without .gitignore handling, while a .git file (a worktree's or a
// submodule's pointer) is an ordinary file.
func TestWalkGitDirs(t *testing.T) {
	files := map[string]string{
		".git/HEAD":               "ref: refs/heads/main\n",
		".git/objects/ab/cdef":    "blob",
		".git/hooks/pre-commit":   "#!/bin/sh\n",
		"vendor/lib/.git/HEAD":    "ref: refs/heads/main\n",
		"vendor/lib/lib.py":       "x = 1\n",
		"worktree/.git":           "gitdir: ../.git/worktrees/w\n",
		"worktree/train.py":       "import torch\n",
		"not-git/.gitkeep":        "",
		"not-git/.github/ci.yaml": "on: push\n",
	}
	for _, noGitignore := range []bool{false, true} {
		root := tempDir(t)
		mkTree(t, root, files)
		got := walk(t, &Walker{NoGitignore: noGitignore}, root)
		d := filepath.ToSlash(root)
		check(t, got,
			entriesUnder(d, root, files,
				want{"not-git/.github/ci.yaml", YAML, true},
				want{"vendor/lib/lib.py", Python, false},
				want{"worktree/.git", Unknown, false},
				want{"worktree/train.py", Python, false},
			), skipsUnder(d, "not-git/.gitkeep", reasonEmpty))
	}
}

// TestWalkRootForms checks Entry.Path, Rel and OS, and Skip.Path, for the
// ways a root is typed: Path keeps the root as typed (cleaned), Rel is
// relative to the root whatever the form, OS is openable from the working
// directory.
func TestWalkRootForms(t *testing.T) {
	base := tempDir(t)
	files := map[string]string{
		".gitignore": "*.log\ncache/\n",
		"a.py":       "print(1)\n",
		"sub/b.pkl":  "\x80\x02N.",
		"z.log":      "ignored\n",
		"cache/c":    "ignored\n",
	}
	mkTree(t, filepath.Join(base, "x"), files)
	mkTree(t, base, map[string]string{"other/": ""})
	abs := filepath.Join(base, "x")
	for _, tc := range []struct {
		name    string
		cwd     string // below base
		root    string
		display string // the prefix of Path
		osRoot  string // what OS paths start with
	}{
		{"x", ".", "x", "x", "x"},
		{"./x", ".", "./x", "x", "x"},
		{"x/", ".", "x/", "x", "x"},
		{"x/../x", ".", "x/../x", "x", "x"},
		{"dot", "x", ".", ".", "."},
		{"dot slash", "x", "./", ".", "."},
		{"../x", "other", "../x", "../x", "../x"},
		{"absolute", "other", abs, filepath.ToSlash(abs), abs},
		{"absolute/", "other", abs + string(filepath.Separator), filepath.ToSlash(abs), abs},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(filepath.Join(base, tc.cwd))
			got := walk(t, &Walker{}, tc.root)
			check(t, got,
				entriesUnder(tc.display, tc.osRoot, files,
					want{".gitignore", Unknown, false},
					want{"a.py", Python, false},
					want{"sub/b.pkl", Model, true},
				),
				skipsUnder(tc.display,
					"cache/", reasonIgnoredDir,
					"z.log", reasonIgnored,
				))
			// Rel is the same whatever the form: it is what findings and
			// baselines are keyed on.
			for _, e := range got.entries {
				if !strings.HasSuffix(e.Path, e.Rel) {
					t.Errorf("%s does not end in its Rel %s", e.Path, e.Rel)
				}
			}
		})
	}
}

// TestWalkSingleFile checks a root that is a file: it is handed on as
// typed, classified by its full path, and neither excludes nor a
// .gitignore beside it apply, since the user named it.
func TestWalkSingleFile(t *testing.T) {
	base := tempDir(t)
	mkTree(t, base, map[string]string{
		"x/model.pkl":                   "\x80\x02N.",
		"x/.gitignore":                  "*.pkl\n",
		"repo/.github/workflows/ci.yml": "on: push\n",
	})
	t.Chdir(base)
	for _, tc := range []struct {
		root string
		w    *Walker
		want Entry
	}{
		{"x/model.pkl", &Walker{}, Entry{Path: "x/model.pkl", Rel: "model.pkl", OS: "x/model.pkl", Size: 4, Kind: Model, NeedsContent: true}},
		{"./x/model.pkl", &Walker{}, Entry{Path: "x/model.pkl", Rel: "model.pkl", OS: "./x/model.pkl", Size: 4, Kind: Model, NeedsContent: true}},
		{"x/model.pkl", &Walker{Excludes: []string{"*.pkl", "model.pkl"}}, Entry{Path: "x/model.pkl", Rel: "model.pkl", OS: "x/model.pkl", Size: 4, Kind: Model, NeedsContent: true}},
		{filepath.Join(base, "x", "model.pkl"), &Walker{}, Entry{Path: filepath.ToSlash(filepath.Join(base, "x", "model.pkl")), Rel: "model.pkl",
			OS: filepath.Join(base, "x", "model.pkl"), Size: 4, Kind: Model, NeedsContent: true}},
		// The directories in the path count: this is a workflow.
		{"repo/.github/workflows/ci.yml", &Walker{}, Entry{Path: "repo/.github/workflows/ci.yml", Rel: "ci.yml", OS: "repo/.github/workflows/ci.yml",
			Size: 9, Kind: GitHubActions}},
	} {
		got := walk(t, tc.w, tc.root)
		check(t, got, []Entry{tc.want}, nil)
	}
}

func TestWalkMissingRoot(t *testing.T) {
	base := tempDir(t)
	root := filepath.Join(base, "missing")
	err := (&Walker{}).Walk(root, func(Entry) { t.Error("entry") }, func(Skip) { t.Error("skip") })
	if err == nil || err.Error() != "cannot scan "+root+": no such file or directory" {
		t.Fatalf("got %v", err)
	}
}

// A directory root's files are classified by their path below the root,
// so the root's own name is lost: scanning .github, .dvc or requirements
// directly misclassifies what scanning the repository classifies right.
func TestWalkClassifiesByRootName(t *testing.T) {
	base := tempDir(t)
	mkTree(t, base, map[string]string{
		".github/workflows/ci.yml": "on: push\n",
		".dvc/config":              "[core]\n",
		"requirements/base.txt":    "torch\n",
	})
	t.Chdir(base)
	for root, want := range map[string]Kind{".github": GitHubActions, ".github/workflows": GitHubActions, ".dvc": DVCConfig, "requirements": Requirements} {
		got := walk(t, &Walker{}, root)
		if len(got.entries) != 1 || got.entries[0].Kind != want {
			t.Errorf("root %s: got %v, want one %s file", root, got.entries, want)
		}
	}
}

// git skips a UTF-8 byte order mark at the start of a .gitignore; the
// walker must too, or the first pattern would match nothing.
func TestWalkGitignoreBOM(t *testing.T) {
	root := tempDir(t)
	files := map[string]string{".gitignore": "\ufeffsecret.txt\n", "secret.txt": "s"}
	mkTree(t, root, files)
	d := filepath.ToSlash(root)
	check(t, walk(t, &Walker{}, root), entriesUnder(d, root, files, want{".gitignore", Unknown, false}),
		skipsUnder(d, "secret.txt", reasonIgnored))
}

// The root "/" shows its files as "//etc".
func TestWalkSlashRoot(t *testing.T) {
	tw := &treeWalk{display: "/"}
	if got := tw.show([]string{"etc", "passwd"}); got != "/etc/passwd" {
		t.Errorf("got %q", got)
	}
}
