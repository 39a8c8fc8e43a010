package code

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/finding"
)

func TestRulesValid(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Analyzer.Rules {
		if err := r.Validate(); err != nil {
			t.Error(err)
		}
		if r.Family() != Analyzer.Name {
			t.Errorf("rule %s is not in family %s", r.ID, Analyzer.Name)
		}
		if seen[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		seen[r.ID] = true
	}
}

func TestPositives(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestNegatives(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

func TestInvalidNotebook(t *testing.T) {
	res := analysistest.Run(t, "testdata/bad", Analyzer)
	if len(res.Failed) != 1 || res.Failed[0].Reason != "invalid notebook JSON at line 5: invalid character 'o' after array element" {
		t.Errorf("failed = %+v", res.Failed)
	}
}

// TestNotebookLocations checks the cell, the line in the cell and the file
// column that notebook findings carry.
func TestNotebookLocations(t *testing.T) {
	res := analysistest.Run(t, "testdata/err", Analyzer)
	want := map[string]finding.Location{
		"code/pandas-read-pickle": {Line: 28, Column: 11, Cell: 3, CellLine: 2},
		"code/pickle-load":        {Line: 49, Column: 18, Cell: 5, CellLine: 2},
		"code/torch-load-unsafe":  {Line: 59, Column: 14, Cell: 6, CellLine: 1},
		"code/joblib-load":        {Line: 81, Column: 73, Cell: 8, CellLine: 3},
	}
	n := 0
	for _, f := range res.Findings {
		if f.Location.Path != "testdata/err/explore_churn.ipynb" {
			continue
		}
		n++
		w, ok := want[f.RuleID]
		if !ok {
			continue
		}
		got := f.Location
		if got.Line != w.Line || got.Column != w.Column || got.Cell != w.Cell || got.CellLine != w.CellLine {
			t.Errorf("%s at %s, want line %d col %d cell %d line %d", f.RuleID, got, w.Line, w.Column, w.Cell, w.CellLine)
		}
	}
	if n != 5 {
		t.Errorf("%d findings in the notebook, want 5", n)
	}
}
