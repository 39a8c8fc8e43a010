package analysistest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/source"
)

// Benchmark runs a text analyzer over the files matching the glob patterns
// (sidecars, files expected to fail and files whose kind a is not run on
// are left out), classified
// as the engine would, and reports the cost per file. It measures the
// analyzer alone: no walk and no file reads.
func Benchmark(b *testing.B, a *analysis.Analyzer, patterns ...string) {
	type input struct {
		entry   source.Entry
		kind    source.Kind
		content []byte
	}
	reads := map[source.Kind]bool{}
	for _, k := range a.Kinds {
		reads[k] = true
	}
	var inputs []input
	var total int64
	for _, pat := range patterns {
		paths, err := filepath.Glob(pat)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range paths {
			info, err := os.Stat(p)
			if err != nil || info.IsDir() || strings.HasSuffix(p, ".want") || expectsFailure(p) {
				continue
			}
			content, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			k, needs := source.ClassifyName(filepath.ToSlash(p))
			if needs {
				k = source.Refine(k, content)
			}
			if !reads[k] {
				continue
			}
			e := source.Entry{Path: filepath.ToSlash(p), Rel: filepath.Base(p), OS: p, Size: int64(len(content)), Kind: k}
			inputs = append(inputs, input{e, k, content})
			total += int64(len(content))
		}
	}
	if len(inputs) == 0 {
		b.Fatalf("no input for the %s analyzer in %v", a.Name, patterns)
	}
	ctx := context.Background()
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, in := range inputs {
			p := analysis.NewPass(ctx, a, in.entry, in.kind, nil, nil, analysis.Sinks{})
			p.Content = in.content
			if err := a.Run(p); err != nil {
				b.Fatalf("%s: %v", in.entry.Path, err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(inputs)), "µs/file")
}

// expectsFailure reports whether a fixture's sidecar says it must fail.
func expectsFailure(p string) bool {
	b, err := os.ReadFile(p + ".want")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "failed" {
			return true
		}
	}
	return false
}
