package iac

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

// BenchmarkAnalyzer measures the analyzer per file over its realistic fixtures.
func BenchmarkAnalyzer(b *testing.B) {
	analysistest.Benchmark(b, Analyzer, "testdata/err/*.tf", "testdata/ok/*.tf", "../../../examples/credit-risk/infra/*.tf")
}
