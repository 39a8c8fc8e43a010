package config

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/analyzers/pyparse"
	"github.com/mlsec/mlsec/internal/source"
)

// BenchmarkAnalyzer measures the analyzer per file over its realistic
// fixtures, Airflow DAGs aside (see BenchmarkAirflow): analysistest.Benchmark
// runs the analyzer alone, without the pyparse result DAGs are read from.
func BenchmarkAnalyzer(b *testing.B) {
	analysistest.Benchmark(b, Analyzer, "testdata/err/*", "testdata/err/torchserve/*", "testdata/err/.dvc/config",
		"testdata/ok/*", "testdata/ok/torchserve/*")
}

// BenchmarkAirflow measures the DAG check per file, the shared parse
// included, as the engine runs them: pyparse, then this analyzer.
func BenchmarkAirflow(b *testing.B) {
	paths, err := filepath.Glob("testdata/*/dags/*.py")
	if err != nil || len(paths) == 0 {
		b.Fatalf("no DAG fixtures: %v", err)
	}
	type input struct {
		entry   source.Entry
		content []byte
	}
	var inputs []input
	var total int64
	for _, p := range paths {
		content, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, input{source.Entry{Path: filepath.ToSlash(p), Rel: filepath.Base(p), OS: p, Size: int64(len(content)), Kind: source.Python}, content})
		total += int64(len(content))
	}
	ctx := context.Background()
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range inputs {
			pp := analysis.NewPass(ctx, pyparse.Analyzer, in.entry, source.Python, nil, nil, analysis.Sinks{})
			pp.Content = in.content
			if err := pyparse.Analyzer.Run(pp); err != nil {
				b.Fatal(err)
			}
			p := analysis.NewPass(ctx, Analyzer, in.entry, source.Python, nil, nil, analysis.Sinks{})
			p.Content = in.content
			p.ResultOf = map[*analysis.Analyzer]any{pyparse.Analyzer: pp.Result()}
			if err := Analyzer.Run(p); err != nil {
				b.Fatalf("%s: %v", in.entry.Path, err)
			}
		}
	}
}
