package pickle

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// bufSize is the read buffer. Arguments up to this size are peeked in place;
// longer ones are skipped by length and only a prefix is kept.
const bufSize = 64 << 10

// errTruncated marks a stream that ended inside an opcode.
var errTruncated = errors.New("truncated pickle")

// reader is a bufio.Reader that counts the bytes consumed, so every opcode
// gets an exact offset without asking the underlying reader.
type reader struct {
	br  *bufio.Reader
	off int64
}

func newReader(r io.Reader) *reader {
	return &reader{br: bufio.NewReaderSize(r, bufSize)}
}

// readByte returns the next byte; io.EOF only at a clean end of stream.
func (r *reader) readByte() (byte, error) {
	c, err := r.br.ReadByte()
	if err != nil {
		return 0, err
	}
	r.off++
	return c, nil
}

// peekByte returns the next byte without consuming it.
func (r *reader) peekByte() (byte, error) {
	b, err := r.br.Peek(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// next consumes exactly n bytes (n <= bufSize) and returns them. The slice is
// valid only until the next read.
func (r *reader) next(n int) ([]byte, error) {
	b, err := r.br.Peek(n)
	if err != nil {
		// Consume what there is so the offset says where the stream ended.
		d, _ := r.br.Discard(len(b))
		r.off += int64(d)
		return nil, r.eof(err)
	}
	d, _ := r.br.Discard(n)
	r.off += int64(d)
	return b, nil
}

// uint reads an n-byte little-endian unsigned integer (n <= 8).
func (r *reader) uint(n int) (uint64, error) {
	b, err := r.next(n)
	if err != nil {
		return 0, err
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v, nil
}

// prefix consumes an n-byte argument and returns at most max of its first
// bytes, copied: large arguments are skipped, never held whole.
func (r *reader) prefix(n uint64, max int) (string, error) {
	keep := max
	if n < uint64(keep) {
		keep = int(n)
	}
	var s string
	if keep > 0 {
		b, err := r.br.Peek(keep)
		if err != nil {
			d, _ := r.br.Discard(len(b))
			r.off += int64(d)
			return "", r.eof(err)
		}
		s = intern(b)
	}
	return s, r.skip(n)
}

// skip discards n bytes.
func (r *reader) skip(n uint64) error {
	for n > 0 {
		chunk := n
		if chunk > 1<<30 {
			chunk = 1 << 30
		}
		d, err := r.br.Discard(int(chunk))
		r.off += int64(d)
		n -= uint64(d)
		if err != nil {
			return r.eof(err)
		}
	}
	return nil
}

// line reads a protocol-0 argument up to and including '\n'. It returns at
// most max bytes of the line (without the newline) and whether it was cut.
// The returned slice is only valid until the next read unless copied.
func (r *reader) line(max int, scratch []byte) ([]byte, bool, error) {
	out := scratch[:0]
	cut := false
	for {
		b, err := r.br.ReadSlice('\n')
		r.off += int64(len(b))
		if err == nil {
			b = b[:len(b)-1]
		}
		if room := max - len(out); room > 0 {
			if len(b) > room {
				out = append(out, b[:room]...)
				cut = true
			} else {
				out = append(out, b...)
			}
		} else if len(b) > 0 {
			cut = true
		}
		if err == nil {
			return out, cut, nil
		}
		if err != bufio.ErrBufferFull {
			return nil, cut, r.eof(err)
		}
	}
}

// eof turns an end of stream inside an opcode into errTruncated.
func (r *reader) eof(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errTruncated
	}
	return fmt.Errorf("read error at offset %d: %w", r.off, err)
}
