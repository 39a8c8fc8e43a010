package ci

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

// BenchmarkAnalyzer measures the analyzer per file over its realistic fixtures.
func BenchmarkAnalyzer(b *testing.B) {
	analysistest.Benchmark(b, Analyzer, "testdata/err/.github/workflows/*", "testdata/ok/.github/workflows/*", "testdata/err/gitlab/.gitlab-ci.yml", "testdata/ok/gitlab/.gitlab-ci.yml")
}
