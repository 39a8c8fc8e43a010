package npy

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func file(header string, major byte) []byte {
	var b bytes.Buffer
	b.WriteString(Magic)
	b.WriteByte(major)
	b.WriteByte(0)
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(header)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(header)))
	}
	b.WriteString(header)
	return b.Bytes()
}

func TestReadHeader(t *testing.T) {
	for _, tc := range []struct {
		header string
		major  byte
		object bool
		shape  []int64
	}{
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }      \n", 1, false, []int64{3, 4}},
		{"{'descr': '|O', 'fortran_order': False, 'shape': (2,), }\n", 1, true, []int64{2}},
		{"{'descr': 'O', 'fortran_order': True, 'shape': (), }\n", 2, true, nil},
		{"{'descr': [('name', '<U10'), ('age', '<i4')], 'fortran_order': False, 'shape': (5,), }\n", 1, false, []int64{5}},
		{"{'descr': [('id', '<i8'), ('meta', '|O')], 'fortran_order': False, 'shape': (5,), }\n", 3, true, []int64{5}},
		{"{'descr': [(('Title', 'x'), '<f4', (2, 2))], 'fortran_order': False, 'shape': (1L,), }\n", 1, false, []int64{1}},
		{`{"descr": "<i2", "fortran_order": False, "shape": (7,)}`, 1, false, []int64{7}},
	} {
		b := file(tc.header, tc.major)
		h, err := ReadHeader(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", tc.header, err)
			continue
		}
		if h.HasObject != tc.object || len(h.Shape) != len(tc.shape) || h.DataOffset != int64(len(b)) {
			t.Errorf("%s: object=%v shape=%v offset=%d (file %d)", tc.header, h.HasObject, h.Shape, h.DataOffset, len(b))
		}
	}
}

func TestReadHeaderRejects(t *testing.T) {
	for _, header := range []string{
		"{'descr': __import__('os').system('id'), 'fortran_order': False, 'shape': (1,)}",
		"{'descr': '<f8', 'fortran_order': False}",
		"{'descr': '<f8', 'fortran_order': 0, 'shape': (1,)}",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
		"[1, 2]",
		"{'descr': '<f8'",
		strings.Repeat("[", 100) + strings.Repeat("]", 100),
	} {
		if _, err := ReadHeader(bytes.NewReader(file(header, 1))); err == nil {
			t.Errorf("accepted %q", header)
		}
	}
	if _, err := ReadHeader(bytes.NewReader([]byte("\x93NUMPY\x09\x00"))); err == nil {
		t.Error("accepted version 9")
	}
	big := []byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f")
	if _, err := ReadHeader(bytes.NewReader(big)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("2 GiB header: %v", err)
	}
}

func TestParseLiteral(t *testing.T) {
	v, err := ParseLiteral(`{'a': [1, -2, 3.5e1, True, None, b'x', "q\"uo\\te"], 'b': ()}`)
	if err != nil {
		t.Fatal(err)
	}
	if v.Kind != Dict || len(v.Items) != 4 || len(v.Items[1].Items) != 7 || v.Items[1].Items[6].S != `q"uo\te` {
		t.Fatalf("%+v", v)
	}
	for _, bad := range []string{"os.system", "1 + 1", "{1: }", "'unterminated", "(1, 2", "f(x)", "{'a': 1} trailing"} {
		if _, err := ParseLiteral(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzNPYHeader(f *testing.F) {
	f.Add([]byte("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"))
	f.Add([]byte("{'descr': [('id', '<i8'), ('meta', '|O')], 'fortran_order': False, 'shape': (5,), }"))
	f.Add([]byte("{'descr': {'names': ['a'], 'formats': ['O']}, 'fortran_order': False, 'shape': ()}"))
	paths, _ := filepath.Glob("../analyzers/model/testdata/*/*.npy")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) > 10 {
			f.Add(b[10:min(len(b), 10+int(binary.LittleEndian.Uint16(b[8:])))])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseHeader(b)
		if err == nil && h.Descr.Kind != Str && h.Descr.Kind != List && h.Descr.Kind != Dict && !h.HasObject {
			t.Fatalf("odd descr %+v accepted as plain numeric", h.Descr)
		}
		ReadHeader(bytes.NewReader(file(string(b), 1)))
	})
}
