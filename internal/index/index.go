// Package index is the project index: every file the walk handed on, each
// classified once, in one place, and read only under the scan's limits.
//
// The engine builds the index before any analyzer runs. Analyzers that need
// context beyond the file they analyze (a Terraform module spread over a
// directory, a Service in service.yaml that exposes the Deployment in
// deployment.yaml) ask the index through their pass, so they see exactly the
// files the scan sees: excluded and gitignored files are not in it, symbolic
// links never are, and every read is bounded.
package index

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/mlsec/mlsec/internal/source"
)

// HeadLen is how much of a file classification reads; YAML needs enough to
// see apiVersion and kind past a licence header.
const HeadLen = 8 << 10

// Bounds on the context one analyzed file may read of its directory, so a
// directory of 100,000 manifests costs each file a bounded amount of work.
const (
	MaxDirFiles = 64       // files of one directory handed to one file's analysis
	MaxDirBytes = 16 << 20 // their bytes together
)

// File is one file of the scan.
type File struct {
	source.Entry

	once    sync.Once
	kind    source.Kind
	problem error

	// context is the file's content kept for the other files of its
	// directory that read it as context, within the index's cache budget.
	ctxMu   sync.Mutex
	context []byte
	// memo holds what readers derived from the content (see Sibling.Memo).
	memo sync.Map
}

// Index is the set of files one scan analyzes.
type Index struct {
	files []*File // sorted by Path
	byDir map[string][]*File
	// MaxTextSize bounds every whole-file read.
	maxText int64
	open    func(string) (*os.File, error)
	// cached counts the bytes kept as context, bounded by MaxContextCache.
	cached atomic.Int64
}

// MaxContextCache bounds the sibling content the index keeps for the whole
// scan: a directory of 500 manifests whose every file asks for its 64
// neighbours reads each neighbour once, not 500 times; past the bound,
// files are read again when asked for.
const MaxContextCache = 128 << 20

// New indexes entries. maxText bounds whole reads of text files; open is
// os.Open unless a test needs a file to fail.
func New(entries []source.Entry, maxText int64, open func(string) (*os.File, error)) *Index {
	if open == nil {
		open = os.Open
	}
	ix := &Index{byDir: map[string][]*File{}, maxText: maxText, open: open}
	for _, e := range entries {
		f := &File{Entry: e}
		ix.files = append(ix.files, f)
	}
	sort.Slice(ix.files, func(i, j int) bool { return ix.files[i].Path < ix.files[j].Path })
	for _, f := range ix.files {
		d := path.Dir(f.Path)
		ix.byDir[d] = append(ix.byDir[d], f)
	}
	return ix
}

// Files returns every file, sorted by path.
func (ix *Index) Files() []*File { return ix.files }

// Len is the number of files.
func (ix *Index) Len() int { return len(ix.files) }

// Kind classifies f by name and, where the name is not enough, by content,
// once: later calls return the first answer. When content had to be read
// whole to classify (YAML, JSON, ambiguous text), it is returned to the
// first caller so the file is not read twice; later callers get nil and
// read it with Read.
func (ix *Index) Kind(f *File) (kind source.Kind, content []byte, err error) {
	f.once.Do(func() {
		f.kind, content, f.problem = ix.classify(f)
	})
	return f.kind, content, f.problem
}

func (ix *Index) classify(f *File) (source.Kind, []byte, error) {
	if !f.NeedsContent {
		return f.Kind, nil, nil
	}
	var content, head []byte
	var err error
	if (f.Kind == source.YAML || f.Kind == source.JSON || f.Kind == source.Text) && f.Size <= ix.maxText {
		if content, err = ix.Read(f); err == nil {
			head = content[:min(len(content), HeadLen)]
		}
	} else {
		head, err = ix.head(f)
	}
	if err != nil {
		return source.Unknown, nil, err
	}
	return source.Refine(f.Kind, head), content, nil
}

// ErrTooLarge is returned by Read for a file over the text size limit.
var ErrTooLarge = errors.New("over the size limit for text files")

// Read reads a whole file, failing when it is over the text size limit or
// has grown past it since the walk measured it.
func (ix *Index) Read(f *File) ([]byte, error) {
	if f.Size > ix.maxText {
		return nil, ErrTooLarge
	}
	h, err := ix.Open(f)
	if err != nil {
		return nil, errors.New(Unwrap(err))
	}
	defer h.Close()
	b, err := io.ReadAll(io.LimitReader(h, ix.maxText+1))
	if err != nil {
		return nil, errors.New(Unwrap(err))
	}
	if int64(len(b)) > ix.maxText {
		return nil, fmt.Errorf("file grew past the %s size limit while being read", HumanSize(ix.maxText))
	}
	if b == nil {
		b = []byte{} // read, and empty: not the same as not read
	}
	return b, nil
}

// Open opens a file for streaming (binary analyzers bound their own reads):
// a local file by its path, an object through its source.
func (ix *Index) Open(f *File) (source.Handle, error) {
	if f.From != nil {
		return f.From.Open(f.OS, f.Size)
	}
	return ix.open(f.OS)
}

func (ix *Index) head(f *File) ([]byte, error) {
	h, err := ix.Open(f)
	if err != nil {
		return nil, errors.New(Unwrap(err))
	}
	defer h.Close()
	buf := make([]byte, HeadLen)
	n, err := io.ReadFull(h, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, errors.New(Unwrap(err))
	}
	return buf[:n], nil
}

// Sibling is another file of an analyzed file's directory, read for context.
type Sibling struct {
	Path    string // as reports show it
	Kind    source.Kind
	Content []byte // shared with every other reader: never modify it
	file    *File
}

// Memo returns what fn computes from the sibling's content, computed once
// per scan and key however many files read this sibling: a directory of
// 3,000 manifests asks each neighbour "does it hold RBAC objects?" once,
// not 3,000 times. fn must depend on the content alone.
func (s Sibling) Memo(key string, fn func() any) any {
	if s.file == nil {
		return fn()
	}
	if v, ok := s.file.memo.Load(key); ok {
		return v
	}
	v, _ := s.file.memo.LoadOrStore(key, fn())
	return v
}

// Siblings returns the other files of self's directory whose kind is one of
// kinds, read whole, in path order, within MaxDirFiles and MaxDirBytes.
// Files that do not classify, cannot be read or are not valid text (NUL
// bytes) are left out: they are context, and each is accounted for when it
// is analyzed itself. Callers must never report a finding located in a
// sibling. stop is polled between reads so a cancelled file stops early.
func (ix *Index) Siblings(self *File, stop func() bool, kinds ...source.Kind) []Sibling {
	var out []Sibling
	total, read := 0, 0
	for _, f := range ix.byDir[path.Dir(self.Path)] {
		if f == self || f.Path == self.Path {
			continue
		}
		if read >= MaxDirFiles || (stop != nil && stop()) {
			break
		}
		k, content, err := ix.Kind(f)
		if err != nil || !hasKind(kinds, k) {
			continue
		}
		if total+int(f.Size) > MaxDirBytes {
			continue
		}
		read++
		if content == nil {
			if content, err = ix.contextOf(f); err != nil {
				continue
			}
		}
		if bytes.IndexByte(content[:min(len(content), HeadLen)], 0) >= 0 {
			continue
		}
		total += len(content)
		out = append(out, Sibling{Path: f.Path, Kind: k, Content: content, file: f})
	}
	return out
}

// MaxAncestorDirs bounds how many directories Ancestors climbs.
const MaxAncestorDirs = 8

// Ancestors returns the files of the given kinds in self's directory and in
// each directory above it within the scan, nearest first, read whole under
// the same bounds as Siblings (per directory). It is how a file finds the
// project files that govern it: the requirements.txt at the repository root
// that pins the Keras a script in src/train/ loads models with. A deep tree
// costs each file at most MaxAncestorDirs directory lookups.
func (ix *Index) Ancestors(self *File, stop func() bool, kinds ...source.Kind) []Sibling {
	out := ix.Siblings(self, stop, kinds...)
	dir := path.Dir(self.Path)
	for i := 0; i < MaxAncestorDirs && dir != "." && dir != "/" && dir != ""; i++ {
		dir = path.Dir(dir)
		fs := ix.byDir[dir]
		if len(fs) == 0 {
			continue
		}
		out = append(out, ix.Siblings(fs[0], stop, kinds...)...)
		// Siblings leaves out the file it is asked about: add it back when
		// it is one of the kinds.
		if k, content, err := ix.Kind(fs[0]); err == nil && hasKind(kinds, k) && int(fs[0].Size) <= MaxDirBytes {
			if content == nil {
				content, err = ix.contextOf(fs[0])
			}
			if err == nil && bytes.IndexByte(content[:min(len(content), HeadLen)], 0) < 0 {
				out = append(out, Sibling{Path: fs[0].Path, Kind: k, Content: content, file: fs[0]})
			}
		}
	}
	return out
}

// contextOf reads a file for use as context, keeping its content while
// the cache budget allows.
func (ix *Index) contextOf(f *File) ([]byte, error) {
	f.ctxMu.Lock()
	defer f.ctxMu.Unlock()
	if f.context != nil {
		return f.context, nil
	}
	b, err := ix.Read(f)
	if err != nil {
		return nil, err
	}
	if ix.cached.Add(int64(len(b))) <= MaxContextCache {
		f.context = b
	} else {
		ix.cached.Add(-int64(len(b)))
	}
	return b, nil
}

// InDir returns the files of one directory (report paths), sorted.
func (ix *Index) InDir(dir string) []*File { return ix.byDir[dir] }

// Lookup finds a file by its report path.
func (ix *Index) Lookup(p string) *File {
	i := sort.Search(len(ix.files), func(i int) bool { return ix.files[i].Path >= p })
	if i < len(ix.files) && ix.files[i].Path == p {
		return ix.files[i]
	}
	return nil
}

func hasKind(kinds []source.Kind, k source.Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Unwrap drops the path from an *os.PathError, whose message would repeat a
// path the caller already prints.
func Unwrap(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// HumanSize renders a byte count as people read it.
func HumanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
