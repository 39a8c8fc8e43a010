package archive

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"testing"

	"github.com/mlsec/mlsec/internal/format"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// payload is pickle.dumps({'lr': 0.1}, protocol=2).
const payload = "\x80\x02}q\x00X\x02\x00\x00\x00lrq\x01G?\xb9\x99\x99\x99\x99\x99\x9as."

// bz2Payload is Python's bz2.compress(payload) (Go has no bzip2 writer).
const bz2Payload = "\x42\x5a\x68\x39\x31\x41\x59\x26\x53\x59\x61\xf8\xfe\x37\x00\x00\x09\x5f\xe8\x70\x00\x00\x01\x00\x00\x80\x80" +
	"\x00\x40\x00\x04\x38\x02\x40\x00\x00\x30\x00\x20\x20\x00\x22\x9e\xa1\xa3\xd4\x3c\xa6\x85\x30\x00\x4d\x2c\x08\x0c\xb5" +
	"\xc3\xaa\x36\xfc\x9a\xac\xee\x7e\x2e\xe4\x8a\x70\xa1\x20\xc3\xf1\xfc\x6e"

func compress(t *testing.T, f format.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch f {
	case format.Gzip:
		gz := gzip.NewWriter(&buf)
		gz.Name = "model.pkl"
		w = gz
	case format.Zlib:
		w = zlib.NewWriter(&buf)
	case format.XZ:
		w, err = xz.NewWriter(&buf)
	case format.LZMA:
		w, err = lzma.NewWriter(&buf)
	case format.Bzip2:
		return []byte(bz2Payload)
	case format.JoblibZF:
		// joblib < 0.10: "ZF", hex(len) padded to 19 bytes, then zlib.
		fmt.Fprintf(&buf, "ZF%-19s", fmt.Sprintf("0x%x", len(payload)))
		w = zlib.NewWriter(&buf)
	default:
		t.Fatalf("no writer for %s", f)
	}
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, payload)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecompress checks that every compressed format format.Sniff
// recognises opens with Decompress and yields the original bytes.
func TestDecompress(t *testing.T) {
	for _, e := range format.Entries() {
		if !e.Compressed {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			b := compress(t, e.Format)
			if got := format.Sniff(b); got != e.Format {
				t.Fatalf("Sniff = %s, want %s", got, e.Format)
			}
			r, name, err := Decompress(e.Format, bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			out, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != payload {
				t.Errorf("got %q, want %q", out, payload)
			}
			if wantName := map[format.Format]string{format.Gzip: "model.pkl"}[e.Format]; name != wantName {
				t.Errorf("name %q, want %q", name, wantName)
			}
		})
	}
}

func TestDecompressRefusesNonStreams(t *testing.T) {
	for _, f := range []format.Format{format.Unknown, format.Zip, format.Tar, format.SevenZip, format.Pickle} {
		if _, _, err := Decompress(f, bytes.NewReader(nil)); err == nil {
			t.Errorf("%s: no error", f)
		}
	}
	// A ZF header announcing a stream that is not there.
	if _, _, err := Decompress(format.JoblibZF, bytes.NewReader([]byte("ZF0x1f"))); err == nil {
		t.Error("short ZF header: no error")
	}
}
