// Package gguf reads the key-value metadata of a llama.cpp GGUF file
// (versions 2 and 3) with bounds on every count and length, so a header
// that claims billions of entries or a terabyte string fails fast instead
// of allocating. Tensor data is never read.
package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Value types, as numbered by the GGUF specification.
const (
	TypeUint8 uint32 = iota
	TypeInt8
	TypeUint16
	TypeInt16
	TypeUint32
	TypeInt32
	TypeFloat32
	TypeBool
	TypeString
	TypeArray
	TypeUint64
	TypeInt64
	TypeFloat64
)

// Limits that keep a hostile header bounded. The largest real metadata
// (a 256k-entry vocabulary with its scores and merges) stays well inside.
const (
	MaxKV        = 1 << 16  // key-value pairs
	MaxKeyLen    = 1 << 16  // bytes in a key
	MaxString    = 16 << 20 // bytes in one string value (chat templates are a few KiB)
	MaxArray     = 1 << 24  // elements in one array
	maxArrayNest = 4
	// MaxKeptString bounds what is kept of a string that is returned to
	// the caller; longer strings are read through and truncated.
	MaxKeptString = 1 << 20
)

// KV is one metadata entry. Scalars are in Value (uint64, int64, float64,
// bool or string); arrays keep only their element type and length, and
// their strings when Strings is asked for.
type KV struct {
	Key     string
	Type    uint32
	Value   any
	ArrType uint32
	ArrLen  uint64
	Offset  int64 // where the entry starts in the file
}

// File is the parsed header.
type File struct {
	Version     uint32
	TensorCount uint64
	KV          []KV
}

// Error is a malformed header, with the byte offset where reading stopped.
type Error struct {
	Offset int64
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// ErrNotGGUF means the magic is missing.
var ErrNotGGUF = errors.New("not a GGUF file (magic missing)")

type reader struct {
	br   *bufio.Reader
	off  int64
	size int64
}

func (r *reader) fail(format string, a ...any) error {
	return &Error{Offset: r.off, Msg: fmt.Sprintf(format, a...)}
}

func (r *reader) read(p []byte) error {
	n, err := io.ReadFull(r.br, p)
	r.off += int64(n)
	if err != nil {
		return r.fail("truncated header")
	}
	return nil
}

func (r *reader) u32() (uint32, error) {
	var b [4]byte
	err := r.read(b[:])
	return binary.LittleEndian.Uint32(b[:]), err
}

func (r *reader) u64() (uint64, error) {
	var b [8]byte
	err := r.read(b[:])
	return binary.LittleEndian.Uint64(b[:]), err
}

func (r *reader) skip(n uint64) error {
	if n > uint64(r.size-r.off) {
		return r.fail("length %d runs past the end of the file", n)
	}
	d, err := r.br.Discard(int(n))
	r.off += int64(d)
	if err != nil {
		return r.fail("truncated header")
	}
	return nil
}

// str reads a length-prefixed string, keeping at most keep bytes.
func (r *reader) str(limit uint64, keep int) (string, error) {
	n, err := r.u64()
	if err != nil {
		return "", err
	}
	if n > limit {
		return "", r.fail("string of %d bytes is over the %d-byte limit", n, limit)
	}
	if n > uint64(r.size-r.off) {
		return "", r.fail("string of %d bytes runs past the end of the file", n)
	}
	k := min(n, uint64(keep))
	b := make([]byte, k)
	if err := r.read(b); err != nil {
		return "", err
	}
	return string(b), r.skip(n - k)
}

var scalarSize = map[uint32]uint64{
	TypeUint8: 1, TypeInt8: 1, TypeBool: 1, TypeUint16: 2, TypeInt16: 2,
	TypeUint32: 4, TypeInt32: 4, TypeFloat32: 4, TypeUint64: 8, TypeInt64: 8, TypeFloat64: 8,
}

func (r *reader) scalar(t uint32) (any, error) {
	n := scalarSize[t]
	var b [8]byte
	if err := r.read(b[:n]); err != nil {
		return nil, err
	}
	switch t {
	case TypeUint8:
		return uint64(b[0]), nil
	case TypeInt8:
		return int64(int8(b[0])), nil
	case TypeBool:
		return b[0] != 0, nil
	case TypeUint16:
		return uint64(binary.LittleEndian.Uint16(b[:])), nil
	case TypeInt16:
		return int64(int16(binary.LittleEndian.Uint16(b[:]))), nil
	case TypeUint32:
		return uint64(binary.LittleEndian.Uint32(b[:])), nil
	case TypeInt32:
		return int64(int32(binary.LittleEndian.Uint32(b[:]))), nil
	case TypeFloat32:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b[:]))), nil
	case TypeUint64:
		return binary.LittleEndian.Uint64(b[:]), nil
	case TypeInt64:
		return int64(binary.LittleEndian.Uint64(b[:])), nil
	default:
		return math.Float64frombits(binary.LittleEndian.Uint64(b[:])), nil
	}
}

