package model

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// payload is GLOBAL posix.system called with an inert string, as bytes.
var payload = []byte("\x80\x02cposix\nsystem\n(X\x0b\x00\x00\x00echo pwnedtR.")

// scanFiles runs the analyzer over files written to a temporary folder.
func scanFiles(t *testing.T, files map[string][]byte) []finding.Finding {
	t.Helper()
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failed {
		t.Logf("failed: %+v", f)
	}
	return res.Findings
}

func topSeverity(fs []finding.Finding, ruleID string) rule.Severity {
	var s rule.Severity
	for _, f := range fs {
		if ruleID == "" || f.RuleID == ruleID {
			s = max(s, f.Severity)
		}
	}
	return s
}

// zipEntry is one central-directory entry of a hand-built zip.
type zipEntry struct {
	name   string
	method uint16
	local  int // index of the local record it points at
}

// handZip writes one local record per data blob and then the central
// entries as given, which may point several names at one record.
func handZip(blobs []struct {
	name   string
	method uint16
	data   []byte
}, entries []zipEntry) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	type rec struct {
		off         int
		crc         uint32
		csize, size int
	}
	var recs []rec
	for _, bl := range blobs {
		raw := bl.data
		if bl.method == 8 {
			var c bytes.Buffer
			w, _ := flate.NewWriter(&c, flate.BestCompression)
			w.Write(bl.data)
			w.Close()
			raw = c.Bytes()
		}
		r := rec{off: b.Len(), crc: crc32.ChecksumIEEE(bl.data), csize: len(raw), size: len(bl.data)}
		recs = append(recs, r)
		h := make([]byte, 30)
		copy(h, "PK\x03\x04")
		le.PutUint16(h[4:], 20)
		le.PutUint16(h[8:], bl.method)
		le.PutUint32(h[14:], r.crc)
		le.PutUint32(h[18:], uint32(r.csize))
		le.PutUint32(h[22:], uint32(r.size))
		le.PutUint16(h[26:], uint16(len(bl.name)))
		b.Write(h)
		b.WriteString(bl.name)
		b.Write(raw)
	}
	cdStart := b.Len()
	for _, e := range entries {
		r := recs[e.local]
		h := make([]byte, 46)
		copy(h, "PK\x01\x02")
		le.PutUint16(h[4:], 20)
		le.PutUint16(h[6:], 20)
		le.PutUint16(h[10:], e.method)
		le.PutUint32(h[16:], r.crc)
		le.PutUint32(h[20:], uint32(r.csize))
		le.PutUint32(h[24:], uint32(r.size))
		le.PutUint16(h[28:], uint16(len(e.name)))
		le.PutUint32(h[42:], uint32(r.off))
		b.Write(h)
		b.WriteString(e.name)
	}
	cdSize := b.Len() - cdStart
	eocd := make([]byte, 22)
	copy(eocd, "PK\x05\x06")
	le.PutUint16(eocd[8:], uint16(len(entries)))
	le.PutUint16(eocd[10:], uint16(len(entries)))
	le.PutUint32(eocd[12:], uint32(cdSize))
	le.PutUint32(eocd[16:], uint32(cdStart))
	b.Write(eocd)
	return b.Bytes()
}

type blob = struct {
	name   string
	method uint16
	data   []byte
}

// TestOverlapWithSkippedMember: a central entry named like a tensor storage
// (which the scanner skips by name) listed before archive/data.pkl, both
// pointing at the same local record. torch.load unpickles data.pkl.
func TestOverlapWithSkippedMember(t *testing.T) {
	z := handZip([]blob{{"archive/data.pkl", 0, payload}, {"archive/version", 0, []byte("3\n")}},
		[]zipEntry{{"archive/data/0", 0, 0}, {"archive/data.pkl", 0, 0}, {"archive/version", 0, 1}})
	fs := scanFiles(t, map[string][]byte{"model.pt": z})
	if topSeverity(fs, rules.PickleDangerousCall.ID) != rule.Critical {
		t.Fatalf("payload behind an overlapping storage entry missed: %+v", fs)
	}
}

// TestOverlapDifferentMethod: two central entries share one deflated local
// record; the first says stored (garbage), the second deflate (the pickle).
// PyTorch's reader takes the method from the central directory.
func TestOverlapDifferentMethod(t *testing.T) {
	z := handZip([]blob{{"archive/data.pkl", 8, payload}},
		[]zipEntry{{"archive/extra.bin", 0, 0}, {"archive/data.pkl", 8, 0}})
	fs := scanFiles(t, map[string][]byte{"model.pt": z})
	if topSeverity(fs, rules.PickleDangerousCall.ID) != rule.Critical {
		t.Fatalf("deflated payload behind a stored overlapping entry missed: %+v", fs)
	}
}

