package lock

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
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

	"github.com/mlsec/mlsec/internal/dataset/drift"
	"github.com/mlsec/mlsec/internal/dataset/table"
)

// Options configure Build and Verify.
type Options struct {
	Jobs int // files hashed at once; 0 is one per CPU
	// Progress, when set, is called as files are found and hashed (from
	// several goroutines; it must be safe for that).
	Progress func(done, found int64, bytes int64)
	Limits   table.Limits
}

// job is one file to hash.
type job struct {
	rel    string // entry path
	os     string // path to open
	dvc    *DVCRef
	dvcDOS bool // the .dvc file is DVC 2's: md5 of text files after CRLF→LF
}

// Build locks paths (files, directories or .dvc files), recording paths
// relative to base, the lock file's directory.
func Build(ctx context.Context, base string, paths []string, opt Options) (*Manifest, error) {
	m := &Manifest{Schema: Schema}
	var jobs []job
	var problems []string
	for _, p := range paths {
		rel, err := relTo(base, p)
		if err != nil {
			return nil, err
		}
		m.Roots = append(m.Roots, rel)
		if strings.HasSuffix(p, ".dvc") {
			js, err := dvcJobs(base, p)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, js...)
			continue
		}
		js, skips, err := walk(base, p)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, js...)
		m.Skipped = append(m.Skipped, skips...)
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].rel < jobs[j].rel })
	for i := 1; i < len(jobs); i++ {
		if jobs[i].rel == jobs[i-1].rel {
			jobs = append(jobs[:i], jobs[i+1:]...)
			i--
		}
	}
	entries, err := hashAll(ctx, jobs, opt)
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		if d := jobs[i].dvc; d != nil && e.DVC != nil && e.DVC.MD5 != d.MD5 {
			problems = append(problems, fmt.Sprintf("%s: md5 %s does not match %s, which %s records", e.Path, e.DVC.MD5, d.MD5, d.File))
		}
		if d := jobs[i].dvc; d != nil {
			entries[i].DVC = &DVCRef{File: d.File, MD5: d.MD5, Cache: d.Cache}
		}
	}
	if len(problems) > 0 {
		return nil, &MismatchError{Problems: problems}
	}
	m.Files = entries
	m.Root = RootDigest(entries)
	sort.Slice(m.Skipped, func(i, j int) bool { return m.Skipped[i].Path < m.Skipped[j].Path })
	return m, nil
}

// MismatchError lists DVC-tracked files whose bytes do not match the md5
// their .dvc file records: the dataset is not the one DVC pinned, and it
// is not locked.
type MismatchError struct{ Problems []string }

func (e *MismatchError) Error() string {
	return "DVC-tracked files do not match their .dvc digests:\n  " + strings.Join(e.Problems, "\n  ")
}

// relTo makes p relative to base, slash-separated.
func relTo(base, p string) (string, error) {
	ab, err := filepath.Abs(base)
	if err != nil {
		return "", err
	}
	ap, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	r, err := filepath.Rel(ab, ap)
	if err != nil {
		return "", fmt.Errorf("%s: cannot be expressed relative to %s: %v", p, base, err)
	}
	return filepath.ToSlash(r), nil
}

// walk lists the regular files under p; links and special files are
// skipped with a reason. Links are never followed, the root included.
func walk(base, p string) ([]job, []Skip, error) {
	var jobs []job
	var skips []Skip
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, nil, err
	}
	add := func(osPath string, mode fs.FileMode) error {
		rel, err := relTo(base, osPath)
		if err != nil {
			return err
		}
		switch {
		case mode&fs.ModeSymlink != 0:
			to, _ := os.Readlink(osPath)
			skips = append(skips, Skip{Path: rel, Reason: "symbolic link to " + to + ", not followed"})
		case mode.IsRegular():
			jobs = append(jobs, job{rel: rel, os: osPath})
		case !mode.IsDir():
			skips = append(skips, Skip{Path: rel, Reason: "not a regular file (" + mode.Type().String() + ")"})
		}
		return nil
	}
	if !fi.IsDir() {
		return jobs, skips, add(p, fi.Mode())
	}
	err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
		if d.IsDir() {
			if q != p && (d.Name() == ".git" || d.Name() == ".dvc") {
				return filepath.SkipDir
			}
			return nil
		}
		if isLockFile(q) {
			return nil // a lock file inside the tree it locks would change with every relock
		}
		return add(q, d.Type())
	})
	return jobs, skips, err
}

// openNoFollow opens a file for reading, refusing a symbolic link in its
// last element (a file swapped for a link between the walk and the read).
func openNoFollow(p string) (*os.File, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("%s: is a symbolic link; links are not followed", p)
		}
		return nil, err
	}
	return f, nil
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// hashAll hashes the jobs on opt.Jobs workers; results are in job order.
func hashAll(ctx context.Context, jobs []job, opt Options) ([]Entry, error) {
	return pool(ctx, len(jobs), opt, func(ctx context.Context, i int, progress func(int)) (Entry, error) {
		return hashOne(ctx, jobs[i], opt.Limits, progress)
	})
}