// array reads through an array; strings of an array are kept when keep
// is set (the caller asked for them), others are skipped.
func (r *reader) array(depth int, keep func(string)) (uint32, uint64, error) {
	if depth > maxArrayNest {
		return 0, 0, r.fail("arrays nested more than %d deep", maxArrayNest)
	}
	et, err := r.u32()
	if err != nil {
		return 0, 0, err
	}
	n, err := r.u64()
	if err != nil {
		return 0, 0, err
	}
	if n > MaxArray {
		return 0, 0, r.fail("array of %d elements is over the %d limit", n, MaxArray)
	}
	switch {
	case scalarSize[et] > 0:
		return et, n, r.skip(n * scalarSize[et])
	case et == TypeString:
		// Each string costs at least its 8-byte length, so the count alone
		// is checked against the file before reading any.
		if n*8 > uint64(r.size-r.off) {
			return 0, 0, r.fail("array of %d strings cannot fit in the file", n)
		}
		for range n {
			s, err := r.str(MaxString, MaxKeptString)
			if err != nil {
				return 0, 0, err
			}
			if keep != nil {
				keep(s)
			}
		}
	case et == TypeArray:
		if n*12 > uint64(r.size-r.off) {
			return 0, 0, r.fail("array of %d arrays cannot fit in the file", n)
		}
		for range n {
			if _, _, err := r.array(depth+1, keep); err != nil {
				return 0, 0, err
			}
		}
	default:
		return 0, 0, r.fail("unknown array element type %d", et)
	}
	return et, n, nil
}

// Read parses the header of a GGUF file of size bytes. keepArray, when
// non-nil, is asked for each array key whether its strings are wanted and
// receives them through KV.Value as []string.
func Read(ra io.ReaderAt, size int64, keepArray func(key string) bool) (*File, error) {
	r := &reader{br: bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), 64<<10), size: size}
	var magic [4]byte
	if err := r.read(magic[:]); err != nil || string(magic[:]) != "GGUF" {
		return nil, ErrNotGGUF
	}
	f := &File{}
	var err error
	if f.Version, err = r.u32(); err != nil {
		return nil, err
	}
	if f.Version != 2 && f.Version != 3 {
		// Version 1 used 32-bit lengths and is no longer loaded by llama.cpp;
		// a big-endian file shows a byte-swapped version here.
		return f, r.fail("unsupported GGUF version %d", f.Version)
	}
	if f.TensorCount, err = r.u64(); err != nil {
		return f, err
	}
	nkv, err := r.u64()
	if err != nil {
		return f, err
	}
	if nkv > MaxKV {
		return f, r.fail("%d key-value pairs is over the %d limit", nkv, MaxKV)
	}
	for range nkv {
		kv := KV{Offset: r.off}
		if kv.Key, err = r.str(MaxKeyLen, MaxKeyLen); err != nil {
			return f, err
		}
		if kv.Type, err = r.u32(); err != nil {
			return f, err
		}
		switch {
		case kv.Type == TypeString:
			if kv.Value, err = r.str(MaxString, MaxKeptString); err != nil {
				return f, err
			}
		case kv.Type == TypeArray:
			var kept []string
			var keep func(string)
			if keepArray != nil && keepArray(kv.Key) {
				keep = func(s string) { kept = append(kept, s) }
			}
			if kv.ArrType, kv.ArrLen, err = r.array(0, keep); err != nil {
				return f, err
			}
			if kept != nil {
				kv.Value = kept
			}
		case scalarSize[kv.Type] > 0:
			if kv.Value, err = r.scalar(kv.Type); err != nil {
				return f, err
			}
		default:
			return f, r.fail("key %q has unknown value type %d", kv.Key, kv.Type)
		}
		f.KV = append(f.KV, kv)
	}
	return f, nil
}

// String returns the string value of key, if present.
func (f *File) String(key string) (string, bool) {
	for _, kv := range f.KV {
		if kv.Key == key {
			s, ok := kv.Value.(string)
			return s, ok
		}
	}
	return "", false
}
