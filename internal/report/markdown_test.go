package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mlsec/mlsec/internal/report/reporttest"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

func writeMarkdown(t *testing.T, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, "markdown", r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestMarkdownSummary(t *testing.T) {
	r := sample()
	out := writeMarkdown(t, r)
	for _, want := range []string{
		"## ⚠️ mlsec: 2 findings",
		"**Verdict:** exit 2: 1 file could not be fully analyzed",
		"| critical | 1 |", "| high | 1 |", "| Model Development & Evaluation | 2 |",
		"### Top findings",
		"No baseline was given",
		"| **CRITICAL** | `model/pickle-dangerous-call` | `proj/model.pt!archive/data.pkl@0x1f` | calls os.system — `posix.system('id')`<br>ATLAS: [AML.T0011.000](https://atlas.mitre.org/techniques/AML.T0011.000)",
		"### ATLAS mitigations missing",
		"- `proj/broken.ipynb`: invalid notebook JSON at line 1 (the scan is incomplete)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "cut to stay within") {
		t.Error("a small summary says it was cut")
	}
}

// TestMarkdownBaseline: with a baseline every finding listed is new, and
// the count of known ones is given.
func TestMarkdownBaseline(t *testing.T) {
	r := sample()
	r.Baseline = ".mlsec-baseline.json"
	r.Result.Baselined = 7
	out := writeMarkdown(t, r)
	if !strings.Contains(out, "### New since the baseline (2)") || !strings.Contains(out, "Compared with the baseline `.mlsec-baseline.json`: 7 findings already in it are not shown.") {
		t.Errorf("baseline section wrong:\n%s", out)
	}
	if strings.Contains(out, "No baseline was given") {
		t.Error("claims there is no baseline")
	}
}

// TestMarkdownEscapes: scanned text cannot break the table, add HTML or
// links, or mention anyone.
func TestMarkdownEscapes(t *testing.T) {
	r := sample()
	f := &r.Result.Findings[1]
	f.Message = "cc @octocat | see [here](https://evil.example) <img src=x> **bold**\nnext"
	f.Location.Path = "proj/`x`|y.py"
	out := writeMarkdown(t, r)
	for _, bad := range []string{"@octocat", "[here](https://evil", "<img", "**bold**", "`x`"} {
		if strings.Contains(out, bad) {
			t.Errorf("unescaped %q", bad)
		}
	}
	line := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "octocat") {
			line = l
		}
	}
	// Header, severity, rule, location, finding: 5 unescaped pipes.
	if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 5 {
		t.Errorf("row has %d cell separators, want 5: %s", n, line)
	}
}

// TestMarkdownWithinGitHubLimit: 5,000 findings and many attack paths stay
// within a comment, cut at a row with a note.
func TestMarkdownWithinGitHubLimit(t *testing.T) {
	r := &Report{Result: reporttest.Synthetic(5000), Version: "test", FailOn: rule.High}
	out := writeMarkdown(t, r)
	t.Logf("Markdown for 5,000 findings: %d bytes, %d characters", len(out), utf8.RuneCountInString(out))
	if utf8.RuneCountInString(out) > 65536 || len(out) > MarkdownLimit {
		t.Errorf("%d bytes: over GitHub's comment limit", len(out))
	}
	if !strings.Contains(out, "4950 more are not listed here") {
		t.Error("no note of the findings not listed")
	}
	// Thousands of files not analyzed: the list is what forces the cut.
	for i := range 5000 {
		r.Result.NotAnalyzed = append(r.Result.NotAnalyzed, source.Skip{Path: fmt.Sprintf("data/part-%05d.yaml", i), Reason: "YAML does not parse: mapping values are not allowed in this context"})
	}
	out = writeMarkdown(t, r)
	if len(out) > MarkdownLimit {
		t.Errorf("%d bytes with 5,000 files not analyzed: over the limit", len(out))
	}
	if !strings.Contains(out, "This summary was cut to stay within GitHub's 65,536-character comment limit") {
		t.Error("cut without a note")
	}
	if !strings.Contains(out, "### Not analyzed") || !strings.Contains(out, "data/part-00100.yaml") || strings.Contains(out, "data/part-04999.yaml") {
		t.Error("the cut is not at the end of the not-analyzed list")
	}
}
