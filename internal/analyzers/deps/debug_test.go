package deps

import (
	"context"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
)

func TestDebugDump(t *testing.T) {
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{"testdata/err"}, Analyzers: []*analysis.Analyzer{Analyzer}, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Logf("%s %s %s | %s | %s", f.Location, f.RuleID, f.Severity, f.Evidence, f.Message)
	}
	for _, a := range res.Assets {
		t.Logf("asset %s %v", a.ID, a.Attrs)
	}
	t.Logf("skipped %v failed %v analyzed %d", res.Skipped, res.Failed, res.Analyzed)
}
