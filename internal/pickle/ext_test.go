package pickle

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

// TestExtResolved checks that EXT1/2/4 codes registered by the stream
// itself are reported as the callable they stand for, whichever way the
// registration is made.
func TestExtResolved(t *testing.T) {
	const code = "J\x04\x03\x02\x01" // BININT 16909060
	const ext = "\x84\x04\x03\x02\x01" + "(X\x02\x00\x00\x00idtR."
	osSystem := "X\x02\x00\x00\x00osX\x06\x00\x00\x00system"
	for name, p := range map[string]string{
		"add_extension":     "\x80\x02ccopyreg\nadd_extension\n(" + osSystem + code + "tR0" + ext,
		"inverted_registry": "\x80\x02ccopyreg\n_inverted_registry\n" + code + "(" + osSystem + "ts0" + ext,
		"extension_cache":   "\x80\x02ccopyreg\n_extension_cache\n" + code + "cposix\nsystem\ns0" + ext,
		"operator.setitem":  "\x80\x02c_operator\nsetitem\n(ccopyreg\n_inverted_registry\n" + code + "(" + osSystem + "ttR0" + ext,
		"ext1 setitems":     "\x80\x02ccopyreg\n_inverted_registry\n(K\x07(" + osSystem + "tu0\x82\x07(X\x02\x00\x00\x00idtR.",
	} {
		res := Scan(context.Background(), bytes.NewReader([]byte(p)), Options{})
		found := false
		for _, is := range res.Issues {
			if is.Class == ClassDangerousGlobal && is.Severity == rule.Critical && is.Name == "system" {
				found = true
			}
			if strings.HasPrefix(is.Name, "ext:") {
				t.Errorf("%s: code not resolved: %+v", name, is)
			}
		}
		if !found || res.Incomplete != nil {
			t.Errorf("%s: no critical system call (incomplete %v): %+v", name, res.Incomplete, res.Issues)
		}
	}
}
