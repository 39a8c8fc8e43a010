// Package npy reads the header of NumPy .npy files without evaluating it.
//
// The header is a Python dict literal. NumPy parses it with
// ast.literal_eval; this package has its own small literal parser that
// accepts only strings, numbers, booleans, None, tuples, lists and dicts,
// with bounded size and nesting, so a hostile header can neither run code
// nor exhaust memory. Object arrays ('O' dtype) are stored as a pickle after
// the header; Header.HasObject tells the caller to scan it as one.
package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Magic starts every .npy file.
const Magic = "\x93NUMPY"

// MaxHeader bounds the header length this package accepts. NumPy itself
// refuses headers over 10000 bytes unless told otherwise.
const MaxHeader = 1 << 20

// Header is a parsed .npy header.
type Header struct {
	Major, Minor int
	Descr        Value // a string such as "<f8", or a list of fields for structured dtypes
	FortranOrder bool
	Shape        []int64
	HasObject    bool // the dtype holds Python objects: the data is a pickle
	// MaybeObject is set when the dtype, or the whole header, could not be
	// classified: numpy may still read the data as a pickle, so the caller
	// should look at it.
	MaybeObject bool
	DataOffset  int64 // where the array data (or the pickle) starts
}

// IsNPY reports whether head starts with the .npy magic.
func IsNPY(head []byte) bool { return bytes.HasPrefix(head, []byte(Magic)) }

// ReadHeader reads and parses the header at the start of r.
func ReadHeader(r io.Reader) (*Header, error) {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return nil, errors.New("npy: file shorter than its magic")
	}
	if string(pre[:6]) != Magic {
		return nil, errors.New("npy: bad magic")
	}
	h := &Header{Major: int(pre[6]), Minor: int(pre[7])}
	var n int64
	switch h.Major {
	case 1:
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return nil, errors.New("npy: truncated header length")
		}
		n = int64(binary.LittleEndian.Uint16(pre[8:10]))
		h.DataOffset = 10 + n
	case 2, 3:
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return nil, errors.New("npy: truncated header length")
		}
		n = int64(binary.LittleEndian.Uint32(l[:]))
		h.DataOffset = 12 + n
	default:
		return nil, fmt.Errorf("npy: unknown format version %d.%d", h.Major, h.Minor)
	}
	if n > MaxHeader {
		// numpy.load(allow_pickle=True) lifts its own header limit, so the
		// data after such a header may still be unpickled: skip the header
		// without holding it and hand back where the data starts.
		err := fmt.Errorf("npy: header of %d bytes is over the %d byte limit", n, MaxHeader)
		if _, cerr := io.CopyN(io.Discard, r, n); cerr != nil {
			return nil, fmt.Errorf("%w, and truncated", err)
		}
		h.MaybeObject = true
		return h, err
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("npy: header truncated (declared %d bytes)", n)
	}
	if err := h.parse(buf); err != nil {
		// This parser accepts a subset of ast.literal_eval: a header it
		// rejects may still load. The data offset is known, so say so.
		h.MaybeObject = true
		return h, err
	}
	return h, nil
}

// ParseHeader parses a header dict literal, as found after the length field.
func ParseHeader(b []byte) (*Header, error) {
	h := &Header{Major: 1}
	return h, h.parse(b)
}

func (h *Header) parse(b []byte) error {
	v, err := ParseLiteral(string(b))
	if err != nil {
		return fmt.Errorf("npy: header: %w", err)
	}
	if v.Kind != Dict {
		return errors.New("npy: header is not a dict")
	}
	var seen int
	for i := 0; i+1 < len(v.Items); i += 2 {
		k, val := v.Items[i], v.Items[i+1]
		if k.Kind != Str {
			return errors.New("npy: header key is not a string")
		}
		switch k.S {
		case "descr":
			seen |= 1
			h.Descr = val
			h.HasObject, h.MaybeObject = hasObject(val, 0)
		case "fortran_order":
			seen |= 2
			if val.Kind != Bool {
				return errors.New("npy: fortran_order is not a bool")
			}
			h.FortranOrder = val.B
		case "shape":
			seen |= 4
			if val.Kind != Tuple {
				return errors.New("npy: shape is not a tuple")
			}
			for _, d := range val.Items {
				if d.Kind != Int || d.I < 0 {
					return errors.New("npy: shape holds something other than non-negative ints")
				}
				h.Shape = append(h.Shape, d.I)
			}
		default:
			return fmt.Errorf("npy: unexpected header key %q", k.S)
		}
	}
	if seen != 7 {
		return errors.New("npy: header lacks descr, fortran_order or shape")
	}
	return nil
}

// hasObject reports whether a dtype description holds the object type,
// anywhere in a structured dtype (obj), or could not be classified (maybe).
func hasObject(v Value, depth int) (obj, maybe bool) {
	if depth > maxDepth {
		return true, false // absurd nesting: assume the worst
	}
	switch v.Kind {
	case Str:
		return dtypeString(v.S)
	case List:
		// Fields: (name, dtype) or (name, dtype, shape); name may be a (title, name) tuple.
		for _, f := range v.Items {
			if f.Kind != Tuple || len(f.Items) < 2 {
				return true, false
			}
			o, m := hasObject(f.Items[1], depth+1)
			if o {
				return true, false
			}
			maybe = maybe || m
		}
		return false, maybe
	case Dict:
		// {'names': [...], 'formats': [...], ...}: any format with O.
		for i := 0; i+1 < len(v.Items); i += 2 {
			if v.Items[i].Kind == Str && v.Items[i].S == "formats" && v.Items[i+1].Kind == List {
				for _, f := range v.Items[i+1].Items {
					o, m := hasObject(f, depth+1)
					if o {
						return true, false
					}
					maybe = maybe || m
				}
			}
		}
		return false, maybe
	}
	return true, false
}

// plainDtype matches the type strings numpy writes for non-object arrays
// (dtype.str): byte order, one type code, an item size, a datetime unit.
var plainDtype = regexp.MustCompile(`^[<>|=]?[?bBhHiIlLqQpPefdgFDGSaUVMmuc][0-9]{0,4}(\[[0-9]*[A-Za-z]{1,7}\])?$`)

// dtypeString classifies a dtype given as a string, as numpy.dtype() reads
// it. numpy accepts more spellings than it writes — type names ('object'),
// comma strings ('i4, O'), subarrays ('(2,)O') — so anything that is not a
// plain type string is either an object dtype (it names O or object) or
// unknown.
func dtypeString(s string) (obj, maybe bool) {
	if strings.Contains(s, "O") || strings.Contains(strings.ToLower(s), "object") {
		return true, false
	}
	if plainDtype.MatchString(s) {
		return false, false
	}
	return false, true
}
