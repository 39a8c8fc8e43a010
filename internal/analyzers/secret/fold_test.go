package secret

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/analyzers/config"
	"github.com/mlsec/mlsec/internal/analyzers/container"
	"github.com/mlsec/mlsec/internal/analyzers/deps"
	"github.com/mlsec/mlsec/internal/analyzers/k8s"
)

// TestOneKeyOneFinding: where an input family's context rule reports a
// credential (ENV in a Dockerfile, compose environment, .dvc/config, an
// index URL), the detector's finding on the same line is folded into it:
// one leaked key, one finding, naming the credential asset.
func TestOneKeyOneFinding(t *testing.T) {
	res := analysistest.Run(t, "testdata/fold", Analyzer, container.Analyzer, config.Analyzer, deps.Analyzer, k8s.Analyzer)
	for _, f := range res.Findings {
		if f.Rule.Family() != "secret" {
			continue
		}
		credential := false
		for _, a := range f.Assets {
			credential = credential || len(a) > len("credential:leaked:") && a[:len("credential:leaked:")] == "credential:leaked:"
		}
		if !credential {
			t.Errorf("%s:%d %s names no leaked-credential asset: %v", f.Location.Path, f.Location.Line, f.RuleID, f.Assets)
		}
	}
}
