// Package safetensors validates the header of a safetensors file without
// reading its tensor data: the 8-byte length prefix, the JSON header, and
// for every tensor that its dtype and shape agree with its byte range and
// that the ranges lie inside the data area without overlapping.
//
// Only the header is read (at most MaxHeader bytes), so a file of any size
// is checked in constant time and memory beyond its header.
package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"slices"
	"sort"
)

// MaxHeader is the largest JSON header accepted. The reference loader
// refuses headers over 100 MB; a larger one is a memory-exhaustion attempt.
const MaxHeader = 100 << 20

// maxRank bounds a tensor's dimensions: no framework goes past 64.
const maxRank = 64

// dtypeBits is the element width of every dtype the reference
// implementation knows, in bits (F4/F6 pack below a byte).
var dtypeBits = map[string]uint64{
	"BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8,
	"I16": 16, "U16": 16, "F16": 16, "BF16": 16,
	"I32": 32, "U32": 32, "F32": 32,
	"I64": 64, "U64": 64, "F64": 64,
	"C64": 64, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}

// Tensor is one entry of the header.
type Tensor struct {
	Name  string
	DType string
	Shape []uint64
	Begin uint64 // offsets relative to the data area
	End   uint64
}

// Problem is one inconsistency in the header; the file is still usable as
// far as the rest of the header goes.
type Problem struct {
	Tensor string // empty for file-level problems
	Msg    string
}

// Header is a parsed and checked safetensors header.
type Header struct {
	Len      uint64            // JSON header length
	Metadata map[string]string // __metadata__, string values only
	Tensors  []Tensor          // in offset order
	Problems []Problem
}

// ErrNotSafetensors is returned when the prefix cannot be a safetensors
// header at all.
var ErrNotSafetensors = errors.New("not a safetensors file")

// Read parses and checks the header of a safetensors file of size bytes.
// A nil error with Problems means the header parsed but is inconsistent;
// an error means it could not be parsed (the loader would refuse it).
func Read(r io.ReaderAt, size int64) (*Header, error) {
	var pre [8]byte
	if size < 8 {
		return nil, ErrNotSafetensors
	}
	if _, err := r.ReadAt(pre[:], 0); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint64(pre[:])
	if n > MaxHeader {
		return nil, fmt.Errorf("header length %d is over the %d-byte limit", n, MaxHeader)
	}
	if n+8 > uint64(size) {
		return nil, fmt.Errorf("header length %d runs past the end of the %d-byte file", n, size)
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, 8); err != nil {
		return nil, err
	}
	h, err := Parse(buf, uint64(size)-8-n)
	if h != nil {
		h.Len = n
	}
	return h, err
}

// Parse checks a JSON header whose data area is dataLen bytes long.
func Parse(header []byte, dataLen uint64) (*Header, error) {
	if len(bytes.TrimSpace(header)) == 0 || bytes.TrimSpace(header)[0] != '{' {
		return nil, errors.New("header is not a JSON object")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(header, &raw); err != nil {
		return nil, fmt.Errorf("header is not valid JSON: %v", err)
	}
	h := &Header{}
	for _, name := range sortedKeys(raw) {
		v := raw[name]
		if name == "__metadata__" {
			var md map[string]any
			if err := json.Unmarshal(v, &md); err != nil {
				h.Problems = append(h.Problems, Problem{Msg: "__metadata__ is not a JSON object"})
				continue
			}
			h.Metadata = map[string]string{}
			for k, x := range md {
				s, ok := x.(string)
				if !ok {
					// The reference loader requires string values.
					h.Problems = append(h.Problems, Problem{Msg: fmt.Sprintf("__metadata__ value %q is not a string", k)})
					continue
				}
				h.Metadata[k] = s
			}
			continue
		}
		var t struct {
			DType   string          `json:"dtype"`
			Shape   []uint64        `json:"shape"`
			Offsets json.RawMessage `json:"data_offsets"`
		}
		if err := json.Unmarshal(v, &t); err != nil {
			h.Problems = append(h.Problems, Problem{name, "entry is not a tensor description: " + shortErr(err)})
			continue
		}
		var off []uint64
		if err := json.Unmarshal(t.Offsets, &off); err != nil || len(off) != 2 {
			h.Problems = append(h.Problems, Problem{name, "data_offsets is not a pair of non-negative integers"})
			continue
		}
		ten := Tensor{Name: name, DType: t.DType, Shape: t.Shape, Begin: off[0], End: off[1]}
		h.Tensors = append(h.Tensors, ten)
		if p := checkTensor(ten, dataLen); p != "" {
			h.Problems = append(h.Problems, Problem{name, p})
		}
	}
	sort.SliceStable(h.Tensors, func(i, j int) bool { return h.Tensors[i].Begin < h.Tensors[j].Begin })
	// Overlap: with ranges sorted by start, any range starting before the
	// furthest end seen so far overlaps. Two names on the same bytes let one
	// tensor's weights be silently aliased to another's.
	var far uint64
	farName := ""
	for _, t := range h.Tensors {
		if t.Begin < far && t.End > t.Begin {
			h.Problems = append(h.Problems, Problem{t.Name, fmt.Sprintf("byte range [%d, %d) overlaps tensor %q", t.Begin, t.End, farName)})
		}
		if t.End > far {
			far, farName = t.End, t.Name
		}
	}
	return h, nil
}

func checkTensor(t Tensor, dataLen uint64) string {
	bitsPer, ok := dtypeBits[t.DType]
	if !ok {
		return fmt.Sprintf("unknown dtype %q", t.DType)
	}
	if len(t.Shape) > maxRank {
		return fmt.Sprintf("shape has %d dimensions", len(t.Shape))
	}
	if t.End < t.Begin {
		return fmt.Sprintf("data_offsets [%d, %d) end before they begin", t.Begin, t.End)
	}
	if t.End > dataLen {
		return fmt.Sprintf("data_offsets [%d, %d) run past the %d-byte data area", t.Begin, t.End, dataLen)
	}
	elems := uint64(1)
	for _, d := range t.Shape {
		hi, lo := bits.Mul64(elems, d)
		if hi != 0 {
			return "shape overflows: element count past 2^64"
		}
		elems = lo
	}
	hi, total := bits.Mul64(elems, bitsPer)
	if hi != 0 {
		return "shape overflows: byte size past 2^64"
	}
	if total%8 != 0 {
		return fmt.Sprintf("%d elements of %s do not fill whole bytes", elems, t.DType)
	}
	if want := total / 8; want != t.End-t.Begin {
		return fmt.Sprintf("dtype %s and shape %v need %d bytes, data_offsets give %d", t.DType, t.Shape, want, t.End-t.Begin)
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}
