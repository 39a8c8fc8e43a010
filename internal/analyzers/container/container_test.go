package container

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestRulesValid(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Analyzer.Rules {
		if err := r.Validate(); err != nil {
			t.Error(err)
		}
		if seen[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		seen[r.ID] = true
	}
}

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }
