package gguf

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

type builder struct{ bytes.Buffer }

func (b *builder) u32(v uint32) *builder { binary.Write(b, binary.LittleEndian, v); return b }
func (b *builder) u64(v uint64) *builder { binary.Write(b, binary.LittleEndian, v); return b }
func (b *builder) str(s string) *builder { b.u64(uint64(len(s))); b.WriteString(s); return b }

func header(version uint32, nkv uint64) *builder {
	b := &builder{}
	b.WriteString("GGUF")
	return b.u32(version).u64(0).u64(nkv)
}

func read(b []byte) (*File, error) {
	return Read(bytes.NewReader(b), int64(len(b)), func(k string) bool { return k == "tokenizer.ggml.tokens" })
}

func TestRead(t *testing.T) {
	b := header(3, 5)
	b.str("general.architecture").u32(TypeString).str("llama")
	b.str("llama.context_length").u32(TypeUint32).u32(4096)
	b.str("tokenizer.ggml.tokens").u32(TypeArray).u32(TypeString).u64(2).str("<s>").str("</s>")
	b.str("tokenizer.ggml.scores").u32(TypeArray).u32(TypeFloat32).u64(2).u32(0).u32(0)
	b.str("tokenizer.chat_template").u32(TypeString).str("{{ x }}")
	f, err := read(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := f.String("tokenizer.chat_template"); s != "{{ x }}" || f.Version != 3 || len(f.KV) != 5 {
		t.Fatalf("got %+v", f)
	}
	if f.KV[1].Value != uint64(4096) || f.KV[3].ArrLen != 2 || f.KV[3].ArrType != TypeFloat32 {
		t.Fatalf("scalars/arrays: %+v", f.KV)
	}
	if toks, _ := f.KV[2].Value.([]string); len(toks) != 2 || toks[1] != "</s>" {
		t.Fatalf("kept strings: %+v", f.KV[2])
	}
}

func TestBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"magic", []byte("GGML\x03\x00\x00\x00"), "magic"},
		{"version 1", header(1, 0).Bytes(), "unsupported GGUF version 1"},
		{"big endian", header(3<<24, 0).Bytes(), "unsupported GGUF version"},
		{"kv count", header(3, 1<<40).Bytes(), "key-value pairs is over"},
		{"key length", header(3, 1).u64(1 << 40).Bytes(), "over the 65536-byte limit"},
		{"string past end", header(3, 1).str("k").u32(TypeString).u64(1000).Bytes(), "runs past the end"},
		{"array count", header(3, 1).str("k").u32(TypeArray).u32(TypeString).u64(1 << 23).Bytes(), "cannot fit in the file"},
		{"array too big", header(3, 1).str("k").u32(TypeArray).u32(TypeUint8).u64(1 << 30).Bytes(), "over the 16777216 limit"},
		{"scalar array past end", header(3, 1).str("k").u32(TypeArray).u32(TypeUint64).u64(100).Bytes(), "runs past the end"},
		{"type", header(3, 1).str("k").u32(99).Bytes(), "unknown value type 99"},
		{"nested", nestedArrays(6), "nested more than"},
		{"truncated", header(3, 2).str("k").u32(TypeUint32).u32(1).Bytes(), "truncated"},
	} {
		_, err := read(tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}

func nestedArrays(depth int) []byte {
	b := header(3, 1).str("k").u32(TypeArray)
	for range depth {
		b.u32(TypeArray).u64(1)
	}
	b.u32(TypeUint8).u64(0)
	return b.Bytes()
}

// FuzzRead: any bytes parse or fail without panic or runaway allocation.
func FuzzRead(f *testing.F) {
	b := header(3, 2)
	b.str("tokenizer.chat_template").u32(TypeString).str("{{ bos_token }}")
	b.str("tokenizer.ggml.tokens").u32(TypeArray).u32(TypeString).u64(1).str("a")
	f.Add(b.Bytes())
	f.Add(header(2, 1).str("k").u32(TypeArray).u32(TypeArray).u64(1).Bytes())
	f.Fuzz(func(t *testing.T, data []byte) { _, _ = read(data) })
}
