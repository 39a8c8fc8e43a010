package archive

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type member struct {
	name   string
	data   string
	method uint16
}

func makeZip(t testing.TB, ms ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, m := range ms {
		f, err := w.CreateHeader(&zip.FileHeader{Name: m.name, Method: m.method})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, m.data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func read(t *testing.T, b []byte) *Zip {
	t.Helper()
	z, err := ReadZip(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func content(t *testing.T, z *Zip, e *Entry) (string, *Member) {
	t.Helper()
	m, err := z.Open(e)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), m
}

func TestReadZipPlain(t *testing.T) {
	b := makeZip(t, member{"archive/data.pkl", "\x80\x02}q\x00.", zip.Store}, member{"notes.txt", strings.Repeat("hello ", 100), zip.Deflate})
	z := read(t, b)
	if !z.Central || z.Prefix != 0 || len(z.Anomalies) != 0 {
		t.Fatalf("central=%v prefix=%d anomalies=%v", z.Central, z.Prefix, z.Anomalies)
	}
	if len(z.Entries) != 2 || z.Entries[0].Name != "archive/data.pkl" || z.Entries[1].Method != Deflate {
		t.Fatalf("entries: %+v", z.Entries)
	}
	if got, m := content(t, z, z.Entries[1]); got != strings.Repeat("hello ", 100) || m.CRCMismatch() {
		t.Fatalf("deflate member: %q crc mismatch %v", got, m.CRCMismatch())
	}
}

func TestReadZipPrefix(t *testing.T) {
	pre := "\x80\x02cposix\nsystem\nq\x00."
	b := append([]byte(pre), makeZip(t, member{"a/data.pkl", "x", zip.Store})...)
	z := read(t, b)
	if z.Prefix != int64(len(pre)) {
		t.Fatalf("prefix %d, want %d", z.Prefix, len(pre))
	}
	if len(z.Anomalies) != 1 || !strings.Contains(z.Anomalies[0].Message, "before the first zip member") {
		t.Fatalf("anomalies: %+v", z.Anomalies)
	}
	if got, _ := content(t, z, z.Entries[0]); got != "x" {
		t.Fatalf("member read through the shifted offsets: %q", got)
	}
}

// setFlag ORs f into every local and central header flag field.
func setFlag(b []byte, f uint16) []byte {
	b = bytes.Clone(b)
	for _, s := range []struct {
		sig string
		at  int
	}{{sigLocal, 6}, {sigCentral, 8}} {
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte(s.sig))
			if j < 0 {
				break
			}
			i += j
			binary.LittleEndian.PutUint16(b[i+s.at:], binary.LittleEndian.Uint16(b[i+s.at:])|f)
			i += 4
		}
	}
	return b
}

func TestReadZipFlags(t *testing.T) {
	b := makeZip(t, member{"m/data.pkl", "payload", zip.Store})
	for _, tc := range []struct {
		flag       uint16
		encryption bool
	}{{0x1, true}, {0x40, true}, {0x20, false}, {0x2000, false}} {
		z := read(t, setFlag(b, tc.flag))
		if len(z.Anomalies) != 1 || z.Anomalies[0].Encryption != tc.encryption || z.Anomalies[0].Member != "m/data.pkl" {
			t.Errorf("flag %#x: anomalies %+v", tc.flag, z.Anomalies)
		}
		if got, _ := content(t, z, z.Entries[0]); got != "payload" {
			t.Errorf("flag %#x: member not read leniently: %q", tc.flag, got)
		}
	}
}

func TestReadZipNameMismatchAndCRC(t *testing.T) {
	b := makeZip(t, member{"m/config.txt", "payload", zip.Store})
	i := bytes.Index(b, []byte("m/config.txt")) // the local header's copy comes first
	copy(b[i:], "m/data.pkl__")
	j := bytes.Index(b, []byte("payload"))
	b[j] = 'P' // CRC no longer matches
	z := read(t, b)
	if len(z.Anomalies) != 1 || !strings.Contains(z.Anomalies[0].Message, `"m/data.pkl__"`) {
		t.Fatalf("anomalies: %+v", z.Anomalies)
	}
	if got, m := content(t, z, z.Entries[0]); got != "Payload" || !m.CRCMismatch() {
		t.Fatalf("got %q, crc mismatch %v", got, m.CRCMismatch())
	}
}

func TestReadZipNoCentralDirectory(t *testing.T) {
	b := makeZip(t, member{"a/data.pkl", "first", zip.Store}, member{"b.txt", strings.Repeat("z", 500), zip.Deflate})
	cut := bytes.Index(b, []byte(sigCentral))
	z := read(t, b[:cut])
	if z.Central || len(z.Entries) != 2 {
		t.Fatalf("central=%v entries=%+v", z.Central, z.Entries)
	}
	if got, _ := content(t, z, z.Entries[0]); got != "first" {
		t.Fatalf("first: %q", got)
	}
	if got, _ := content(t, z, z.Entries[1]); got != strings.Repeat("z", 500) {
		t.Fatalf("second: %q", got)
	}
}

func TestReadZipNotZip(t *testing.T) {
	for _, b := range []string{"", "PK", "hello world", "PK\x05\x06"} {
		if _, err := ReadZip(strings.NewReader(b), int64(len(b))); err == nil && b != "PK\x05\x06" {
			t.Errorf("%q: no error", b)
		}
	}
}

func TestCleanName(t *testing.T) {
	for in, want := range map[string]string{
		"archive/data.pkl": "archive/data.pkl",
		"../../etc/passwd": "../../etc/passwd",
		"a\x1b[31mred\nx":  "a?[31mred?x",
		"bad\xffutf8":      "bad?utf8",
		"ünïcode/データ.pkl":  "ünïcode/データ.pkl",
	} {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := CleanName(strings.Repeat("a", 2000)); len(got) > maxName+4 {
		t.Errorf("long name not cut: %d", len(got))
	}
}

func TestGuardRatio(t *testing.T) {
	g := &Guard{R: bytes.NewReader(make([]byte, 4<<20)), In: func() int64 { return 1000 }, MaxRatio: 100, MinSize: 1 << 20}
	_, err := io.Copy(io.Discard, g)
	var le *LimitError
	if err == nil || !strings.Contains(err.Error(), "ratio") || !asLimit(err, &le) {
		t.Fatalf("err = %v", err)
	}
	b := &Budget{Remaining: 10}
	g = &Guard{R: strings.NewReader("0123456789abc"), Budget: b}
	if _, err := io.Copy(io.Discard, g); err == nil {
		t.Fatal("budget not enforced")
	}
}

func asLimit(err error, le **LimitError) bool {
	l, ok := err.(*LimitError)
	*le = l
	return ok
}

// seeds are the zips of the model analyzer's fixtures plus a few built here.
func seeds(t testing.TB) [][]byte {
	out := [][]byte{makeZip(t, member{"archive/data.pkl", "\x80\x02}q\x00.", zip.Store}, member{"b", "bbbbbbbbbb", zip.Deflate})}
	out = append(out, setFlag(out[0], 0x41))
	paths, _ := filepath.Glob("../analyzers/model/testdata/*/*")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 && bytes.Contains(b, []byte("PK")) {
			out = append(out, b)
		}
	}
	return out
}

func FuzzZip(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		z, err := ReadZip(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, e := range z.Entries {
			if e.DataOffset < 0 || e.DataOffset+int64(e.CompressedSize) > int64(len(b)) {
				t.Fatalf("entry %q out of bounds: %d+%d > %d", e.Name, e.DataOffset, e.CompressedSize, len(b))
			}
			m, err := z.Open(e)
			if err != nil {
				continue
			}
			g := &Guard{R: m, In: func() int64 { return int64(e.CompressedSize) }, MaxRatio: 100, MinSize: 64 << 10, Budget: &Budget{Remaining: 1 << 20}}
			io.Copy(io.Discard, g)
		}
	})
}
