package pickle

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// joblib's NumpyPickler writes each array's raw bytes straight into the
// pickle stream, right after the BUILD that gives a
// joblib.numpy_pickle.NumpyArrayWrapper its state: an optional alignment
// byte N and N bytes of 0xff padding, then shape×itemsize bytes, or for
// object arrays a complete nested pickle that joblib does unpickle. The
// machine follows that layout so joblib files scan cleanly and the nested
// pickle is scanned like any other.

const wrapperName = "joblib.numpy_pickle.NumpyArrayWrapper"

// maxNested bounds nested pickles inside joblib object arrays.
const maxNested = 4

// maxStateItems bounds the state dict entries kept for a wrapper.
const maxStateItems = 32

// isWrapper reports whether v is an instance being built of NumpyArrayWrapper.
func isWrapper(v *value) bool {
	return v.k == kCall && v.x.callee != nil && v.x.callee.k == kGlobal && v.x.callee.x.g.qual == wrapperName
}

// recordState keeps the key/value pairs set on the state dict of a wrapper
// (the dict directly above the wrapper instance on the stack).
func (m *machine) recordState(t *value, pairs []value) {
	n := len(m.stack)
	if t.k != kDict || n < 2 || n-2 < m.base() || !isWrapper(&m.stack[n-2]) {
		return
	}
	if t.x == nil {
		t.x = &node{fl: t.fl}
	}
	for i := range pairs {
		if len(t.x.args) >= maxStateItems {
			return
		}
		t.x.args = append(t.x.args, pairs[i])
	}
}

// joblibArray is the raw payload announced by a wrapper's state.
type joblibArray struct {
	object bool  // a nested pickle follows
	size   int64 // raw bytes that follow
	align  bool  // an alignment byte and padding come first
}

// wrapperPayload works out what follows a wrapper BUILD, or an error when
// the state is not one the scanner can size.
func wrapperPayload(state *value) (joblibArray, error) {
	var a joblibArray
	if state.k != kDict || state.x == nil {
		return a, fmt.Errorf("NumpyArrayWrapper state is not a dict the scanner could follow")
	}
	var shape, dtype *value
	items := state.x.args
	for i := 0; i+1 < len(items); i += 2 {
		k, v := &items[i], &items[i+1]
		if k.k != kStr {
			continue
		}
		switch k.s {
		case "shape":
			shape = v
		case "dtype":
			dtype = v
		case "numpy_array_alignment_bytes":
			a.align = v.k == kInt
		}
	}
	if dtype == nil || dtype.k != kCall || dtype.x.argc < 1 || len(dtype.x.args) < 1 || dtype.x.args[0].k != kStr {
		return a, fmt.Errorf("NumpyArrayWrapper dtype unknown")
	}
	item, object, err := itemSize(dtype.x.args[0].s)
	if err != nil {
		return a, err
	}
	if object {
		a.object = true
		return a, nil
	}
	if shape == nil || shape.k != kTuple || (shape.n > 0 && (shape.x == nil || int64(len(shape.x.args)) != shape.n)) {
		return a, fmt.Errorf("NumpyArrayWrapper shape unknown")
	}
	size := uint64(item)
	if shape.x != nil {
		for i := range shape.x.args {
			d := &shape.x.args[i]
			if d.k != kInt || d.fl&flBig != 0 || d.n < 0 {
				return a, fmt.Errorf("NumpyArrayWrapper shape has a non-integer dimension")
			}
			hi, lo := bits.Mul64(size, uint64(d.n))
			if hi != 0 || lo > 1<<62 {
				return a, fmt.Errorf("NumpyArrayWrapper array size overflows")
			}
			size = lo
		}
	}
	a.size = int64(size)
	return a, nil
}

// itemSize reads a NumPy dtype string as pickled ("f8", "<i4", "U10", "O8").
func itemSize(s string) (int64, bool, error) {
	s = strings.TrimLeft(s, "<>|=")
	if s == "" {
		return 0, false, fmt.Errorf("empty dtype")
	}
	kind, rest := s[0], s[1:]
	if i := strings.IndexByte(rest, '['); i >= 0 {
		rest = rest[:i] // datetime unit, "M8[ns]"
	}
	if kind == 'O' {
		return 0, true, nil
	}
	if kind == '?' && rest == "" {
		return 1, false, nil
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || n < 0 || n > 1<<30 {
		return 0, false, fmt.Errorf("dtype %q not understood", s)
	}
	switch kind {
	case 'b', 'i', 'u', 'f', 'c', 'S', 'a', 'V', 'M', 'm':
		return n, false, nil
	case 'U':
		return 4 * n, false, nil
	}
	return 0, false, fmt.Errorf("dtype %q not understood", s)
}

// skipPayload consumes what follows a wrapper BUILD.
func (m *machine) skipPayload(a joblibArray) error {
	if a.object {
		return m.nested()
	}
	if a.align {
		c, err := m.r.readByte()
		if err != nil {
			return m.r.eof(err)
		}
		if c < 1 || c > 16 {
			m.badAt(m.r.off-1, fmt.Sprintf("joblib alignment byte %d out of range", c))
			return errStopMalformed
		}
		if err := m.r.skip(uint64(c)); err != nil {
			return err
		}
	}
	return m.r.skip(uint64(a.size))
}

// nested scans the pickle that joblib writes for an object array, with a
// fresh stack and memo, then resumes the outer pickle.
func (m *machine) nested() error {
	if m.depth >= maxNested {
		m.limit(fmt.Sprintf("joblib pickles nested more than %d deep", maxNested))
		return errStop
	}
	stack, marks, memo, proto, frame := m.stack, m.marks, m.memo, m.proto, m.frameEnd
	m.stack, m.marks, m.memo, m.frameEnd = nil, nil, memo2(memo.max), -1
	m.depth++
	err := m.runPickle()
	m.depth--
	m.stack, m.marks, m.memo, m.proto, m.frameEnd = stack, marks, memo, proto, frame
	if err == nil {
		return nil
	}
	return err
}

func memo2(max int) memo { return memo{max: max} }
