package ci

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

// Malformed YAML, valid YAML that is not a workflow, a workflow with a
// broken job and action metadata without runs: each is reported as not
// analyzed with the parser's position, never passed as clean.
func TestMalformed(t *testing.T) {
	res := analysistest.Run(t, "testdata/bad", Analyzer)
	for _, f := range res.NotAnalyzed {
		if !strings.Contains(f.Reason, "line") && !strings.Contains(f.Reason, "runs") && !strings.Contains(f.Reason, "top level") {
			t.Errorf("%s: reason %q names no line", f.Path, f.Reason)
		}
	}
}

// An alias bomb (nine levels of nine aliases) in a workflow and in a GitLab
// file is refused before actionlint walks it: the file fails (a limit hit),
// quickly.
func TestAliasBomb(t *testing.T) {
	start := time.Now()
	res := analysistest.Run(t, "testdata/bomb", Analyzer)
	for _, f := range res.Failed {
		if !strings.Contains(f.Reason, "alias bomb") {
			t.Errorf("%s: reason %q", f.Path, f.Reason)
		}
	}
	// A hang guard, not a speed target: expanded, the bomb is 387 million nodes.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("alias bomb took %v", d)
	}
}

// A workflow over the size limit fails the file with the limit named.
func TestHugeFile(t *testing.T) {
	dir := t.TempDir()
	wf := filepath.Join(dir, ".github", "workflows")
	if err := os.MkdirAll(wf, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("name: huge\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n")
	for b.Len() <= maxFileSize {
		b.WriteString("      - run: echo training step with a long enough line to fill the file quickly\n")
	}
	if err := os.WriteFile(filepath.Join(wf, "huge.yml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 1 || !strings.Contains(res.Failed[0].Reason, "limit for workflow files") {
		t.Errorf("failed = %+v, want huge.yml over the workflow size limit", res.Failed)
	}
}
