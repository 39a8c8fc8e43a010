package engine

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

var otherRule = &rule.Rule{ID: "test/other", Title: "other", Severity: rule.Low, Phase: rule.Design,
	Techniques: []string{"AML.T0011.000"}, Summary: "s", Fix: "f"}

// An analyzer that reports a rule it did not declare fails the file, and
// the finding never reaches the result: undeclared rules would escape
// --disable and have no documentation.
func TestUndeclaredRuleRejected(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.py", "x = 1\n")
	rogue := &analysis.Analyzer{
		Name: "rogue", Kinds: []source.Kind{source.Python}, Rules: []*rule.Rule{testRule},
		Run: func(p *analysis.Pass) error {
			p.Report(analysis.Diagnostic{Rule: testRule, Location: p.Line(1, 1), Message: "declared"})
			p.Report(analysis.Diagnostic{Rule: otherRule, Location: p.Line(1, 1), Message: "undeclared"})
			return nil
		},
	}
	res := scan(t, Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{rogue}})
	if len(res.Findings) != 1 || res.Findings[0].RuleID != "test/bad" {
		t.Fatalf("findings = %+v, want only the declared test/bad", res.Findings)
	}
	reason := reasonOf(res.Failed, dir+"/a.py")
	if !strings.Contains(reason, "test/other") || !strings.Contains(reason, "does not declare") {
		t.Errorf("failed reason = %q, want it to name the undeclared rule", reason)
	}
}

// A severity override needs a reason, and the reason reaches the finding.
func TestSeverityOverrideCarriesReason(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.py", "x = 1\n")
	a := &analysis.Analyzer{
		Name: "sev", Kinds: []source.Kind{source.Python}, Rules: []*rule.Rule{testRule},
		Run: func(p *analysis.Pass) error {
			p.Report(analysis.Diagnostic{Rule: testRule, Location: p.Line(1, 1), Message: "no reason", Severity: rule.Critical})
			p.Report(analysis.Diagnostic{Rule: testRule, Location: p.Line(1, 2), Message: "raised", Severity: rule.Critical, SeverityReason: "public address"})
			return nil
		},
	}
	res := scan(t, Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{a}})
	got := map[string]string{}
	for _, f := range res.Findings {
		got[f.Message] = f.Severity.String() + "/" + f.SeverityReason
	}
	if got["no reason"] != "high/" || got["raised"] != "critical/public address" {
		t.Errorf("severities = %v", got)
	}
}

// A project-level analyzer runs once per scan, after every file, and sees
// the per-file findings and the whole index.
func TestProjectAnalyzerRunsOnce(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.py", "BAD\n")
	write(t, dir, "b.py", "ok\n")
	write(t, dir, "sub/c.py", "BAD\n")
	var runs atomic.Int32
	var sawFindings, sawFiles int
	proj := &analysis.Analyzer{
		Name: "proj", Rules: []*rule.Rule{otherRule},
		Project: func(p *analysis.ProjectPass) error {
			runs.Add(1)
			sawFindings, sawFiles = len(p.Findings), p.Index.Len()
			p.Report(analysis.Diagnostic{Rule: otherRule, Message: "project note"})
			return nil
		},
	}
	res := scan(t, Options{Paths: []string{dir}, Jobs: 4, Analyzers: []*analysis.Analyzer{markerAnalyzer, proj}})
	if runs.Load() != 1 {
		t.Fatalf("project analyzer ran %d times, want 1", runs.Load())
	}
	if sawFindings != 2 || sawFiles != 3 {
		t.Errorf("project pass saw %d findings and %d files, want 2 and 3", sawFindings, sawFiles)
	}
	var note int
	for _, f := range res.Findings {
		if f.RuleID == "test/other" {
			note++
			if f.Location.Path != dir || f.Fingerprint == "" {
				t.Errorf("project finding at %q with fingerprint %q, want the scan root and a fingerprint", f.Location.Path, f.Fingerprint)
			}
		}
	}
	if note != 1 {
		t.Errorf("project findings = %d, want 1", note)
	}
}

// Context read through the pass comes from the index: excluded and
// gitignored files are not there, links are never followed, and files over
// the text size limit are left out.
func TestSiblingsHonourExcludesAndLimits(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "app/main.tf", "# analyzed\n")
	write(t, dir, "app/vars.tf", "variable \"a\" {}\n")
	write(t, dir, "app/secret.tf", "excluded\n")
	write(t, dir, "app/ignored.tf", "gitignored\n")
	write(t, dir, "app/big.tf", strings.Repeat("#", 2048)+"\n")
	write(t, dir, "app/notes.py", "not terraform\n")
	write(t, dir, ".gitignore", "ignored.tf\n")
	linkTarget := write(t, t.TempDir(), "outside.tf", "outside the root\n")
	if err := symlink(linkTarget, dir+"/app/link.tf"); err != nil {
		t.Skip(err)
	}
	seen := map[string][]string{}
	a := &analysis.Analyzer{
		Name: "tf", Kinds: []source.Kind{source.Terraform}, Rules: []*rule.Rule{testRule},
		Run: func(p *analysis.Pass) error {
			for _, s := range p.Siblings(source.Terraform) {
				seen[p.File.Rel] = append(seen[p.File.Rel], s.Path[len(dir)+1:])
			}
			return nil
		},
	}
	scan(t, Options{Paths: []string{dir}, Jobs: 1, MaxTextSize: 1024, Excludes: []string{"app/secret.tf"}, Analyzers: []*analysis.Analyzer{a}})
	got := strings.Join(seen["app/main.tf"], ",")
	if got != "app/vars.tf" {
		t.Errorf("siblings of app/main.tf = %q, want only app/vars.tf", got)
	}
}

