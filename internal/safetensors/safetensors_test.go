package safetensors

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func file(header string, data int) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(make([]byte, data))
	return b.Bytes()
}

func read(t *testing.T, b []byte) (*Header, error) {
	t.Helper()
	return Read(bytes.NewReader(b), int64(len(b)))
}

func TestValid(t *testing.T) {
	h, err := read(t, file(`{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[3],"data_offsets":[48,60]},"w":{"dtype":"F32","shape":[4,3],"data_offsets":[0,48]},"p":{"dtype":"F4","shape":[2],"data_offsets":[60,61]}}`, 61))
	if err != nil || len(h.Problems) != 0 {
		t.Fatalf("err %v, problems %+v", err, h.Problems)
	}
	if h.Metadata["format"] != "pt" || len(h.Tensors) != 3 || h.Tensors[0].Name != "w" {
		t.Fatalf("bad parse: %+v", h)
	}
}

func TestProblems(t *testing.T) {
	for _, tc := range []struct{ name, header, want string }{
		{"overlap", `{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[8],"data_offsets":[4,12]}}`, `byte range [4, 12) overlaps tensor "a"`},
		{"contained", `{"a":{"dtype":"U8","shape":[12],"data_offsets":[0,12]},"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}}`, "overlaps"},
		{"out of bounds", `{"a":{"dtype":"U8","shape":[64],"data_offsets":[0,64]}}`, "run past the 16-byte data area"},
		{"reversed", `{"a":{"dtype":"U8","shape":[0],"data_offsets":[8,4]}}`, "end before they begin"},
		{"mismatch", `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, "need 8 bytes, data_offsets give 4"},
		{"dtype", `{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}`, `unknown dtype "F128"`},
		{"overflow", `{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, "overflows"},
		{"half byte", `{"a":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}`, "do not fill whole bytes"},
		{"offsets", `{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}`, "not a pair"},
		{"metadata", `{"__metadata__":{"n":1}}`, `"n" is not a string`},
	} {
		h, err := read(t, file(tc.header, 16))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		var msgs []string
		for _, p := range h.Problems {
			msgs = append(msgs, p.Msg)
		}
		if !strings.Contains(strings.Join(msgs, "|"), tc.want) {
			t.Errorf("%s: problems %q, want %q", tc.name, msgs, tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	huge := make([]byte, 16)
	binary.LittleEndian.PutUint64(huge, MaxHeader+1)
	past := make([]byte, 16)
	binary.LittleEndian.PutUint64(past, 100)
	for name, b := range map[string][]byte{
		"short": {1, 2}, "huge": huge, "past end": past,
		"not json": file(`{"a":`, 0), "array": file(`[1,2]`, 0),
	} {
		if _, err := read(t, b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzRead: any bytes are rejected or parsed without panic, and a parsed
// header never has a tensor past the data area without a problem for it.
func FuzzRead(f *testing.F) {
	f.Add(file(`{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, 8))
	f.Add(file(`{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[8],"data_offsets":[4,12]}}`, 12))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, '{'})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := read(t, b)
		if err != nil {
			return
		}
		dataLen := uint64(len(b)) - 8 - h.Len
		bad := map[string]bool{}
		for _, p := range h.Problems {
			bad[p.Tensor] = true
		}
		for _, tn := range h.Tensors {
			if tn.End > dataLen && !bad[tn.Name] {
				t.Fatalf("tensor %q past the data area with no problem", tn.Name)
			}
		}
	})
}
