package deps

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestRulesValidate(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if err := r.Validate(); err != nil {
			t.Error(err)
		}
		if r.Family() != Analyzer.Name {
			t.Errorf("rule %s: family is not %q", r.ID, Analyzer.Name)
		}
		if seen[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		seen[r.ID] = true
	}
}

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }
