package container

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

// BenchmarkAnalyzer measures the analyzer per file over its realistic fixtures.
func BenchmarkAnalyzer(b *testing.B) {
	analysistest.Benchmark(b, Analyzer, "testdata/err/*", "testdata/ok/*", "testdata/ok/*/*")
}
