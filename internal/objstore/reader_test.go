package objstore

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
)

// memory is an in-process backend for the Reader's own logic (spans,
// read-ahead, errors); the real stores are tested against real servers.
type memory struct {
	mu    sync.Mutex
	objs  map[string][]byte
	reads []int64 // lengths of the ranged reads served
	fail  error   // every read fails with it when set
}

func (m *memory) list(ctx context.Context, prefix string, fn func(Object) error) error { return nil }
func (m *memory) stat(ctx context.Context, key string) (Object, error) {
	return Object{Key: key, Size: int64(len(m.objs[key]))}, nil
}
func (m *memory) changed(err error) bool { return false }
func (m *memory) read(ctx context.Context, key, version string, off, n int64) (io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return nil, m.fail
	}
	m.reads = append(m.reads, n)
	b := m.objs[key]
	return io.NopCloser(bytes.NewReader(b[off:min(off+n, int64(len(b)))])), nil
}
func (m *memory) sha256(ctx context.Context, key string) (string, bool, error) { return "", false, nil }
func (m *memory) permanent(err error) bool                                     { return false }
func (m *memory) notFound(err error) bool                                      { return false }

func memStore(obj []byte) (*Store, *memory) {
	m := &memory{objs: map[string][]byte{"k": obj}}
	return &Store{Location: Location{Scheme: "s3", Bucket: "b"}, be: m, opts: Options{Timeout: DefaultTimeout, Attempts: 2}}, m
}

// Reads at random offsets and lengths return exactly the object's bytes,
// and io.EOF past its end, as a file's ReadAt does.
func TestReaderReadAtMatchesTheBytes(t *testing.T) {
	obj := make([]byte, 40<<20+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range obj {
		obj[i] = byte(rng.Uint32())
	}
	s, _ := memStore(obj)
	r := s.Open("k", int64(len(obj)))
	defer r.Close()
	for i := 0; i < 2000; i++ {
		off := rng.Int64N(int64(len(obj)) + 10)
		n := rng.IntN(1 << 16)
		if i%50 == 0 {
			n = rng.IntN(20 << 20) // larger than a span
		}
		buf := make([]byte, n)
		got, err := r.ReadAt(buf, off)
		wantN := max(0, min(n, len(obj)-int(min(off, int64(len(obj))))))
		if got != wantN || !bytes.Equal(buf[:got], obj[off:off+int64(got)]) {
			t.Fatalf("ReadAt(%d bytes at %d) = %d, want %d bytes", n, off, got, wantN)
		}
		if (got < n) != (err == io.EOF) {
			t.Fatalf("ReadAt(%d bytes at %d): %d read, err %v", n, off, got, err)
		}
	}
}

// Streaming a large object makes a few requests per span size and reads
// every byte once: the requests double from 256 KiB to 8 MiB.
func TestReaderStreamsInGrowingSpans(t *testing.T) {
	obj := bytes.Repeat([]byte("0123456789abcdef"), 100<<20/16)
	s, m := memStore(obj)
	r := s.Open("k", int64(len(obj)))
	var out bytes.Buffer
	buf := make([]byte, 4096) // as a parser's bufio.Reader asks
	for {
		n, err := r.Read(buf)
		out.Write(buf[:n])
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
	if !bytes.Equal(out.Bytes(), obj) {
		t.Fatal("streamed bytes differ")
	}
	var total int64
	for _, n := range m.reads {
		total += n
		if n > maxSpan {
			t.Errorf("a request of %d bytes, over the span bound", n)
		}
	}
	if total != int64(len(obj)) || len(m.reads) > 20 {
		t.Errorf("%d requests for %d bytes (read %d): %v", len(m.reads), len(obj), total, m.reads)
	}
	if m.reads[0] != minSpan {
		t.Errorf("first request %d bytes, want %d", m.reads[0], minSpan)
	}
}

// A failed read is reported, and sticks: the parser cannot take a later
// short read for the end of the object.
func TestReaderFailureSticks(t *testing.T) {
	s, m := memStore(make([]byte, 1<<20))
	m.fail = errors.New("connection reset")
	r := s.Open("k", 1<<20)
	if _, err := r.ReadAt(make([]byte, 10), 0); err == nil || r.Err() == nil {
		t.Fatalf("read error %v, Err %v", err, r.Err())
	}
	m.fail = nil
	if _, err := r.ReadAt(make([]byte, 10), 100); err == nil {
		t.Error("a read after a failure succeeded")
	}
}

// FuzzReaderReadAt: any sequence of reads returns the object's bytes.
func FuzzReaderReadAt(f *testing.F) {
	f.Add(uint32(3<<20), []byte{0, 1, 2, 3, 200, 100, 7, 9})
	f.Add(uint32(100), []byte{255, 255, 0, 0})
	f.Fuzz(func(t *testing.T, size uint32, ops []byte) {
		size %= 20 << 20
		obj := make([]byte, size)
		for i := range obj {
			obj[i] = byte(i * 7)
		}
		s, _ := memStore(obj)
		r := s.Open("k", int64(size))
		defer r.Close()
		for i := 0; i+1 < len(ops); i += 2 {
			off := int64(ops[i]) * int64(size) / 255
			n := int(ops[i+1]) * 65536 / 255
			buf := make([]byte, n)
			got, _ := r.ReadAt(buf, off)
			if off+int64(got) > int64(size) || !bytes.Equal(buf[:got], obj[off:off+int64(got)]) {
				t.Fatalf("ReadAt(%d at %d) wrong", n, off)
			}
			if got < n && off+int64(got) != int64(size) {
				t.Fatalf("short read %d of %d at %d before the end", got, n, off)
			}
		}
	})
}