// pool runs one(i) for i in [0, count) on opt.Jobs workers, reporting
// progress; results are in index order, and the first error stops it.
func pool(ctx context.Context, count int, opt Options, one func(ctx context.Context, i int, progress func(int)) (Entry, error)) ([]Entry, error) {
	n := opt.Jobs
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	out := make([]Entry, count)
	var next, done, bytes atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= count || ctx.Err() != nil {
					return
				}
				e, err := one(ctx, i, func(k int) {
					b := bytes.Add(int64(k))
					if opt.Progress != nil {
						opt.Progress(done.Load(), int64(count), b)
					}
				})
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				out[i] = e
				d := done.Add(1)
				if opt.Progress != nil {
					opt.Progress(d, int64(count), bytes.Load())
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// countingReader reports bytes read, for progress and cancellation.
type countingReader struct {
	r   io.Reader
	ctx context.Context
	n   func(int)
	acc int
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	k, err := c.r.Read(p)
	c.acc += k
	if c.acc >= 8<<20 {
		c.n(c.acc)
		c.acc = 0
	}
	return k, err
}

func (c *countingReader) flush() {
	if c.acc > 0 {
		c.n(c.acc)
		c.acc = 0
	}
}

func hashOne(ctx context.Context, j job, lim table.Limits, progress func(int)) (Entry, error) {
	e := Entry{Path: j.rel}
	f, err := openNoFollow(j.os)
	if err != nil {
		return e, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return e, err
	}
	if !st.Mode().IsRegular() {
		return e, fmt.Errorf("%s: not a regular file", j.os)
	}
	sum := sha256.New()
	var w io.Writer = sum
	var md hash.Hash
	var dos *dos2unix
	if j.dvc != nil {
		md = md5.New()
		w = io.MultiWriter(sum, md)
		if j.dvcDOS {
			dos = newDos2unix()
			w = io.MultiWriter(sum, md, dos)
		}
	}
	cr := &countingReader{r: f, ctx: ctx, n: progress}
	fm := table.FormatOf(j.rel) // by the entry's name: a DVC cache object has no extension
	e.Format = fmt.Sprint(fm)
	if fm == table.Unknown {
		e.Format = ""
	}
	switch fm {
	case table.CSV, table.TSV, table.JSONL:
		// One read: the table reader pulls the bytes through the hashes.
		tee := io.TeeReader(cr, w)
		profileInto(&e, fm, tee, 0, lim)
		buf := bufPool.Get().(*[]byte)
		_, err = io.CopyBuffer(w, cr, *buf) // whatever the table reader left
		bufPool.Put(buf)
	default:
		buf := bufPool.Get().(*[]byte)
		_, err = io.CopyBuffer(w, cr, *buf)
		bufPool.Put(buf)
		if err == nil && fm == table.Parquet {
			profileInto(&e, fm, io.NewSectionReader(f, 0, st.Size()), st.Size(), lim)
		}
	}
	cr.flush()
	if err != nil {
		return e, fmt.Errorf("%s: %w", j.os, err)
	}
	e.Size = st.Size()
	e.SHA256 = hex.EncodeToString(sum.Sum(nil))
	if md != nil {
		got := hex.EncodeToString(md.Sum(nil))
		if dos != nil && dos.text() && got != j.dvc.MD5 {
			got = dos.sum()
		}
		e.DVC = &DVCRef{MD5: got}
	}
	return e, nil
}

// profileInto reads a tabular file's rows and schema into e, or records
// why it could not.
func profileInto(e *Entry, fm table.Format, r io.Reader, size int64, lim table.Limits) {
	t, err := table.Open(fm, r, size, lim)
	if err != nil {
		e.Problem = err.Error()
		return
	}
	type counts struct{ n, missing, numeric int64 }
	var profs []counts
	var rows int64
	for {
		row, err := t.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			e.Problem = err.Error()
			return
		}
		rows++
		for len(profs) < len(row.Values) {
			profs = append(profs, counts{n: rows - 1, missing: rows - 1})
		}
		for i, v := range row.Values {
			p := &profs[i]
			p.n++
			if v == "" {
				p.missing++
			} else if _, ok := drift.ParseNumber(v); ok {
				p.numeric++
			}
		}
	}
	e.Rows = &rows
	for i, c := range t.Columns() {
		typ := "empty"
		if i < len(profs) {
			// The rule of drift.Profile.Type: numbers when 95% of the
			// non-empty cells are.
			p := profs[i]
			switch present := p.n - p.missing; {
			case present == 0:
			case float64(p.numeric) >= 0.95*float64(present):
				typ = "number"
			default:
				typ = "string"
			}
		}
		e.Columns = append(e.Columns, Column{Name: c, Type: typ})
	}
}

func lstatRegular(p string) (os.FileInfo, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("now a symbolic link, not followed")
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("no longer a regular file")
	}
	return fi, nil
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
