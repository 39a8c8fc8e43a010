package model

import (
	"context"
	"os"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/rule"
)

// joblibTestData is where Debian's python3-joblib installs joblib's own
// regression files: pickles and joblib dumps written by joblib 0.8 to 0.11
// under Python 2 and 3, raw and compressed with zlib, gzip, bz2, xz and lzma.
const joblibTestData = "/usr/lib/python3/dist-packages/joblib/test/data"

// TestJoblibRealFiles measures the model analyzer on real third-party
// benign files when the machine has them (skipped otherwise): every one must
// be read to the end, and none may get anything above low.
func TestJoblibRealFiles(t *testing.T) {
	if _, err := os.Stat(joblibTestData); err != nil {
		t.Skipf("python3-joblib's test data not installed: %v", err)
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{joblibTestData}, Analyzers: []*analysis.Analyzer{Analyzer}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Failed {
		t.Errorf("not fully analyzed: %s: %s", f.Path, f.Reason)
	}
	for _, f := range res.Findings {
		if f.Severity > rule.Low {
			t.Errorf("%s: %s %s: %s", f.Location, f.Severity, f.RuleID, f.Message)
		}
	}
	t.Logf("joblib test data: %d files analyzed, %d findings", res.Analyzed, len(res.Findings))
}
