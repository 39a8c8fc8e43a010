package hdf5

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

func scanFile(t *testing.T, p string) *Keras {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ScanKeras(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Files written by h5py the way Keras 2 save_model writes them (see
// internal/analyzers/modelfmt/testdata/gen/gen.py).
func TestRealFiles(t *testing.T) {
	k := scanFile(t, "../analyzers/modelfmt/testdata/ok/mlp.h5")
	if k.KerasVersion != "2.15.0" || k.Backend != "tensorflow" || len(k.Configs) != 1 || k.Partial || !k.Marked {
		t.Fatalf("mlp.h5: %+v", k)
	}
	if !strings.HasPrefix(string(k.Configs[0].JSON), `{"class_name": "Sequential"`) {
		t.Fatalf("config: %.60s", k.Configs[0].JSON)
	}
	k = scanFile(t, "../analyzers/modelfmt/testdata/bad/nested_lambda.h5")
	if k.KerasVersion != "2.12.0" || len(k.Configs) != 1 || !strings.Contains(string(k.Configs[0].JSON), `"Lambda"`) {
		t.Fatalf("nested_lambda.h5: version %q, %d configs", k.KerasVersion, len(k.Configs))
	}
}

// A decoy config before the real one does not hide it, and nested
// objects of a decoded config are not returned twice.
func TestAllConfigs(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(Signature)
	b.WriteString(`xx{"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {}}]}}`)
	b.WriteString("\x00\x00keras_version\x00\x00\x00\x003.8.0\x00")
	b.WriteString(`{"class_name": "Lambda", "config": {}}{"module": "not json`)
	k, err := ScanKeras(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil || len(k.Configs) != 2 || k.KerasVersion != "3.8.0" {
		t.Fatalf("%v %+v", err, k)
	}
}

func TestGlobalHeap(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(Signature)
	col := []byte("GCOL\x01\x00\x00\x00")
	obj := func(idx uint16, s string) []byte {
		o := binary.LittleEndian.AppendUint16(nil, idx)
		o = append(o, 1, 0, 0, 0, 0, 0)
		o = binary.LittleEndian.AppendUint64(o, uint64(len(s)))
		o = append(o, s...)
		for len(o)%8 != 0 {
			o = append(o, 0)
		}
		return o
	}
	body := append(obj(1, "tensorflow"), obj(2, "3.10.0")...)
	col = binary.LittleEndian.AppendUint64(col, uint64(16+len(body)+16))
	col = append(col, body...)
	col = append(col, make([]byte, 16)...)
	b.Write(col)
	k, err := ScanKeras(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil || k.KerasVersion != "3.10.0" || k.Backend != "tensorflow" {
		t.Fatalf("%v %+v", err, k)
	}
}

func TestNotHDF5(t *testing.T) {
	if _, err := ScanKeras(strings.NewReader("PK\x03\x04"), 4); err != ErrNotHDF5 {
		t.Fatal(err)
	}
}

func FuzzScanKeras(f *testing.F) {
	if b, err := os.ReadFile("../analyzers/modelfmt/testdata/ok/mlp.h5"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(Signature + `GCOL\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff{"class_name": "X"`))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ScanKeras(bytes.NewReader(b), int64(len(b))) })
}

// Many config heads nested in one never-closed document cost at most
// MaxDecode bytes of decoding, not MaxConfig each: every head decodes
// to the end of the file before failing.
func TestDecodeBudget(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(Signature)
	for b.Len() < 48<<20 {
		b.WriteString(`{"class_name": "x", "a": [`)
		b.Write(bytes.Repeat([]byte("1,"), 32<<10))
	}
	k, err := ScanKeras(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil || !k.Limited || len(k.Configs) != 0 || k.decoded > MaxDecode+MaxConfig {
		t.Fatalf("%v limited=%v decoded=%d", err, k.Limited, k.decoded)
	}
}
