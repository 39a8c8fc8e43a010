package config

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/source"
)

// BenchmarkAnalyzer runs the analyzer over 10 copies of each fixture kind
// (DVC, MLproject, Jupyter, shell, Airflow), reporting the cost per file.
func BenchmarkAnalyzer(b *testing.B) {
	type input struct {
		kind    source.Kind
		content []byte
	}
	var inputs []input
	for i := 0; i < 10; i++ {
		for _, f := range []struct {
			path string
			kind source.Kind
		}{{"testdata/err/dvc.yaml", source.DVCPipeline}, {"testdata/err/.dvc/config", source.DVCConfig}, {"testdata/err/MLproject", source.MLproject}, {"testdata/err/jupyter_server_config.py", source.JupyterConfig}, {"testdata/err/start_services.sh", source.Shell}, {"testdata/err/dags/retrain.py", source.Python}} {
			c, err := os.ReadFile(f.path)
			if err != nil {
				b.Fatal(err)
			}
			inputs = append(inputs, input{f.kind, append(c, fmt.Sprintf("\n# copy %d\n", i)...)})
		}
	}
	n := 0
	report := func(finding.Finding) { n++ }
	b.ResetTimer()
	for b.Loop() {
		for i, in := range inputs {
			e := source.Entry{Path: fmt.Sprintf("f%d", i), Size: int64(len(in.content))}
			p := analysis.NewPass(context.Background(), Analyzer, e, in.kind, report, nil, nil)
			p.Content = in.content
			if err := Analyzer.Run(p); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(inputs))/1000, "µs/file")
}
