package source

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
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
	// From reads the entry when it is not a local file (an object in a
	// bucket); nil means OS is a local path.
	From Opener `json:"-"`
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
	// Fail, when set, receives what should have been walked and could not
	// be (a directory that cannot be read, a path too long to open), so the
	// scan is reported incomplete; otherwise those go to skip.
	Fail func(Skip)
}

// Walk visits every file under root (a directory or a single file) and calls
// file for each regular file to analyze and skip for each file or directory
// passed over. Symbolic links are never followed: a link is reported as
// skipped with where it points, so nothing outside root is ever read and a
// link loop cannot trap the walk. Reports show paths as the root was typed
// (cleaned), joined with each file's path below it.
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
		// The name typed, not the link's target, says what the file is: a
		// Hugging Face cache links model.pkl to a blob named by its hash.
		k, needs := ClassifyName(absSlash(display))
		file(Entry{Path: display, Rel: path.Base(display), OS: root, Size: info.Size(), Kind: k, NeedsContent: needs})
		return nil
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	// Resolved, so that a link's target is compared with the real root
	// even when a parent of the root (macOS /var) or a trailing slash on a
	// linked root hides a link.
	if r, err := filepath.EvalSymlinks(absRoot); err == nil {
		absRoot = r
	}
	var patterns []gitignore.Pattern
	for _, p := range w.Excludes {
		patterns = append(patterns, gitignore.ParsePattern(p, nil))
	}
	excludes := gitignore.NewMatcher(patterns)
	fail := w.Fail
	if fail == nil {
		fail = skip
	}
	t := &treeWalk{w: w, absRoot: absRoot, classRoot: absSlash(display), display: display, excludes: excludes, file: file, skip: skip, fail: fail}
	return t.dir(root, nil, nil, false)
}

type treeWalk struct {
	w       *Walker
	absRoot string
	// classRoot is the root as typed, made absolute: files are classified
	// by their full path, so scanning .github/workflows or .dvc directly
	// classifies them as scanning the repository would.
	classRoot string
	display   string
	excludes  gitignore.Matcher
	file      func(Entry)
	skip      func(Skip)
	fail      func(Skip)
}

func (t *treeWalk) show(rel []string) string {
	if len(rel) == 0 {
		return t.display
	}
	return strings.TrimPrefix(strings.TrimSuffix(t.display, "/")+"/"+strings.Join(rel, "/"), "./")
}

// absSlash makes a slash path absolute without resolving links.
func absSlash(p string) string {
	if a, err := filepath.Abs(filepath.FromSlash(p)); err == nil {
		return filepath.ToSlash(a)
	}
	return p
}

// dir walks one directory. rel is its path below the root as components;
// ignores holds the .gitignore patterns in force, outermost first.
//
// Model files are scanned even where .gitignore leaves them out: downloaded
// weights are usually gitignored, and they are exactly what a local scan
// must look at. So a gitignored directory is still walked, in modelsOnly
// mode: its model files are handed on, everything else in it is passed over
// with the directory's one skip entry. Virtual environments and
// node_modules are not walked at all: they hold dependencies' test data,
// not the project's models. Only --exclude keeps a model file out.
func (t *treeWalk) dir(osPath string, rel []string, ignores []gitignore.Pattern, modelsOnly bool) error {
	entries, err := os.ReadDir(osPath)
	if err != nil {
		if len(rel) == 0 {
			return fmt.Errorf("cannot read %s: %w", t.display, unwrapPathError(err))
		}
		t.fail(Skip{t.show(rel) + "/", "directory could not be read: " + unwrapPathError(err).Error()})
		return nil
	}
	if !t.w.NoGitignore && !modelsOnly {
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
			if !modelsOnly {
				t.skip(Skip{t.show(childRel) + dirSuffix(isDir), "excluded by configuration"})
			}
			continue
		}
		typ := e.Type()
		ignored := modelsOnly || matcher.Match(childRel, isDir)
		if ignored && typ&fs.ModeSymlink == 0 {
			switch {
			case isDir && !modelsOnly:
				if dependencyDir(childOS, name) {
					t.skip(Skip{t.show(childRel) + "/", "ignored by .gitignore"})
					continue
				}
				t.skip(Skip{t.show(childRel) + "/", "ignored by .gitignore; model files in it are still scanned"})
				if err := t.dir(childOS, childRel, ignores, true); err != nil {
					return err
				}
				continue
			case isDir:
				if !dependencyDir(childOS, name) {
					if err := t.dir(childOS, childRel, ignores, true); err != nil {
						return err
					}
				}
				continue
			case typ.IsRegular():
				if k, _ := ClassifyName(name); k != Model {
					if !modelsOnly {
						t.skip(Skip{t.show(childRel), "ignored by .gitignore"})
					}
					continue
				}
			default:
				continue
			}
		} else if ignored {
			if !modelsOnly {
				t.skip(Skip{t.show(childRel), "ignored by .gitignore"})
			}
			continue // a link is never followed
		}
		switch {
		case typ&fs.ModeSymlink != 0:
			t.skip(Skip{t.show(childRel), t.linkReason(childOS)})
		case isDir:
			if err := t.dir(childOS, childRel, ignores, false); err != nil {
				return err
			}
		case typ.IsRegular():
			info, err := e.Info()
			if err != nil {
				t.fail(Skip{t.show(childRel), "could not stat: " + unwrapPathError(err).Error()})
				continue
			}
			if info.Size() == 0 {
				t.skip(Skip{t.show(childRel), "empty file"})
				continue
			}
			relSlash := strings.Join(childRel, "/")
			k, needs := ClassifyName(path.Join(t.classRoot, relSlash))
			t.file(Entry{Path: t.show(childRel), Rel: relSlash, OS: childOS, Size: info.Size(), Kind: k, NeedsContent: needs})
		default:
			t.skip(Skip{t.show(childRel), "not a regular file (" + typ.Type().String() + ")"})
		}
	}
	return nil
}

// dependencyDir says a directory holds installed dependencies, not the
// project: a virtual environment (it has pyvenv.cfg) or node_modules.
func dependencyDir(osPath, name string) bool {
	if name == "node_modules" || name == "site-packages" {
		return true
	}
	_, err := os.Lstat(filepath.Join(osPath, "pyvenv.cfg"))
	return err == nil
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
// A .gitignore that is not a regular file is not read, as git does not: a
// link could point outside the scan root or at a FIFO that never ends.
func readGitignore(p string, domain []string) []gitignore.Pattern {
	if info, err := os.Lstat(p); err != nil || !info.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return nil
	}
	defer f.Close()
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20) // long lines are kept, not the rest of the file dropped
	first := true
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if first {
			line, first = strings.TrimPrefix(line, "\ufeff"), false // git skips a UTF-8 byte order mark
		}
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
