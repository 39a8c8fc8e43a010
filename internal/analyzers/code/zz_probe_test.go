package code

import (
	"os"
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestZZProbe(t *testing.T) {
	d := os.Getenv("PROBE")
	if d == "" {
		t.Skip()
	}
	res := analysistest.Run(t, d, Analyzer)
	for _, f := range res.Findings {
		t.Logf("%s %s %s %s | %s", f.Location, f.RuleID, f.Severity, f.Confidence, f.Evidence)
	}
	for _, f := range res.Failed {
		t.Logf("FAILED %+v", f)
	}
}
