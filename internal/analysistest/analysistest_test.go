package analysistest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

var badRule = &rule.Rule{ID: "test/bad", Title: "t", Severity: rule.High, Phase: rule.Development,
	Techniques: []string{"AML.T0011.000"}, Summary: "s", Fix: "f"}

// marker reports each line containing "BAD".
var marker = &analysis.Analyzer{
	Name: "test", Kinds: []source.Kind{source.Python}, Rules: []*rule.Rule{badRule},
	Run: func(p *analysis.Pass) error {
		for i, l := range strings.Split(string(p.Content), "\n") {
			if strings.Contains(l, "BAD") {
				p.Report(analysis.Diagnostic{Rule: badRule, Location: p.Line(i+1, 1), Evidence: l, Message: "bad"})
			}
		}
		return nil
	},
}

// recorder captures the harness's complaints instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, a ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, a...))
}
func (r *recorder) Error(a ...any) { r.errs = append(r.errs, fmt.Sprint(a...)) }
func (r *recorder) Helper()        {}

// The harness must catch both a missing and an unexpected finding.
func TestHarnessReportsMissingAndExtra(t *testing.T) {
	rec := &recorder{TB: t}
	Run(rec, "testdata/harness", marker)
	got := strings.Join(rec.errs, "\n")
	if len(rec.errs) != 2 ||
		!strings.Contains(got, "missing finding: a.py:2 test/bad") ||
		!strings.Contains(got, "unexpected finding: a.py:5 test/bad") {
		t.Errorf("harness complaints:\n%s", got)
	}
}

func TestSidecar(t *testing.T) {
	Run(t, "testdata/sidecar", marker)
}

// Severity and message pins are compared, not just rule and line.
func TestHarnessPinsSeverityAndMessage(t *testing.T) {
	rec := &recorder{TB: t}
	Run(rec, "testdata/pinned", marker)
	got := strings.Join(rec.errs, "\n")
	for _, want := range []string{
		`missing finding: a.py:2 test/bad@low (got high "bad")`,
		`missing finding: a.py:3 test/bad "^good$" (got high "bad")`,
		`unexpected finding: a.py:2 test/bad@high: bad`,
		`unexpected finding: a.py:3 test/bad@high: bad`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("harness complaints lack %q:\n%s", want, got)
		}
	}
	if len(rec.errs) != 4 {
		t.Errorf("want 4 complaints, got %d:\n%s", len(rec.errs), got)
	}
}
