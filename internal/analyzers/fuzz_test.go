package analyzers

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/source"
)

// textKinds are the kinds read by text analyzers, indexed by the fuzzer's
// first input byte.
func textKinds() []source.Kind {
	var ks []source.Kind
	seen := map[source.Kind]bool{}
	for _, a := range All() {
		if a.Binary {
			continue
		}
		for _, k := range a.Kinds {
			if !seen[k] {
				seen[k] = true
				ks = append(ks, k)
			}
		}
	}
	return ks
}

// FuzzAnalyzers feeds mutated fixtures to every text analyzer as every kind
// it reads. An analyzer may reject input with an error; it must not panic
// or hang (the fuzzer's -timeout catches a hang). Seeds are the analyzers'
// own fixtures.
//
//	go test -run '^$' -fuzz FuzzAnalyzers -fuzztime 60s ./internal/analyzers
func FuzzAnalyzers(f *testing.F) {
	kinds := textKinds()
	_ = filepath.WalkDir(".", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(p), "/testdata/") || strings.HasSuffix(p, ".want") {
			return err
		}
		info, err := d.Info()
		if err != nil || info.Size() > 64<<10 {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		k, needs := source.ClassifyName(filepath.ToSlash(p))
		if needs {
			k = source.Refine(k, b)
		}
		for i, tk := range kinds {
			if tk == k {
				f.Add(byte(i), b)
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, which byte, content []byte) {
		kind := kinds[int(which)%len(kinds)]
		e := source.Entry{Path: "fuzz/input", Rel: "input", OS: filepath.Join(t.TempDir(), "input"), Size: int64(len(content)), Kind: kind}
		var as []*analysis.Analyzer
		for _, a := range All() {
			if !a.Binary && reads(a, kind) {
				as = append(as, a)
			}
		}
		// As the engine does: requirements (the shared Python parse) first,
		// their results handed to the analyzers that read them.
		results := map[*analysis.Analyzer]any{}
		for _, a := range analysis.Expand(as) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			p := analysis.NewPass(ctx, a, e, kind, nil, nil, analysis.Sinks{})
			p.Content = content
			if len(a.Requires) > 0 {
				p.ResultOf = map[*analysis.Analyzer]any{}
				for _, r := range a.Requires {
					p.ResultOf[r] = results[r]
				}
			}
			_ = a.Run(p) // errors are fine: the engine reports the file as failed
			results[a] = p.Result()
			cancel()
		}
	})
}

func reads(a *analysis.Analyzer, k source.Kind) bool {
	for _, x := range a.Kinds {
		if x == k {
			return true
		}
	}
	return false
}
