package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/report/reporttest"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

func writeHTML(t testing.TB, r *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, "html", r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestHTMLEscapesScannedText: a file name, message or evidence carrying
// markup must come out as text, never as an element or attribute.
func TestHTMLEscapesScannedText(t *testing.T) {
	r := sample()
	f := &r.Result.Findings[1]
	f.Location.Path = `proj/"><script>alert(1)</script>.py`
	f.Message = `loads <img src=x onerror=alert(2)>`
	f.Evidence = `</code><iframe src="https://evil.example">`
	f.Related = []finding.Related{{Location: finding.Location{Path: "proj/<b>x</b>.yaml", Line: 2}, Message: "also <svg onload=alert(3)>"}}
	r.Result.Skipped[0].Path = "proj/<style>body{display:none}</style>"
	out := writeHTML(t, r)
	for _, bad := range []string{"<script>alert", "<img src=x", "<iframe", "<svg onload", "<b>x</b>", "<style>body"} {
		if strings.Contains(out, bad) {
			t.Errorf("unescaped %q in the report", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;", "&lt;iframe"} {
		if !strings.Contains(out, want) {
			t.Errorf("escaped text %q missing", want)
		}
	}
	// One script element: ours.
	if n := strings.Count(out, "<script"); n != 1 {
		t.Errorf("%d script elements, want 1", n)
	}
}

// TestHTMLIsSelfContained: nothing is loaded from anywhere, and the page
// forbids it.
func TestHTMLIsSelfContained(t *testing.T) {
	r := sample()
	r.Result.AttackPaths = samplePaths()
	out := writeHTML(t, r)
	for _, re := range []string{`<link\b`, `\ssrc=`, `@import`, `url\(http`, `<iframe`, `<object`} {
		if regexp.MustCompile(re).MatchString(out) {
			t.Errorf("the report references something outside itself: %s", re)
		}
	}
	if !strings.Contains(out, `content="default-src 'none';`) {
		t.Error("no Content-Security-Policy forbidding loads")
	}
	if !strings.Contains(out, "@media print") {
		t.Error("no print stylesheet")
	}
}

// TestHTMLMatrixCells: a technique cell is coloured by its worst finding,
// sub-techniques colour their parent, and every tactic of the technique
// shows it.
func TestHTMLMatrixCells(t *testing.T) {
	r := sample() // AML.T0011.000 critical+high, AML.T0010.003 critical
	out := writeHTML(t, r)
	cells := regexp.MustCompile(`<button type="button" class="cell hit sev-(\w+)" data-t="([^"]+)"`).FindAllStringSubmatch(out, -1)
	got := map[string]string{}
	for _, c := range cells {
		got[c[2]] = c[1]
	}
	want := map[string]string{"AML.T0011": "critical", "AML.T0010": "critical"}
	if len(got) != len(want) || got["AML.T0011"] != "critical" || got["AML.T0010"] != "critical" {
		t.Errorf("hit cells %v, want %v", got, want)
	}
	// AML.T0011 (User Execution) is under Execution only; AML.T0010 (AI
	// Supply Chain Compromise) under Initial Access only: two buttons.
	if len(cells) != 2 {
		t.Errorf("%d hit cells, want 2", len(cells))
	}
	if !strings.Contains(out, `2 technique cells are open`) {
		t.Error("matrix summary does not count the open cells")
	}
}

func samplePaths() []result.AttackPath {
	return []result.AttackPath{{
		ID: "abc123", Entry: result.EntryHub, Impact: result.ImpactProductionModel, Score: 90, Techniques: []string{"AML.T0010.003"},
		Hops: []result.PathHop{
			{Asset: "model:proj/model.pt", Foothold: result.FootholdCodeExec, Via: "model/pickle-dangerous-call", Location: finding.Location{Path: "proj/model.pt"}, Message: "the model runs code on load"},
			{Asset: "endpoint:<serve>", Foothold: result.FootholdModel, Via: "deploys", Location: finding.Location{Path: "proj/deploy.yaml", Line: 12}, Message: "served"},
		},
	}}
}

// TestHTMLAttackPaths: paths are drawn as a graph (entry left, impact
// right, one box per hop) and listed hop by hop with file:line.
func TestHTMLAttackPaths(t *testing.T) {
	r := sample()
	r.Result.AttackPaths = samplePaths()
	r.Result.Chokepoints = []result.Chokepoint{{Asset: "model:proj/model.pt", Paths: 1, Impacts: []string{result.ImpactProductionModel}}}
	out := writeHTML(t, r)
	nodes := regexp.MustCompile(`<g class="node (\w+)"><title>[^<]*</title><rect x="(\d+)"`).FindAllStringSubmatch(out, -1)
	if len(nodes) != 4 {
		t.Fatalf("%d graph nodes, want entry + 2 hops + impact", len(nodes))
	}
	if nodes[0][1] != "entry" || nodes[3][1] != "impact" || nodes[0][2] >= nodes[1][2] {
		t.Errorf("layout: %v", nodes)
	}
	for _, want := range []string{"proj/deploy.yaml:12", "endpoint:&lt;serve&gt;", "Chokepoints", "hub-download → production-model"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(out, "<serve>") {
		t.Error("asset ID not escaped in the graph")
	}
}

// TestHTMLChecklist: without an assessment, the mitigations findings name
// are listed as missing and the page says why nothing is present; with
// one, its statuses are shown.
func TestHTMLChecklist(t *testing.T) {
	r := sample()
	out := writeHTML(t, r)
	if !strings.Contains(out, `<tr class="st-missing"><td><span class="status">✘ missing</span></td><td><a href="https://atlas.mitre.org/mitigations/AML.M0014">AML.M0014</a>`) ||
		!strings.Contains(out, "Run <code>mlsec assess</code>") {
		t.Error("derived checklist missing AML.M0014 as missing")
	}
	r.Result.Assessment = &result.Assessment{
		Phases: []result.PhaseAssessment{{Phase: "development", Score: 40, Practices: []result.Practice{{Name: "Experiment tracking", Present: true}, {Name: "Data versioning"}}}},
		Levels: []result.MaturityLevel{{Scale: "ml-ops.org", Level: 1, Name: "ML pipeline automation", Missing: []string{"CI/CD for the pipeline"}}},
		Mitigations: []result.MitigationStatus{
			{ID: "AML.M0014", Name: "Verify AI Artifacts", Status: result.MitigationPresent, Evidence: []result.Evidence{{Location: finding.Location{Path: "ci.yml", Line: 4}, What: "cosign verify"}}},
			{ID: "AML.M0005", Status: result.MitigationMissing},
			{ID: "AML.M0001", Status: result.MitigationNotApplicable},
		},
	}
	out = writeHTML(t, r)
	for _, want := range []string{"✔ present", "✘ missing", "– not applicable", "ci.yml:4: cosign verify", `<meter min="0" max="100" value="40"`, "ML pipeline automation", "✘ Data versioning"} {
		if !strings.Contains(out, want) {
			t.Errorf("assessment: missing %q", want)
		}
	}
	if strings.Contains(out, "Run <code>mlsec assess</code>") {
		t.Error("says no assessment was run although there is one")
	}
	// Missing first.
	if strings.Index(out, "st-missing") > strings.Index(out, "st-present") {
		t.Error("missing mitigations must come first")
	}
}

// TestHTMLFiles: files not analyzed and inconclusive findings are shown.
func TestHTMLFiles(t *testing.T) {
	r := sample()
	r.Result.Findings[0].Inconclusive = true
	out := writeHTML(t, r)
	for _, want := range []string{"Not fully analyzed", "proj/broken.ipynb", "invalid notebook JSON at line 1", "Inconclusive findings", "proj/logo.png"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
}

// TestHTMLSize5000: the report of a scan with 5,000 findings stays under
// 3 MB (the render time is measured by the browser test).
func TestHTMLSize5000(t *testing.T) {
	r := &Report{Result: reporttest.Synthetic(5000), Version: "test", FailOn: rule.High}
	out := writeHTML(t, r)
	t.Logf("HTML for 5,000 findings: %d bytes", len(out))
	if len(out) > 3_000_000 {
		t.Errorf("HTML for 5,000 findings is %d bytes, want under 3 MB", len(out))
	}
	if n := strings.Count(out, "<tr data-s=\""); n != 5000 {
		t.Errorf("%d finding rows, want 5000", n)
	}
}

func BenchmarkHTML5000(b *testing.B) {
	r := &Report{Result: reporttest.Synthetic(5000), Version: "test", FailOn: rule.High}
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := WriteHTML(&buf, r); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes")
}

// TestHTMLScriptHash: the page's CSP allows exactly its own script, by
// hash, so that the script runs and nothing else can.
func TestHTMLScriptHash(t *testing.T) {
	out := writeHTML(t, sample())
	m := regexp.MustCompile(`script-src 'sha256-([A-Za-z0-9+/=]+)';`).FindStringSubmatch(html.UnescapeString(out[:strings.Index(out, "<style>")]))
	if m == nil {
		t.Fatal("no script hash in the Content-Security-Policy")
	}
	start := strings.Index(out, "<script>") + len("<script>")
	end := strings.Index(out, "</script>")
	sum := sha256.Sum256([]byte(out[start:end]))
	if got := base64.StdEncoding.EncodeToString(sum[:]); got != m[1] {
		t.Errorf("CSP allows sha256-%s, the script is sha256-%s", m[1], got)
	}
}
