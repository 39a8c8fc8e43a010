package source

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// Entry is one regular file found by the walk, before its content is read.
type Entry struct {
	Path string // as the user will read it: the scanned argument joined with Rel, slash-separated
	Rel  string // relative to the scan root, slash-separated; stable across working directories
	OS   string // path to open
	Size int64
	Kind Kind // from the name; Refine with the content when NeedsContent
	// NeedsContent is set when the name alone cannot tell the kind.
	NeedsContent bool
}

// Skip records a file or directory the walk did not hand on, and why.
type Skip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Walker walks scan roots. The zero value honours .gitignore files and has no excludes.
type Walker struct {
	// Excludes are gitignore-style patterns relative to each scan root.
	Excludes []string
	// NoGitignore turns off .gitignore handling.
	NoGitignore bool
}

// Walk visits every file under root (a directory or a single file) and calls
// file for each regular file to analyze and skip for each file or directory
// passed over. Symbolic links are never followed: a link is reported as
// skipped with where it points, so nothing outside root is ever read and a
// link loop cannot trap the walk. display is the path prefix used in reports
// (usually root as the user typed it).
func (w *Walker) Walk(root string, file func(Entry), skip func(Skip)) error {
	info, err := os.Lstat(root)
	if err != nil {
		return fmt.Errorf("cannot scan %s: %w", root, unwrapPathError(err))
	}
	display := filepath.ToSlash(filepath.Clean(root))
	if info.Mode()&fs.ModeSymlink != 0 {
		// A root named on the command line is the user's choice: resolve it once.
		resolved, err := filepath.EvalSymlinks(root)
		if err != nil {
			return fmt.Errorf("cannot scan %s: %w", root, unwrapPathError(err))
		}
		root = resolved
		if info, err = os.Stat(root); err != nil {
			return fmt.Errorf("cannot scan %s: %w", display, unwrapPathError(err))
		}
	}
	if !info.IsDir() {
		if !info.Mode().IsRegular() {
			skip(Skip{display, "not a regular file"})
			return nil
		}
		k, needs := ClassifyName(filepath.ToSlash(root))
		file(Entry{Path: display, Rel: filepath.Base(root), OS: root, Size: info.Size(), Kind: k, NeedsContent: needs})
		return nil
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	var patterns []gitignore.Pattern
	for _, p := range w.Excludes {
		patterns = append(patterns, gitignore.ParsePattern(p, nil))
	}
	excludes := gitignore.NewMatcher(patterns)
	t := &treeWalk{w: w, absRoot: absRoot, display: display, excludes: excludes, file: file, skip: skip}
	return t.dir(root, nil, nil)
}

type treeWalk struct {
	w        *Walker
	absRoot  string
	display  string
	excludes gitignore.Matcher
	file     func(Entry)
	skip     func(Skip)
}

func (t *treeWalk) show(rel []string) string {
	if len(rel) == 0 {
		return t.display
	}
	return strings.TrimPrefix(t.display+"/"+strings.Join(rel, "/"), "./")
}

// dir walks one directory. rel is its path below the root as components;
// ignores holds the .gitignore patterns in force, outermost first.
func (t *treeWalk) dir(osPath string, rel []string, ignores []gitignore.Pattern) error {
	entries, err := os.ReadDir(osPath)
	if err != nil {
		if len(rel) == 0 {
			return fmt.Errorf("cannot read %s: %w", t.display, unwrapPathError(err))
		}
		t.skip(Skip{t.show(rel) + "/", "directory could not be read: " + unwrapPathError(err).Error()})
		return nil
	}
	if !t.w.NoGitignore {
		ignores = append(ignores[:len(ignores):len(ignores)], readGitignore(filepath.Join(osPath, ".gitignore"), rel)...)
	}
	matcher := gitignore.NewMatcher(ignores)
	for _, e := range entries {
		name := e.Name()
		childRel := append(rel[:len(rel):len(rel)], name)
		childOS := filepath.Join(osPath, name)
		isDir := e.IsDir()
		if isDir && name == ".git" {
			continue // version control internals are not part of the project
		}
		if t.excludes.Match(childRel, isDir) {
			t.skip(Skip{t.show(childRel) + dirSuffix(isDir), "excluded by configuration"})
			continue
		}
		if matcher.Match(childRel, isDir) {
			t.skip(Skip{t.show(childRel) + dirSuffix(isDir), "ignored by .gitignore"})
			continue
		}
		typ := e.Type()
		switch {
		case typ&fs.ModeSymlink != 0:
			t.skip(Skip{t.show(childRel), t.linkReason(childOS)})
		case isDir:
			if err := t.dir(childOS, childRel, ignores); err != nil {
				return err
			}
		case typ.IsRegular():
			info, err := e.Info()
			if err != nil {
				t.skip(Skip{t.show(childRel), "could not stat: " + unwrapPathError(err).Error()})
				continue
			}
			relSlash := strings.Join(childRel, "/")
			k, needs := ClassifyName(relSlash)
			t.file(Entry{Path: t.show(childRel), Rel: relSlash, OS: childOS, Size: info.Size(), Kind: k, NeedsContent: needs})
		default:
			t.skip(Skip{t.show(childRel), "not a regular file (" + typ.Type().String() + ")"})
		}
	}
	return nil
}

// linkReason explains why a symbolic link was not followed.
func (t *treeWalk) linkReason(osPath string) string {
	target, err := filepath.EvalSymlinks(osPath)
	if err != nil {
		return "symbolic link not followed: broken or looping (" + unwrapPathError(err).Error() + ")"
	}
	abs, err := filepath.Abs(target)
	if err == nil {
		if r, err := filepath.Rel(t.absRoot, abs); err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return "symbolic link not followed: its target inside the scan root is scanned where it lives"
		}
	}
	return "symbolic link not followed: it points outside the scan root"
}

func dirSuffix(isDir bool) string {
	if isDir {
		return "/"
	}
	return ""
}

// readGitignore reads one .gitignore; a missing or unreadable file adds nothing.
func readGitignore(p string, domain []string) []gitignore.Pattern {
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

// unwrapPathError drops the path from an *fs.PathError, whose message would
// repeat a path the caller already prints.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
