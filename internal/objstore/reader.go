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
	// parser that reads a little behind itself. With the one span read
	// ahead, memory per open object is bounded by (spans+1)*maxSpan
	// whatever the object's size.
	spans = 2
)

// Reader reads one object at offsets, through ranged requests and a small
// cache of recent spans. Once reads are sequential it fetches the next
// span while the parser works on this one, so a stream of requests and
// the analysis overlap. It is a source.Handle: safe for concurrent ReadAt,
// with Read for sequential use.
type Reader struct {
	s       *Store
	key     string
	version string // "" reads whatever is there
	size    int64
	ctx     context.Context
	cancel  context.CancelFunc

	mu    sync.Mutex
	cache []span // most recent last
	next  int64  // size of the next sequential request
	end   int64  // where the last request ended
	pos   int64  // Read's offset
	err   error  // the first failed request
	ahead *pending
	spare []byte // an evicted span's buffer, for the next fetch
}

type span struct {
	off  int64
	data []byte
}

// pending is a span being fetched ahead of the reader.
type pending struct {
	off  int64
	data []byte
	err  error
	done chan struct{}
}

// Open returns a Reader for key, whose size is known from the listing.
// Nothing is fetched until the first read. The reads are of the version
// the store's Walk listed, when it listed this key.
func (s *Store) Open(key string, size int64) *Reader {
	version := ""
	if s.versions != nil {
		if v, ok := s.versions.Load(key); ok {
			version = v.(string)
		}
	}
	return s.OpenObject(Object{Key: key, Size: size, Version: version})
}

// OpenObject returns a Reader for one listed object, pinned to its version.
func (s *Store) OpenObject(o Object) *Reader {
	ctx, cancel := context.WithCancel(context.Background())
	return &Reader{s: s, key: o.Key, version: o.Version, size: o.Size, ctx: ctx, cancel: cancel, next: minSpan}
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
			r.end = at + want
			continue
		}
		sequential := at == r.end
		if !sequential {
			r.next = minSpan // a jump: start small again
		}
		if buf, ok := r.takeAhead(at); ok {
			r.keep(span{at, buf})
		} else {
			buf := r.buffer(min(max(r.next, want), r.size-at))
			if err := r.fetch(buf, at); err != nil {
				return n, err
			}
			r.keep(span{at, buf})
		}
		r.next = min(r.next*2, maxSpan)
		if sequential && r.next == maxSpan {
			r.readAhead()
		}
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

// keep caches a span, evicting the oldest and keeping its buffer for
// reuse: a 10 GB pickle streams through the same few buffers instead of
// leaving a trail of garbage behind.
func (r *Reader) keep(s span) {
	if len(r.cache) == spans {
		if cap(r.cache[0].data) == maxSpan {
			r.spare = r.cache[0].data[:maxSpan]
		}
		r.cache = append(r.cache[:0], r.cache[1:]...)
	}
	r.cache = append(r.cache, s)
	r.end = s.off + int64(len(s.data))
}

// buffer returns a buffer of n bytes, the spare one when it fits.
func (r *Reader) buffer(n int64) []byte {
	if r.spare != nil && int64(cap(r.spare)) >= n {
		b := r.spare[:n]
		r.spare = nil
		return b
	}
	if n == maxSpan || n > maxSpan/2 {
		return make([]byte, n, maxSpan)
	}
	return make([]byte, n)
}

// readAhead starts fetching the span after the last one.
func (r *Reader) readAhead() {
	if r.ahead != nil || r.end >= r.size {
		return
	}
	p := &pending{off: r.end, data: r.buffer(min(maxSpan, r.size-r.end)), done: make(chan struct{})}
	r.ahead = p
	go func() {
		p.err = r.s.readRange(r.ctx, r.key, r.version, p.data, p.off)
		close(p.done)
	}()
}

// takeAhead returns the span read ahead when it starts at off. A failed
// read ahead is dropped: the span is fetched again in the open, so that
// its failure is retried and reported like any other read.
func (r *Reader) takeAhead(off int64) ([]byte, bool) {
	p := r.ahead
	if p == nil {
		return nil, false
	}
	<-p.done
	r.ahead = nil
	if p.err != nil || p.off != off {
		return nil, false
	}
	return p.data, true
}

func (r *Reader) fetch(p []byte, off int64) error {
	if err := r.s.readRange(r.ctx, r.key, r.version, p, off); err != nil {
		r.err = err
		return err
	}
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

// Close stops a read ahead and drops the cached spans.
func (r *Reader) Close() error {
	r.cancel()
	r.mu.Lock()
	r.cache, r.spare, r.ahead = nil, nil, nil
	r.mu.Unlock()
	return nil
}
