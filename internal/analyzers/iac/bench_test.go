package iac

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/source"
)

// BenchmarkAnalyzer runs the analyzer over 30 Terraform files (the fixtures
// and the example project, repeated), so one op is 30 files.
func BenchmarkAnalyzer(b *testing.B) {
	var paths []string
	for _, pat := range []string{"testdata/err/*.tf", "testdata/ok/*.tf", "../../../examples/credit-risk/infra/*.tf"} {
		m, _ := filepath.Glob(pat)
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		b.Fatal("no Terraform files")
	}
	type file struct {
		path string
		src  []byte
	}
	var files []file
	for len(files) < 30 {
		p := paths[len(files)%len(paths)]
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, file{p, src})
	}
	var bytes int64
	for _, f := range files {
		bytes += int64(len(f.src))
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	ctx := context.Background()
	nop := func(finding.Finding) {}
	for b.Loop() {
		for _, f := range files {
			p := analysis.NewPass(ctx, Analyzer, source.Entry{Path: f.path, Size: int64(len(f.src))}, source.Terraform, nop,
				func(finding.Asset) {}, func(finding.Edge) {})
			p.Content = f.src
			if err := Analyzer.Run(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}
