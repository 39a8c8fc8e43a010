package pbread

import (
	"bytes"
	"errors"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

func TestWalk(t *testing.T) {
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, 300)
	b = protowire.AppendTag(b, 2, protowire.BytesType)
	b = protowire.AppendBytes(b, []byte("hello"))
	b = protowire.AppendTag(b, 3, protowire.Fixed32Type)
	b = protowire.AppendFixed32(b, 7)
	b = protowire.AppendTag(b, 4, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, 9)
	r := New(bytes.NewReader(b), int64(len(b)), 100)
	var got []Field
	if err := r.Walk(0, int64(len(b)), func(f Field) error { got = append(got, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].Varint != 300 || r.String(got[1], 100) != "hello" || r.String(got[1], 2) != "he" || got[2].Varint != 7 || got[3].Varint != 9 {
		t.Fatalf("%+v", got)
	}
}

func TestErrors(t *testing.T) {
	long := protowire.AppendTag(nil, 1, protowire.BytesType)
	long = protowire.AppendVarint(long, 1<<40)
	group := protowire.AppendTag(nil, 1, protowire.StartGroupType)
	for name, b := range map[string][]byte{"length": long, "group": group, "tag": {0x80}, "varint": {0x08, 0x80}, "fixed": {0x0d, 1}} {
		r := New(bytes.NewReader(b), int64(len(b)), 100)
		var pe *Error
		if err := r.Walk(0, int64(len(b)), func(Field) error { return nil }); !errors.As(err, &pe) {
			t.Errorf("%s: %v", name, err)
		}
	}
	many := bytes.Repeat([]byte{0x08, 0x01}, 10)
	r := New(bytes.NewReader(many), int64(len(many)), 5)
	if err := r.Walk(0, int64(len(many)), func(Field) error { return nil }); err != ErrBudget {
		t.Errorf("budget: %v", err)
	}
}

func FuzzWalk(f *testing.F) {
	f.Add([]byte{0x08, 0x96, 0x01, 0x12, 0x02, 'h', 'i'})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := New(bytes.NewReader(b), int64(len(b)), 1000)
		var walk func(off, end int64, depth int) error
		walk = func(off, end int64, depth int) error {
			return r.Walk(off, end, func(fl Field) error {
				if fl.Type == protowire.BytesType && depth < 8 {
					_ = walk(fl.Off, fl.Off+fl.Len, depth+1)
				}
				return nil
			})
		}
		_ = walk(0, int64(len(b)), 0)
	})
}