func symlink(target, link string) error { return os.Symlink(target, link) }

// Each selector of a multi-ID ignore that suppresses nothing is reported on
// its own, and an ignore anywhere on a multi-line finding's span applies.
func TestInlineIgnorePerSelectorAndSpan(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.py", "x = BAD  # mlsec: ignore[test/bad, test/other, code] why\ncall(\n  BAD,  # mlsec: ignore[test/bad] inside the span\n)\n")
	span := &analysis.Analyzer{
		Name: "span", Kinds: []source.Kind{source.Python}, Rules: []*rule.Rule{testRule},
		Run: func(p *analysis.Pass) error {
			p.Report(analysis.Diagnostic{Rule: testRule, Location: p.Line(1, 5), Message: "one line"})
			loc := p.Line(2, 1)
			loc.EndLine = 4
			p.Report(analysis.Diagnostic{Rule: testRule, Location: loc, Message: "three lines"})
			return nil
		},
	}
	res := scan(t, Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{span}})
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s:%d %s", f.RuleID, f.Location.Line, f.Evidence))
	}
	want := "mlsec/unused-ignore:1 mlsec: ignore[code],mlsec/unused-ignore:1 mlsec: ignore[test/other]"
	if strings.Join(got, ",") != want {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, ","), want)
	}
	if res.Suppressed != 2 {
		t.Errorf("suppressed = %d, want 2", res.Suppressed)
	}
}

// Suppressing one of two identical findings inline leaves the other's
// fingerprint as it was, so a stale baseline entry cannot hide it.
func TestSuppressionKeepsFingerprints(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write(t, a, "m.py", "\nx = 1  # BAD\n\n\nx = 1  # BAD\n")
	write(t, b, "m.py", "# mlsec: ignore[test/bad]\nx = 1  # BAD\n\n\nx = 1  # BAD\n")
	ra, rb := scan(t, Options{Paths: []string{a}}), scan(t, Options{Paths: []string{b}})
	if len(rb.Findings) != 1 {
		t.Fatalf("want one finding, got %d", len(rb.Findings))
	}
	if rb.Findings[0].Fingerprint != ra.Findings[1].Fingerprint {
		t.Error("the unsuppressed finding took the suppressed one's fingerprint")
	}
}

// An analyzer that requires another gets its result on the same file, and
// the required one runs once per file even when two analyzers need it.
func TestRequiresSharesOneParse(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.py", "x = 1\n")
	write(t, dir, "b.py", "y = 2\n")
	var parses atomic.Int32
	parser := &analysis.Analyzer{
		Name: "parse", Kinds: []source.Kind{source.Python},
		Run: func(p *analysis.Pass) error {
			parses.Add(1)
			p.SetResult(strings.ToUpper(string(p.Content)))
			return nil
		},
	}
	var seen sync.Map
	user := func(name string) *analysis.Analyzer {
		return &analysis.Analyzer{
			Name: name, Kinds: []source.Kind{source.Python}, Requires: []*analysis.Analyzer{parser},
			Run: func(p *analysis.Pass) error {
				seen.Store(name+":"+p.File.Rel, p.ResultOf[parser])
				return nil
			},
		}
	}
	// The parser is not listed: requirements are added by the engine.
	scan(t, Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{user("one"), user("two")}})
	if parses.Load() != 2 {
		t.Errorf("parser ran %d times for 2 files, want 2", parses.Load())
	}
	for _, k := range []string{"one:a.py", "two:a.py"} {
		if v, _ := seen.Load(k); v != "X = 1\n" {
			t.Errorf("%s saw %q", k, v)
		}
	}
}

// A OnePerEvidence rule's findings with the same evidence anywhere in the
// scan are one finding, the most severe, with the others related.
func TestFoldAcrossFiles(t *testing.T) {
	img := &rule.Rule{ID: "test/image", Title: "image", Severity: rule.Low, Phase: rule.Operations,
		Techniques: []string{"AML.T0010.004"}, Summary: "s", Fix: "f", OnePerEvidence: true}
	dir := t.TempDir()
	for i, name := range []string{"a.py", "b.py", "c.py"} {
		write(t, dir, name, fmt.Sprintf("IMG team/train:latest %d\nIMG python:3.11\n", i))
	}
	a := &analysis.Analyzer{
		Name: "img", Kinds: []source.Kind{source.Python}, Rules: []*rule.Rule{img},
		Run: func(p *analysis.Pass) error {
			for i, line := range strings.Split(string(p.Content), "\n") {
				if f := strings.Fields(line); len(f) >= 2 {
					d := analysis.Diagnostic{Rule: img, Location: p.Line(i+1, 1), Evidence: f[1], Message: "unpinned " + f[1]}
					if p.File.Rel == "b.py" && f[1] == "team/train:latest" {
						d.Severity, d.SeverityReason = rule.Medium, "training image"
					}
					p.Report(d)
				}
			}
			return nil
		},
	}
	res := scan(t, Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{a}})
	if len(res.Findings) != 2 {
		t.Fatalf("want one finding per image, got %d", len(res.Findings))
	}
	f := res.Findings[0]
	if f.Evidence != "team/train:latest" || f.Severity != rule.Medium || !strings.HasSuffix(f.Location.Path, "/b.py") ||
		len(f.Related) != 2 || !strings.Contains(f.Message, "(in 3 places in this scan)") {
		t.Errorf("folded finding %+v", f)
	}
}
