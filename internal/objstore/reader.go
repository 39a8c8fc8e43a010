package objstore

import (
	"context"
	"errors"
	"io"
	"sync"
)

// Span sizes: a reader's first request fetches minSpan bytes (a header,
// a small config file whole); each request that continues where the last
// one ended doubles, up to maxSpan, so a parser streaming through a large
// pickle makes a few dozen requests per gigabyte, while one that jumps
// (a zip's central directory, then one member) fetches little.
const (
	minSpan = 256 << 10
	maxSpan = 8 << 20
	// spans kept per reader: the current one and the one before, for a
	// parser that reads a little behind itself. Memory per open object is
	// bounded by spans*maxSpan whatever the object's size.
	spans = 2
)

// Reader reads one object at offsets, through ranged requests and a small
// cache of recent spans. It is a source.Handle: safe for concurrent ReadAt,
// with Read for sequential use.
type Reader struct {
	s    *Store
	key  string
	size int64
	ctx  context.Context

	mu    sync.Mutex
	cache []span // most recent last
	next  int64  // size of the next sequential request
	end   int64  // where the last request ended
	pos   int64  // Read's offset
	err   error  // the first failed request
}

type span struct {
	off  int64
	data []byte
}

// Open returns a Reader for key, whose size is known from the listing.
// Nothing is fetched until the first read.
func (s *Store) Open(key string, size int64) *Reader {
	return &Reader{s: s, key: key, size: size, ctx: context.Background(), next: minSpan}
}

// ReadAt reads len(p) bytes at off. Reads past the listed size end in
// io.EOF, as a file's would.
func (r *Reader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("objstore: negative offset")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return 0, r.err
	}
	n := 0
	for n < len(p) {
		at := off + int64(n)
		if at >= r.size {
			return n, io.EOF
		}
		if c := r.cached(at); c != nil {
			n += copy(p[n:], c)
			continue
		}
		want := min(int64(len(p)-n), r.size-at)
		if want > maxSpan {
			// A large read goes straight into the caller's buffer.
			if err := r.fetch(p[n:n+int(want)], at); err != nil {
				return n, err
			}
			n += int(want)
			continue
		}
		if at != r.end {
			r.next = minSpan // a jump: start small again
		}
		size := min(max(r.next, want), r.size-at)
		buf := make([]byte, size)
		if err := r.fetch(buf, at); err != nil {
			return n, err
		}
		r.next = min(r.next*2, maxSpan)
		if len(r.cache) == spans {
			r.cache = append(r.cache[:0], r.cache[1:]...)
		}
		r.cache = append(r.cache, span{at, buf})
	}
	return n, nil
}

// cached returns the cached bytes from off on, or nil.
func (r *Reader) cached(off int64) []byte {
	for i := len(r.cache) - 1; i >= 0; i-- {
		c := r.cache[i]
		if off >= c.off && off < c.off+int64(len(c.data)) {
			return c.data[off-c.off:]
		}
	}
	return nil
}

func (r *Reader) fetch(p []byte, off int64) error {
	err := r.s.ReadRange(r.ctx, r.key, p, off)
	if err != nil {
		r.err = err
		return err
	}
	r.end = off + int64(len(p))
	return nil
}

// Read reads sequentially from where the last Read ended.
func (r *Reader) Read(p []byte) (int, error) {
	r.mu.Lock()
	pos := r.pos
	r.mu.Unlock()
	if pos >= r.size {
		return 0, io.EOF
	}
	n, err := r.ReadAt(p[:min(int64(len(p)), r.size-pos)], pos)
	r.mu.Lock()
	r.pos += int64(n)
	r.mu.Unlock()
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// Err returns the first failed request, if any (source.ReadFailure).
func (r *Reader) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Close drops the cached spans.
func (r *Reader) Close() error {
	r.mu.Lock()
	r.cache = nil
	r.mu.Unlock()
	return nil
}
