package k8s

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/atlas"
)

func TestRules(t *testing.T) {
	cat := atlas.Default()
	seen := map[string]bool{}
	for _, r := range Analyzer.Rules {
		if err := r.Validate(); err != nil {
			t.Error(err)
		}
		if seen[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		seen[r.ID] = true
		for _, id := range r.Techniques {
			if cat.Technique(id) == nil {
				t.Errorf("rule %s: unknown ATLAS technique %s", r.ID, id)
			}
		}
		for _, id := range r.Mitigations {
			if cat.Mitigation(id) == nil {
				t.Errorf("rule %s: unknown ATLAS mitigation %s", r.ID, id)
			}
		}
	}
	for _, r := range OwnRules {
		if r.Family() != Analyzer.Name {
			t.Errorf("rule %s: family is not %q", r.ID, Analyzer.Name)
		}
	}
}

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }
