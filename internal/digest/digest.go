// Package digest lists the files of a directory and hashes them with
// SHA-256: in parallel (one file per worker), streaming (a fixed buffer per
// worker, so memory does not grow with the size of a model shard), with
// progress, and without ever following a symbolic link.
//
// It is what model signing (internal/signing) and the bill of materials
// (internal/bom) hash with. A symbolic link or special file found in the
// tree is returned, never opened: a link in a model directory could point
// the signer at /etc/shadow or the verifier at a file outside the model, so
// the caller decides what it means (the signing format refuses them).
package digest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// File is one regular file of a tree.
type File struct {
	Rel  string // slash-separated, relative to the root; "." when the root is the file
	OS   string // path to open
	Size int64
	Sum  [sha256.Size]byte // set by Hash
}

// Hex is the file's SHA-256 in lower-case hex.
func (f File) Hex() string { return hex.EncodeToString(f.Sum[:]) }

// Other is an entry of the tree that is not a regular file: a symbolic
// link (Target says where it points) or a device, socket or pipe.
type Other struct {
	Rel    string
	Target string // for a symbolic link
	Type   string // "symlink", "device", "pipe", "socket"…
}

// Tree is the result of List: regular files sorted by Rel, and the
// entries that were not hashed.
type Tree struct {
	Files  []File
	Others []Other
}

// Total is the size of all files.
func (t *Tree) Total() int64 {
	var n int64
	for _, f := range t.Files {
		n += f.Size
	}
	return n
}

// List walks root (a directory, or a single regular file whose Rel is
// "."). ignore, when set, is asked about every slash-separated relative
// path, directories included; an ignored directory is not entered. Links
// are never followed, the root included.
func List(root string, ignore func(rel string, dir bool) bool) (*Tree, error) {
	fi, err := os.Lstat(root)
	if err != nil {
		return nil, err
	}
	t := &Tree{}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, fmt.Errorf("%s: is a symbolic link; links are not followed", root)
	case fi.Mode().IsRegular():
		t.Files = append(t.Files, File{Rel: ".", OS: root, Size: fi.Size()})
		return t, nil
	case !fi.IsDir():
		return nil, fmt.Errorf("%s: not a regular file or directory", root)
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		r, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(r)
		if ignore != nil && ignore(rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		typ := d.Type()
		switch {
		case d.IsDir():
			return nil
		case typ&fs.ModeSymlink != 0:
			to, _ := os.Readlink(p)
			t.Others = append(t.Others, Other{Rel: rel, Target: to, Type: "symlink"})
		case typ.IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			t.Files = append(t.Files, File{Rel: rel, OS: p, Size: info.Size()})
		default:
			t.Others = append(t.Others, Other{Rel: rel, Type: typeName(typ)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// WalkDir visits in lexical order of OS names per directory; the
	// signing format sorts by the full slash path, which differs when a
	// name sorts before "/" (e.g. "a-b" and "a/c").
	sort.Slice(t.Files, func(i, j int) bool { return t.Files[i].Rel < t.Files[j].Rel })
	sort.Slice(t.Others, func(i, j int) bool { return t.Others[i].Rel < t.Others[j].Rel })
	return t, nil
}

func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeNamedPipe != 0:
		return "pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

// Options configure Hash.
type Options struct {
	Jobs int // files hashed at once; 0 is one per CPU
	// Progress, when set, is called with the bytes hashed so far and the
	// total, from several goroutines; it must be safe for that.
	Progress func(done, total int64)
}

// bufSize is each worker's read buffer: large enough that syscalls cost
// nothing beside SHA-256, small enough to keep memory flat.
const bufSize = 1 << 20

// Hash fills in the Sum of every file. Files are opened with O_NOFOLLOW
// and checked to be regular after opening, so a file swapped for a link
// or a FIFO between List and Hash fails instead of being followed or
// blocking forever. A file whose size changed while it was read fails.
func Hash(ctx context.Context, files []File, opt Options) error {
	jobs := opt.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	var done atomic.Int64
	progress := func(n int) {
		if opt.Progress != nil {
			opt.Progress(done.Add(int64(n)), total)
		}
	}
	// Largest first: a 9 GB shard started last would leave the other
	// workers idle while it finishes.
	order := make([]int, len(files))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return files[order[a]].Size > files[order[b]].Size })

	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(jobs, max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, bufSize)
			for {
				k := int(next.Add(1) - 1)
				if k >= len(order) || ctx.Err() != nil {
					return
				}
				i := order[k]
				if err := hashOne(ctx, &files[i], buf, progress); err != nil {
					errs[i] = err
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return ctx.Err()
}

func hashOne(ctx context.Context, f *File, buf []byte, progress func(int)) error {
	fd, err := os.OpenFile(f.OS, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Rel, unwrap(err))
	}
	defer fd.Close()
	fi, err := fd.Stat()
	if err != nil {
		return fmt.Errorf("%s: %w", f.Rel, unwrap(err))
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: is no longer a regular file", f.Rel)
	}
	h := sha256.New()
	var n int64
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		k, err := fd.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			n += int64(k)
			progress(k)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f.Rel, unwrap(err))
		}
	}
	if n != f.Size {
		return fmt.Errorf("%s: changed while it was read (%d bytes listed, %d read)", f.Rel, f.Size, n)
	}
	h.Sum(f.Sum[:0])
	return nil
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, syscall.ELOOP) {
			return errors.New("is a symbolic link; links are not followed")
		}
		return pe.Err
	}
	return err
}

// Clean reports whether rel is a clean relative slash path inside the
// tree: no "..", no absolute path, no empty element. Names from a
// signature or a BOM are checked with it before any is joined to a root.
func Clean(rel string) bool {
	if rel == "" || strings.HasPrefix(rel, "/") || strings.Contains(rel, "\\") || strings.ContainsRune(rel, 0) {
		return false
	}
	for _, e := range strings.Split(rel, "/") {
		if e == "" || e == "." || e == ".." {
			return false
		}
	}
	return true
}
