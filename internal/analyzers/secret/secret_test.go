package secret

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/analyzers/model"
)

func TestFixtures(t *testing.T) {
	for _, dir := range []string{"testdata/err", "testdata/ok", "testdata/notebook"} {
		t.Run(dir, func(t *testing.T) { analysistest.Run(t, dir, Analyzer) })
	}
}

// TestArchiveMembers: text members of a deployment zip reach the analyzer
// through the model analyzer's Pass.Nested, located at the member.
func TestArchiveMembers(t *testing.T) {
	analysistest.Run(t, "testdata/archive", Analyzer, model.Analyzer)
}
