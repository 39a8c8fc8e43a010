package ci

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/source"
)

// FuzzAnalyzer feeds hostile CI files to the analyzer as a workflow, an
// action and a GitLab file: it must neither panic nor hang. Seeds are the
// fixtures.
func FuzzAnalyzer(f *testing.F) {
	_ = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".want") {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(byte(len(p)), b)
		}
		return nil
	})
	names := []struct {
		path string
		kind source.Kind
	}{{".github/workflows/w.yml", source.GitHubActions}, {"action.yml", source.GitHubActions}, {".gitlab-ci.yml", source.GitLabCI}}
	f.Fuzz(func(t *testing.T, which byte, content []byte) {
		n := names[int(which)%len(names)]
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e := source.Entry{Path: n.path, Rel: n.path, Size: int64(len(content)), Kind: n.kind}
		p := analysis.NewPass(ctx, Analyzer, e, n.kind, nil, nil, analysis.Sinks{})
		p.Content = content
		_ = Analyzer.Run(p) // errors are fine: the engine reports the file
	})
}
