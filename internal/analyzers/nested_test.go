package analyzers

import (
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

// Text members of archives (a handler in a Lambda deployment zip, training
// code in a tarball) are analyzed as the files their names say they are,
// never sniffed as protocol-0 pickles; a file named like a model whose
// content is no known format is reported as not analyzed, not clean.
func TestArchiveMembersByKind(t *testing.T) {
	res := analysistest.Run(t, "testdata/nested", All()...)
	for _, f := range res.Findings {
		if strings.HasPrefix(f.RuleID, "model/") {
			t.Errorf("text member sniffed as a model: %s %s", f.RuleID, f.Location)
		}
	}
	for _, s := range res.NotAnalyzed {
		if strings.HasSuffix(s.Path, "weights.pt") && !strings.Contains(s.Reason, "no known model or archive format") {
			t.Errorf("weights.pt: %s", s.Reason)
		}
	}
}
