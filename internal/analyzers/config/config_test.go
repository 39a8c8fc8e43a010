package config

import (
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestRulesValid(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Analyzer.Rules {
		if err := r.Validate(); err != nil {
			t.Error(err)
		}
		if r.Family() != "config" {
			t.Errorf("%s: family %q, want config", r.ID, r.Family())
		}
		if seen[r.ID] {
			t.Errorf("rule %s listed twice", r.ID)
		}
		seen[r.ID] = true
	}
}

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

func TestMalformed(t *testing.T) {
	res := analysistest.Run(t, "testdata/bad", Analyzer)
	for _, f := range res.Failed {
		if !strings.Contains(f.Reason, "line") && !strings.Contains(f.Reason, ":") {
			t.Errorf("%s: failure reason %q does not name a line", f.Path, f.Reason)
		}
	}
}

func TestAliasBomb(t *testing.T) {
	start := time.Now()
	analysistest.Run(t, "testdata/bomb", Analyzer)
	// A hang guard, not a speed target: expanded, the bomb is billions of nodes.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("alias bomb took %v", d)
	}
}