// TestEarlyStopInFrameIsHigh: the STOP-inside-FRAME desync is reported at
// high, not at the default medium of a malformed stream.
func TestEarlyStopInFrameIsHigh(t *testing.T) {
	// PROTO 4, FRAME 3, NONE, STOP, NONE (rest of frame), then STOP.
	p := []byte("\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00N.N.")
	fs := scanFiles(t, map[string][]byte{"frame.pkl": p})
	if topSeverity(fs, rules.PickleMalformed.ID) != rule.High {
		t.Fatalf("findings: %+v", fs)
	}
}

var _ = strings.Contains

// npyFile builds a version-1 .npy with the given header dict and data.
func npyFile(header string, data []byte) []byte {
	header += strings.Repeat(" ", 63-(10+len(header))%64) + "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	return append(append(b, header...), data...)
}

// TestNPYObjectSpellings: numpy.dtype('object') and friends are object
// dtypes; numpy.load(allow_pickle=True) unpickles the data after them.
func TestNPYObjectSpellings(t *testing.T) {
	files := map[string][]byte{}
	for i, d := range []string{`'object'`, `'\x4f'`, `'obj' 'ect'`, `'i4, O'`} {
		files[string(rune('a'+i))+".npy"] = npyFile("{'descr': "+d+", 'fortran_order': False, 'shape': (1,), }", payload)
	}
	// numpy accepts a bool dimension (bool is an int); the header check
	// here does not, which must not hide the pickle.
	files["e.npy"] = npyFile("{'descr': 'O', 'fortran_order': False, 'shape': (True,), }", payload)
	fs := scanFiles(t, files)
	got := map[string]bool{}
	for _, f := range fs {
		if f.RuleID == rules.PickleDangerousCall.ID && f.Severity == rule.Critical {
			got[filepath.Base(f.Location.Path)] = true
		}
	}
	for name := range files {
		if !got[name] {
			t.Errorf("%s: payload after the header missed", name)
		}
	}
}

// TestNPYPlainNotNoisy: a float array whose header is fine gives nothing,
// and one with an odd but non-object dtype whose data is numbers gives
// nothing above low.
func TestNPYPlainNotNoisy(t *testing.T) {
	data := bytes.Repeat([]byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, 4)
	fs := scanFiles(t, map[string][]byte{
		"plain.npy": npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", data),
		"named.npy": npyFile("{'descr': 'float64', 'fortran_order': False, 'shape': (4,), }", data),
	})
	if s := topSeverity(fs, ""); len(fs) > 0 && s > rule.Low {
		t.Fatalf("benign npy findings: %+v", fs)
	}
}

// TestBombMembersFolded: a zip of many members that are each a
// decompression bomb is one scan-limit finding with the count, not one
// per member; the file is still reported as not fully analyzed.
func TestBombMembersFolded(t *testing.T) {
	const members = 30
	var blobs []blob
	var entries []zipEntry
	// A pickle of one 2 MiB bytes object of zeros: it deflates over 100:1
	// and is read past the 1 MiB floor.
	const size = 2 << 20
	p := binary.LittleEndian.AppendUint32([]byte("\x80\x03B"), size)
	p = append(append(p, make([]byte, size)...), '.')
	for i := range members {
		name := fmt.Sprintf("bomb%d.pkl", i)
		blobs = append(blobs, blob{name, 8, p})
		entries = append(entries, zipEntry{name, 8, i})
	}
	fs := scanFiles(t, map[string][]byte{"bombs.zip": handZip(blobs, entries)})
	var limits []finding.Finding
	for _, f := range fs {
		if f.RuleID == rules.ScanLimit.ID {
			limits = append(limits, f)
		}
	}
	if len(limits) != 1 {
		t.Fatalf("%d scan-limit findings, want 1: %+v", len(limits), limits)
	}
	f := limits[0]
	want := fmt.Sprintf("(%d occurrences in this file; the next %d listed as related locations)", members, maxRelated)
	if !strings.Contains(f.Message, "decompression bomb") || !strings.Contains(f.Message, want) || len(f.Related) != maxRelated || !f.Inconclusive {
		t.Errorf("folded bomb finding: %q, %d related, inconclusive %v; want %q", f.Message, len(f.Related), f.Inconclusive, want)
	}
}

// TestKerasLambdasFolded: a config with many Lambda layers is one finding
// per kind, the first layer in key order named, the count in the message.
func TestKerasLambdasFolded(t *testing.T) {
	var layers []string
	for i := range 40 {
		layers = append(layers, fmt.Sprintf(`{"class_name": "Lambda", "config": {"name": "l%02d"}}`, i))
	}
	cfg := `{"class_name": "Sequential", "config": {"layers": [` + strings.Join(layers, ",") + `]}}`
	z := handZip([]blob{{"config.json", 8, []byte(cfg)}}, []zipEntry{{"config.json", 8, 0}})
	fs := scanFiles(t, map[string][]byte{"many.keras": z})
	if len(fs) != 1 || fs[0].RuleID != rules.KerasCode.ID || !strings.Contains(fs[0].Message, `"l00"`) || !strings.Contains(fs[0].Message, "(40 occurrences") {
		t.Fatalf("findings: %+v", fs)
	}
}
