package npy

import (
	"bytes"
	"testing"
)

// TestObjectDtypeSpellings: every descr numpy.dtype() reads as (or as
// containing) the object type must set HasObject, or the pickle after the
// header goes unscanned.
func TestObjectDtypeSpellings(t *testing.T) {
	for _, descr := range []string{
		`'object'`, `'object_'`, `'=O'`, `'O8'`,
		`'i4, O'`,     // comma string: a structured dtype with an object field
		`'(2,)O'`,     // subarray of objects
		`'\x4f'`,      // escape spelling 'O'
		`'\117'`,      // octal escape
		`'\u004f'`,    // unicode escape
		`'obj' 'ect'`, // implicit concatenation, as ast.literal_eval allows
		`('O')`,       // a parenthesised string is a string
		`r'O'`,        // raw string prefix
		`'\N{LATIN CAPITAL LETTER O}'`,
		`[('a', '<f8'), ('b', 'object')]`,
	} {
		h, err := ParseHeader([]byte("{'descr': " + descr + ", 'fortran_order': False, 'shape': (1,), }"))
		if err != nil {
			t.Errorf("%s: %v", descr, err)
			continue
		}
		if !h.HasObject && !h.MaybeObject {
			t.Errorf("%s: object dtype not recognised", descr)
		}
	}
}

// TestPlainDtypes: what numpy writes for ordinary arrays is not object.
func TestPlainDtypes(t *testing.T) {
	for _, descr := range []string{`'<f8'`, `'|b1'`, `'<U10'`, `'|S5'`, `'<M8[ns]'`, `'<m8[us]'`, `'|V16'`, `'<c16'`, `'<i2'`, `'|u1'`, `'<f2'`} {
		h, err := ParseHeader([]byte("{'descr': " + descr + ", 'fortran_order': False, 'shape': (1,), }"))
		if err != nil {
			t.Errorf("%s: %v", descr, err)
			continue
		}
		if h.HasObject || h.MaybeObject {
			t.Errorf("%s: plain dtype taken for an object one", descr)
		}
	}
}

// TestHugeHeader: numpy.load(allow_pickle=True) ignores max_header_size, so a
// header over the limit must still give the data offset, flagged as
// unknown, instead of making the file unscannable.
func TestHugeHeader(t *testing.T) {
	pad := bytes.Repeat([]byte(" "), MaxHeader+10)
	hdr := "{'descr': 'O', 'fortran_order': False, 'shape': (1,), }" + string(pad) + "\n"
	b := file(hdr, 2)
	h, err := ReadHeader(bytes.NewReader(append(b, "\x80\x02N."...)))
	if h == nil {
		t.Fatalf("no header: %v", err)
	}
	if err == nil || !h.MaybeObject || h.DataOffset != int64(len(b)) {
		t.Fatalf("header %+v err %v", h, err)
	}
}
