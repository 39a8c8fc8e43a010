package pyparse

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/python"
	"github.com/mlsec/mlsec/internal/source"
)

// A dependent that reads Python and shell gets the parse of each .py file
// and no result for the shell script: a requirement runs on every kind its
// dependents read, and a shell script parsed as Python would be waste.
func TestResultOnlyForPython(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"train.py": "import torch as T\nT.load(p)\n",
		"start.sh": "#!/bin/sh\nmlflow server --host 0.0.0.0\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	got := map[string]*python.Module{}
	errs := map[string]error{}
	dep := &analysis.Analyzer{
		Name: "dep", Kinds: []source.Kind{source.Python, source.Shell}, Requires: []*analysis.Analyzer{Analyzer},
		Run: func(p *analysis.Pass) error {
			m, err := Module(p)
			mu.Lock()
			defer mu.Unlock()
			got[filepath.Base(p.File.Path)], errs[filepath.Base(p.File.Path)] = m, err
			return nil
		},
	}
	if _, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{dep}, Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	m := got["train.py"]
	if errs["train.py"] != nil || m == nil || len(m.Calls) != 1 || m.Calls[0].Resolved != "torch.load" {
		t.Fatalf("train.py: module %+v, err %v; want one call resolved to torch.load", m, errs["train.py"])
	}
	if got["start.sh"] != nil || errs["start.sh"] == nil {
		t.Errorf("start.sh: module %v, err %v; want no module and an error", got["start.sh"], errs["start.sh"])
	}
}

// Run directly, without the engine adding the requirement, a dependent
// gets an error naming the missing result instead of a nil module.
func TestMissingResultIsAnError(t *testing.T) {
	dep := &analysis.Analyzer{Name: "dep", Kinds: []source.Kind{source.Python}}
	p := analysis.NewPass(context.Background(), dep, source.Entry{Path: "x.py"}, source.Python, nil, nil, analysis.Sinks{})
	if _, err := Module(p); err == nil || !strings.Contains(err.Error(), "pyparse") {
		t.Errorf("err = %v, want one naming pyparse", err)
	}
}
