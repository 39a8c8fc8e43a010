package pickle

import (
	"bytes"
	"context"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

// unusualOpeners are protocol 0/1 streams (no PROTO) that CPython's
// unpickler accepts and that run os.system: any opcode may appear without a
// PROTO header, and STACK_GLOBAL takes its names from any str.
var unusualOpeners = map[string]string{
	"binunicode-stack-global":      "X\x02\x00\x00\x00osX\x06\x00\x00\x00system\x93X\x02\x00\x00\x00id\x85R.",
	"short-binstring-stack-global": "U\x02osU\x06system\x93(U\x02idtR.",
	"string-stack-global":          "S'os'\nS'system'\n\x93(S'id'\ntR.",
	"unicode-stack-global":         "Vos\nVsystem\n\x93(Vid\ntR.",
	"empty-dict-opener":            "}(S'k'\ncos\nsystem\n(S'id'\ntRu.",
	"empty-tuple-opener":           ")0cos\nsystem\n(S'id'\ntR.",
	"none-pop-opener":              "N0\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R.",
	"binint-pop-opener":            "K\x010cos\nsystem\n(S'id'\ntR.",
	"mark-pop-mark-opener":         "(1cos\nsystem\n(S'id'\ntR.",
	"frame-opener":                 "\x95\x14\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R.",
	"memoized-names":               "U\x02osq\x00U\x06systemq\x01h\x00h\x01\x93(U\x02idtR.",
}

func TestLooksLikePickleUnusualOpeners(t *testing.T) {
	for name, p := range unusualOpeners {
		if !LooksLikePickle([]byte(p)) {
			t.Errorf("%s: LooksLikePickle = false", name)
		}
		res := Scan(context.Background(), bytes.NewReader([]byte(p)), Options{})
		found := false
		for _, is := range res.Issues {
			if is.Class == ClassDangerousGlobal && is.Severity == rule.Critical && is.Name == "system" {
				found = true
			}
		}
		if !found || res.Incomplete != nil {
			t.Errorf("%s: no critical os.system (incomplete %v): %+v", name, res.Incomplete, res.Issues)
		}
	}
}

func TestLooksLikePickleRefusesText(t *testing.T) {
	for _, s := range []string{
		"hello world\n", "Hello\n", "Version 1.0\nthis is text\n", "No way\n", "Nice to meet you\n",
		"ls -la\n", "cat file\nname\n", "class Foo:\n    pass\n", "import os\n", "def f():\n",
		"S'quoted' then text", "I1 is not\nan int\n", "]abc", "}{}", "(((((", "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((",
		"Usage: mlsec scan\n", "Xylophone\n", "README\n", "0 items\n", "2024-01-01,1,2\n", "a,b,c\n1,2,3\n",
		"KEY=value\n", "Q: what?\n", "]\n", "lp0\n", "good\nbad\n", "\x93NUMPY", "p0\n", "g0\n",
	} {
		if LooksLikePickle([]byte(s)) {
			t.Errorf("LooksLikePickle(%q) = true", s)
		}
	}
}
