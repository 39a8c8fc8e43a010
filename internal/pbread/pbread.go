// Package pbread walks the fields of a protobuf message stored in a file,
// through an io.ReaderAt, without loading it: length-delimited payloads
// are visited by offset, so a model whose tensors hold gigabytes is walked
// reading only tags, lengths and the small fields a caller asks for.
// Decoding of tags and varints is protowire's; no generated code is used.
package pbread

import (
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field is one field of a message. For a length-delimited field, Off and
// Len locate its payload in the file.
type Field struct {
	Num    protowire.Number
	Type   protowire.Type
	Varint uint64 // varint and fixed values
	Off    int64
	Len    int64
}

// Error is malformed wire data at an offset.
type Error struct {
	Off int64
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Off, e.Msg) }

// ErrBudget is returned when a walk visits more fields than allowed: a
// hostile file can declare millions of tiny fields.
var ErrBudget = errors.New("too many protobuf fields")

const page = 64 << 10

// Reader reads messages from a file of Size bytes.
type Reader struct {
	r      io.ReaderAt
	Size   int64
	buf    []byte
	bufOff int64
	// Budget is the number of fields still allowed to be visited.
	Budget int
}

// New returns a Reader over r.
func New(r io.ReaderAt, size int64, budget int) *Reader {
	return &Reader{r: r, Size: size, bufOff: -1, Budget: budget}
}

// at returns up to n bytes at off from the page cache.
func (r *Reader) at(off int64, n int) []byte {
	if r.bufOff < 0 || off < r.bufOff || off+int64(n) > r.bufOff+int64(len(r.buf)) {
		if r.buf == nil {
			r.buf = make([]byte, page)
		}
		m, _ := r.r.ReadAt(r.buf[:cap(r.buf)], off)
		r.buf = r.buf[:m]
		r.bufOff = off
	}
	b := r.buf[off-r.bufOff:]
	if len(b) > n {
		b = b[:n]
	}
	return b
}

// Walk calls fn for every field of the message in [off, end). fn may
// return an error to stop.
func (r *Reader) Walk(off, end int64, fn func(Field) error) error {
	if end > r.Size {
		return &Error{off, "message runs past the end of the file"}
	}
	for off < end {
		r.Budget--
		if r.Budget < 0 {
			return ErrBudget
		}
		b := r.at(off, 20)
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return &Error{off, "bad field tag"}
		}
		f := Field{Num: num, Type: typ}
		off += int64(n)
		b = b[n:]
		switch typ {
		case protowire.VarintType:
			v, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return &Error{off, "bad varint"}
			}
			f.Varint, off = v, off+int64(m)
		case protowire.Fixed32Type:
			v, m := protowire.ConsumeFixed32(r.at(off, 4))
			if m < 0 {
				return &Error{off, "truncated fixed32"}
			}
			f.Varint, off = uint64(v), off+4
		case protowire.Fixed64Type:
			v, m := protowire.ConsumeFixed64(r.at(off, 8))
			if m < 0 {
				return &Error{off, "truncated fixed64"}
			}
			f.Varint, off = v, off+8
		case protowire.BytesType:
			l, m := protowire.ConsumeVarint(b)
			if m < 0 {
				return &Error{off, "bad length"}
			}
			off += int64(m)
			if l > uint64(end-off) {
				return &Error{off, fmt.Sprintf("field %d length %d runs past its message", num, l)}
			}
			f.Off, f.Len = off, int64(l)
			off += int64(l)
		default:
			return &Error{off, fmt.Sprintf("unsupported wire type %d", typ)}
		}
		if off > end {
			return &Error{off, "field runs past its message"}
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// Bytes returns a length-delimited field's payload, at most max bytes of
// it (the rest is not read).
func (r *Reader) Bytes(f Field, max int) []byte {
	n := min(f.Len, int64(max))
	out := make([]byte, n)
	m, _ := r.r.ReadAt(out, f.Off)
	return out[:m]
}

// String returns a string field, truncated at max bytes.
func (r *Reader) String(f Field, max int) string { return string(r.Bytes(f, max)) }
