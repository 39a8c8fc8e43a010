package format

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Real headers: written by the real writers where Go has one, else copied
// from files Python, NumPy, PyTorch and safetensors wrote.
const (
	// pickle.dumps({'lr': 0.1}, protocol=N) for N = 0…5.
	pickleP0 = "(dp0\nVlr\np1\nF0.1\ns."
	pickleP1 = "}q\x00X\x02\x00\x00\x00lrq\x01G?\xb9\x99\x99\x99\x99\x99\x9as."
	pickleP2 = "\x80\x02}q\x00X\x02\x00\x00\x00lrq\x01G?\xb9\x99\x99\x99\x99\x99\x9as."
	pickleP3 = "\x80\x03}q\x00X\x02\x00\x00\x00lrq\x01G?\xb9\x99\x99\x99\x99\x99\x9as."
	pickleP4 = "\x80\x04\x95\x12\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x02lr\x94G?\xb9\x99\x99\x99\x99\x99\x9as."
	pickleP5 = "\x80\x05\x95\x12\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x02lr\x94G?\xb9\x99\x99\x99\x99\x99\x9as."
	// A protocol 0 exploit as hand-written payloads look.
	pickleExploit = "cos\nsystem\n(S'id'\ntR."
	// torch.save(..., _use_new_zipfile_serialization=False): the magic
	// pickle, then the protocol version pickle, then sys info.
	torchLegacy = "\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.\x80\x02M\xe9\x03.\x80\x02}q\x00(X\x10\x00\x00\x00protocol_version"
	// numpy.save of a float32 (4, 3) array and of an object array.
	npyF4     = "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }                                                          \x0a"
	npyObject = "\x93NUMPY\x01\x00v\x00{'descr': '|O', 'fortran_order': False, 'shape': (1,), }                                                             \x0a"
	// safetensors.torch.save_file of one tensor (a 88-byte header).
	safetensors = "X\x00\x00\x00\x00\x00\x00\x00{\"bias\":{\"dtype\":\"F32\",\"shape\":["
	// py7zr / 7-Zip signature header.
	sevenZip = "7z\xbc\xaf'\x1c\x00\x04qf\x04F;\x00\x00\x00\x00\x00\x00\x00N\x00\x00\x00\x00\x00\x00\x00\x88\x1eBf"
	// bz2.compress(pickleP2) and lzma.compress(pickleP2, format=FORMAT_ALONE).
	bzip2Head = "BZh91AY&SYa\xf8\xfe7\x00\x00\x09_\xe8p"
	lzmaAlone = "]\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00@\x01"
	// joblib.dump(..., compress=3) of a scaler (zlib, level 3 writes "x^").
	joblibZlib = "x^k`\x99z\x95\x01\x02j\xa7h\xf4\xb0\xe4\xa6"
	// h5py.File(...) with the default superblock (version 0).
	hdf5Head = "\x89HDF\r\n\x1a\n\x00\x00\x00\x00\x00\x08\x08\x00\x04\x00\x10\x00\x00\x00\x00\x00" +
		"\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff"
	// llama.cpp GGUF v3: magic, version, tensor count 291, metadata count 24.
	ggufHead = "GGUF\x03\x00\x00\x00\x23\x01\x00\x00\x00\x00\x00\x00\x18\x00\x00\x00\x00\x00\x00\x00"
)

// joblibZF is what joblib < 0.10 wrote: "ZF", hex(len) padded to 19 (20
// with Python 2's "L"), then zlib.
func joblibZF(t testing.TB, py2 bool) string {
	t.Helper()
	n := fmt.Sprintf("0x%x", len(pickleP2))
	width := 19
	if py2 {
		n += "L"
		width = 20
	}
	return "ZF" + fmt.Sprintf("%-*s", width, n) + compressed(t, Zlib)
}

// compressed returns pickleP2 written by the real compressor of f.
func compressed(t testing.TB, f Format) string {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	var err error
	switch f {
	case Gzip:
		w = gzip.NewWriter(&buf)
	case Zlib:
		w = zlib.NewWriter(&buf)
	case XZ:
		w, err = xz.NewWriter(&buf)
	case LZMA:
		w, err = lzma.NewWriter(&buf)
	default:
		t.Fatalf("no writer for %s", f)
	}
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, pickleP2)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func zipFile(t testing.TB, names ...string) string {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, pickleP2)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func tarFile(t testing.TB, name string, f tar.Format) string {
	t.Helper()
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	if err := w.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(pickleP2)), Format: f}); err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, pickleP2)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// realHeads are genuine files of every format, with the format Sniff must
// give them.
func realHeads(t testing.TB) []struct {
	name string
	head string
	want Format
} {
	return []struct {
		name string
		head string
		want Format
	}{
		{"pytorch zip", zipFile(t, "archive/data.pkl", "archive/data/0", "archive/version"), Zip},
		{"empty zip", zipFile(t), Zip},
		{"7z", sevenZip, SevenZip},
		{"gzip", compressed(t, Gzip), Gzip},
		{"bzip2", bzip2Head, Bzip2},
		{"xz", compressed(t, XZ), XZ},
		{"tar ustar", tarFile(t, "model.pkl", tar.FormatUSTAR), Tar},
		{"tar gnu", tarFile(t, "model.pkl", tar.FormatGNU), Tar},
		{"tar pax", tarFile(t, "model.pkl", tar.FormatPAX), Tar},
		{"zlib default", compressed(t, Zlib), Zlib},
		{"zlib joblib level 3", joblibZlib, Zlib},
		{"lzma alone (Python)", lzmaAlone, LZMA},
		{"lzma alone (Go)", compressed(t, LZMA), LZMA},
		{"joblib ZF py3", joblibZF(t, false), JoblibZF},
		{"joblib ZF py2", joblibZF(t, true), JoblibZF},
		{"npy float", npyF4, NPY},
		{"npy object", npyObject, NPY},
		{"pytorch legacy", torchLegacy, TorchLegacy},
		{"pickle protocol 2", pickleP2, Pickle},
		{"pickle protocol 3", pickleP3, Pickle},
		{"pickle protocol 4", pickleP4, Pickle},
		{"pickle protocol 5", pickleP5, Pickle},
		{"pickle protocol 0", pickleP0, PickleNoProto},
		{"pickle protocol 1", pickleP1, PickleNoProto},
		{"pickle protocol 0 exploit", pickleExploit, PickleNoProto},
		{"safetensors", safetensors, Safetensors},
		{"gguf", ggufHead, GGUF},
		{"hdf5", hdf5Head, HDF5},
		{"onnx (torch.onnx.export)", "\x08\x07\x12\x07pytorch\x1a\x052.1.0:\x8a\x01", ONNX},
		{"tf saved_model.pb", "\x08\x01\x12\xc1\x02\n\a\"\x05serve\x12\xb5", TFSavedModel},
		{"tf frozen graph", "\n\x10\n\x01x\x12\vPlaceholder", TFGraphDef},
	}
}

func TestSniffRealHeaders(t *testing.T) {
	seen := map[Format]bool{}
	for _, tc := range realHeads(t) {
		seen[tc.want] = true
		if got := Sniff([]byte(tc.head)); got != tc.want {
			t.Errorf("%s: Sniff = %s, want %s", tc.name, got, tc.want)
		}
		// What Sniff decides it decides from the first HeadLen bytes.
		if len(tc.head) > HeadLen {
			if got := Sniff([]byte(tc.head[:HeadLen])); got != tc.want {
				t.Errorf("%s: Sniff of the first %d bytes = %s, want %s", tc.name, HeadLen, got, tc.want)
			}
		}
	}
	for _, e := range Entries() {
		if !seen[e.Format] {
			t.Errorf("%s: no real header in the test", e.Name)
		}
	}
}

// TestSniffMisleading feeds each test the input it is written to keep out,
// and the overlaps the sniff order settles.
func TestSniffMisleading(t *testing.T) {
	tarNamed := func(name string) string {
		b := []byte(tarFile(t, "x", tar.FormatUSTAR))
		copy(b, name+"\x00")
		return string(b)
	}
	for _, tc := range []struct {
		name string
		head string
		want Format
	}{
		{"empty", "", Unknown},
		{"text", "hello world\n", Unknown},
		{"comment", "# comment\n", Unknown},
		{"json", `{"a": 1}`, Unknown},
		{"only marks", "(((((", Unknown},
		{"text starting PK", "PK is a primary key\n", Unknown},
		{"zip central record alone", "PK\x01\x02\x14\x00", Unknown},
		{"text starting 7z", "7z a archive.7z *\n", Unknown},
		{"text starting BZh", "BZh is not bzip2 without a digit", Unknown},
		{"text starting x^ with a reserved block type", "x^\x07", Unknown},
		{"zlib header with a preset dictionary", "\x78\xbb\x00\x00\x00\x00", Unknown},
		{"zlib header too short", "x\x9c", Unknown},
		{"EMPTY_LIST pickle is not lzma", "]q\x00(K\x01K\x02e.", PickleNoProto},
		{"lzma with an odd dictionary size", "]\x00\x00\x30\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00", Unknown},
		{"lzma header too short", "]\x00\x00\x80\x00\xff", Unknown},
		{"ZF text", "ZF0x is a prefix", Unknown},
		{"ZF header without zlib", "ZF0x31f" + strings.Repeat(" ", 14) + "abc", Unknown},
		{"ZF header of the wrong length", "ZF0x31f" + strings.Repeat(" ", 10) + "\x78\x9c\x01", Unknown},
		{"npy magic cut short", "\x93NUMP", Unknown},
		{"protocol 2 pickle opening with LONG1 is not legacy torch", "\x80\x02\x8a\x01\x05.", Pickle},
		{"legacy torch magic cut before STOP", torchLegacy[:14], Pickle},
		{"PROTO 6 is refused by pickle.load", "\x80\x06}.", Unknown},
		{"0x80 then data", "\x80\x06\x00\x00\x00", Unknown},     // PROTO 6: pickle.load refuses it
		{"PROTO 1", "\x80\x01cos\nsystem\n(S'id'\ntR.", Pickle}, // pickle.load accepts PROTO 0 and 1
		{"safetensors length over 100 MiB", "\x00\x00\x00\x10\x00\x00\x00\x00{}", Unknown},
		{"safetensors length under 2", "\x01\x00\x00\x00\x00\x00\x00\x00{}", Unknown},
		{"safetensors without the brace", "X\x00\x00\x00\x00\x00\x00\x00[]", Unknown},
		{"safetensors cut before the brace", "X\x00\x00\x00\x00\x00\x00\x00", Unknown},
		{"hdf5 signature mangled by a text-mode copy", "\x89HDF\n\x1a\n\x00", Unknown},
		{"tar head one byte short of the magic", tarNamed("m")[:261], Unknown},
		{"text starting with blank lines is no GraphDef", "\n\n\nhello\n", Unknown},
		{"GraphDef node whose op is not CamelCase", "\n\x10\n\x01x\x12\vplaceholder", Unknown},
		{"ONNX ir_version 1 is older than any writer", "\x08\x01\x3a\x00", Unknown},
		{"ONNX ir_version then a varint field", "\x08\x07\x08\x01", Unknown},
		// Overlaps: the earlier format wins.
		{"tar whose first member is named x^a stays a tar", tarNamed("x^a"), Tar},
		{"tar whose first member is named ]…", tarNamed("]\x00\x00\x80\x00\xff\xff\xff\xff\xff\xff\xff\xff"), Tar},
		{"tar whose first member is named BZh9… is taken for bzip2", tarNamed("BZh91AY&SY"), Bzip2},
		{"safetensors whose length reads as a pickle is taken for one", "}.\x00\x00\x00\x00\x00\x00{", PickleNoProto},
	} {
		if got := Sniff([]byte(tc.head)); got != tc.want {
			t.Errorf("%s: Sniff = %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestMatchIgnoresOrder checks that a format's own test answers for that
// format alone: source.Refine relies on it to ask "is this any of these".
func TestMatchIgnoresOrder(t *testing.T) {
	b := []byte(tarFile(t, "x", tar.FormatUSTAR))
	copy(b, "BZh91AY&SY\x00")
	if Sniff(b) != Bzip2 || !Tar.Match(b) || !Bzip2.Match(b) {
		t.Errorf("tar named BZh9…: Sniff %s, Tar.Match %v, Bzip2.Match %v", Sniff(b), Tar.Match(b), Bzip2.Match(b))
	}
	if !Pickle.Match([]byte(torchLegacy)) || Sniff([]byte(torchLegacy)) != TorchLegacy {
		t.Error("a legacy torch file is a Pickle to Match and TorchLegacy to Sniff")
	}
	if PickleNoProto.Match([]byte(pickleP2)) {
		t.Error("PickleNoProto matched a pickle with PROTO")
	}
	if Unknown.Match(nil) || Unknown.Match([]byte("x")) || Format(200).Match([]byte(pickleP2)) {
		t.Error("Unknown or an undefined format matched")
	}
}

func TestRegistry(t *testing.T) {
	names := map[string]Format{}
	entries := Entries()
	if len(entries) != int(numFormats)-1 {
		t.Fatalf("Entries() has %d formats, want %d", len(entries), numFormats-1)
	}
	lastPickle, firstNoPickle, lastContainer, firstData := -1, len(entries), -1, len(entries)
	for i, e := range entries {
		if e.Format != Format(i+1) || table[e.Format].Format != e.Format {
			t.Errorf("entry %d is %s: the table is out of declaration order", i, e.Name)
		}
		if e.Name == "" || e.Match == nil {
			t.Errorf("%d: missing name or test", e.Format)
		}
		if prev, dup := names[e.Name]; dup {
			t.Errorf("%s and %s share the name %q", prev, e.Format, e.Name)
		}
		names[e.Name] = e.Format
		if e.Archive && e.Compressed {
			t.Errorf("%s is both an archive and a compressed stream", e.Name)
		}
		if (e.Archive || e.Compressed) && !e.HoldsPickle {
			t.Errorf("%s is a container that cannot hold a pickle", e.Name)
		}
		if e.Format.String() != e.Name || e.Format.IsArchive() != e.Archive || e.Format.IsCompressed() != e.Compressed ||
			e.Format.HoldsPickle() != e.HoldsPickle || e.Format.IsContainer() != (e.Archive || e.Compressed) {
			t.Errorf("%s: methods disagree with the entry", e.Name)
		}
		if e.HoldsPickle {
			lastPickle = i
		} else {
			firstNoPickle = min(firstNoPickle, i)
		}
		if e.Archive || e.Compressed {
			lastContainer = i
		} else {
			firstData = min(firstData, i)
		}
	}
	// The model scanner's recognised() and its container dispatch rely on
	// these two orders.
	if lastPickle > firstNoPickle {
		t.Error("a format that can hold a pickle sniffs after one that cannot")
	}
	if lastContainer > firstData {
		t.Error("a container format sniffs after a data format")
	}
	if Unknown.String() != "unknown" || Unknown.IsContainer() || Unknown.HoldsPickle() {
		t.Error("Unknown is not a blank format")
	}
	if s := Format(200).String(); s != "format(200)" || Format(200).HoldsPickle() {
		t.Errorf("undefined format: %q", s)
	}
	// Entries returns a copy.
	entries[0].Name = "changed"
	if Zip.String() != "zip" {
		t.Error("Entries shares the registry")
	}
}

func TestSafetensorsFits(t *testing.T) {
	h := []byte(safetensors) // declares an 88-byte header
	for _, tc := range []struct {
		size int64
		want bool
	}{{-1, true}, {96, true}, {104, true}, {95, false}, {10, false}} {
		if got := SafetensorsFits(h, tc.size); got != tc.want {
			t.Errorf("size %d: got %v, want %v", tc.size, got, tc.want)
		}
	}
	if SafetensorsFits([]byte(pickleP2), -1) {
		t.Error("a pickle fits as safetensors")
	}
}

func TestJoblibZFHeaderLen(t *testing.T) {
	for _, tc := range []struct {
		head string
		want int
	}{
		{joblibZF(t, false), 21},
		{joblibZF(t, true), 22},
		{"ZF0x31f", 0}, // cut short
		{"ZF0x" + strings.Repeat("f", 30), 0},
		{"ZF0X31f" + strings.Repeat(" ", 14), 0}, // hex() writes a lower-case x
		{"", 0},
	} {
		if got := JoblibZFHeaderLen([]byte(tc.head)); got != tc.want {
			t.Errorf("%q: got %d, want %d", tc.head[:min(len(tc.head), 24)], got, tc.want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	for _, tc := range realHeads(f) {
		f.Add([]byte(tc.head))
	}
	f.Add([]byte("]q\x00(K\x01K\x02e."))
	f.Add([]byte("\x80\x01cos\nsystem\n(S'id'\ntR."))
	f.Add([]byte("}.\x00\x00\x00\x00\x00\x00{"))
	paths, _ := filepath.Glob("../analyzers/model/testdata/*/*")
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b[:min(len(b), 2*HeadLen)])
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		orig := append([]byte(nil), b...)
		got := Sniff(b)
		if !bytes.Equal(b, orig) {
			t.Fatal("Sniff modified its input")
		}
		if again := Sniff(append([]byte(nil), b...)); again != got {
			t.Fatalf("not deterministic: %s then %s", got, again)
		}
		if got >= numFormats {
			t.Fatalf("undefined format %d", got)
		}
		// The result is the first format whose test matches.
		for f := Unknown + 1; f < numFormats; f++ {
			m := f.Match(b)
			if f < got && m {
				t.Fatalf("Sniff = %s but the earlier %s matches", got, f)
			}
			if f == got && !m {
				t.Fatalf("Sniff = %s but its test does not match", got)
			}
			// Every magic test decides within HeadLen bytes; only the
			// protocol 0/1 opcode walk may read further.
			if f != PickleNoProto && len(b) > HeadLen && m != f.Match(b[:HeadLen]) {
				t.Fatalf("%s decides differently on the first %d bytes", f, HeadLen)
			}
		}
		if got.IsContainer() && !got.HoldsPickle() {
			t.Fatalf("%s: container that holds no pickle", got)
		}
		SafetensorsFits(b, int64(len(b)))
		JoblibZFHeaderLen(b)
	})
}
