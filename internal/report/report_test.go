package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/report/reporttest"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

var (
	pickleRule = &rule.Rule{ID: "code/pickle-load", Title: "pickle.load of a file", Severity: rule.High, Phase: rule.Development,
		Techniques: []string{"AML.T0011.000"}, Mitigations: []string{"AML.M0014"}, Summary: "Unpickling runs code.", Fix: "Use safetensors.",
		References: []string{"https://docs.python.org/3/library/pickle.html"}}
	modelRule = &rule.Rule{ID: "model/pickle-dangerous-call", Title: "Pickle calls a dangerous function", Severity: rule.Critical,
		Phase: rule.Development, Techniques: []string{"AML.T0011.000", "AML.T0010.003"}, Summary: "The model runs code on load.", Fix: "Delete it."}
)

func sample() *Report {
	res := &result.Result{
		Paths: []string{"proj"},
		Findings: []finding.Finding{
			{Rule: modelRule, RuleID: modelRule.ID, Severity: rule.Critical, Phase: rule.Development, Techniques: modelRule.Techniques,
				Location: finding.Location{Path: "proj/model.pt", Member: "archive/data.pkl", Offset: 0x1f, HasOff: true},
				Message:  "calls os.system", Evidence: "posix.system('id')", Fingerprint: "aa"},
			{Rule: pickleRule, RuleID: pickleRule.ID, Severity: rule.High, Phase: rule.Development, Techniques: pickleRule.Techniques,
				Location: finding.Location{Path: "proj/nb.ipynb", Line: 33, Column: 16, Cell: 2, CellLine: 2},
				Message:  "pickle.load of a file", Evidence: "pickle.load(f)", Fingerprint: "bb"},
		},
		Skipped:  []source.Skip{{Path: "proj/logo.png", Reason: "no analyzer reads this kind of file"}},
		Failed:   []source.Skip{{Path: "proj/broken.ipynb", Reason: "invalid notebook JSON at line 1"}},
		Analyzed: 3,
		Duration: 12 * time.Millisecond,
	}
	return &Report{Result: res, Rules: []*rule.Rule{pickleRule, modelRule}, Version: "test", SemanticVersion: "0.0.0-test", FailOn: rule.High,
		TechniqueName: func(id string) string { return map[string]string{"AML.T0011.000": "Unsafe AI Artifacts"}[id] }}
}

// TestSARIFStructure checks what GitHub code scanning requires of an upload.
func TestSARIFStructure(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string         `json:"id"`
						ShortDescription map[string]any `json:"shortDescription"`
						Help             struct{ Text, Markdown string }
						Properties       struct {
							Tags             []string `json:"tags"`
							SecuritySeverity string   `json:"security-severity"`
						} `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
			} `json:"invocations"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string } `json:"artifactLocation"`
						Region           struct{ StartLine, StartColumn int }
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") || len(log.Runs) != 1 {
		t.Fatalf("header: version %q schema %q runs %d", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "mlsec" || len(run.Tool.Driver.Rules) != 2 {
		t.Fatalf("driver %q with %d rules", run.Tool.Driver.Name, len(run.Tool.Driver.Rules))
	}
	for _, r := range run.Tool.Driver.Rules {
		if r.ShortDescription["text"] == "" || r.Help.Text == "" || r.Properties.SecuritySeverity == "" {
			t.Errorf("rule %s lacks description, help or security-severity", r.ID)
		}
		if !containsStr(r.Properties.Tags, "security") || !containsStr(r.Properties.Tags, "atlas/AML.T0011.000") {
			t.Errorf("rule %s tags %v", r.ID, r.Properties.Tags)
		}
	}
	if len(run.Results) != 2 {
		t.Fatalf("%d results", len(run.Results))
	}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("ruleIndex %d does not point at %s", r.RuleIndex, r.RuleID)
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.Region.StartLine < 1 || loc.ArtifactLocation.URI == "" || r.PartialFingerprints[fingerprintKey] == "" {
			t.Errorf("result %s: location %+v fingerprints %v", r.RuleID, loc, r.PartialFingerprints)
		}
	}
	if got := run.Results[0]; got.Level != "error" || got.Locations[0].PhysicalLocation.ArtifactLocation.URI != "model.pt" ||
		!strings.Contains(got.Message.Text, "model.pt!archive/data.pkl@0x1f") {
		t.Errorf("binary result: %+v", got)
	}
	if got := run.Results[1].Locations[0].PhysicalLocation.Region; got.StartLine != 33 || got.StartColumn != 16 {
		t.Errorf("notebook region %+v", got)
	}
	if run.Invocations[0].ExecutionSuccessful {
		t.Error("a scan with failed files is not a successful execution")
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestJSONDocument(t *testing.T) {
	var buf bytes.Buffer
	r := sample()
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["schema"] != "mlsec/v1" {
		t.Errorf("schema %v", doc["schema"])
	}
	sum := doc["summary"].(map[string]any)
	if sum["findings"].(float64) != 2 || sum["files_failed"].(float64) != 1 || sum["incomplete"] != true || sum["failing"] != true {
		t.Errorf("summary %v", sum)
	}
	fs := doc["findings"].([]any)
	first := fs[0].(map[string]any)
	if first["rule"] != "model/pickle-dangerous-call" || first["severity"] != "critical" || first["title"] == "" {
		t.Errorf("finding %v", first)
	}
	if loc := first["location"].(map[string]any); loc["member"] != "archive/data.pkl" {
		t.Errorf("location %v", loc)
	}
	for _, k := range []string{"skipped", "failed", "warnings", "assets", "edges"} {
		if _, ok := doc[k].([]any); !ok {
			t.Errorf("%s must be a list, got %T", k, doc[k])
		}
	}
}

// Text output orders findings by severity across phases, the phase shown on
// each, and the summary line says why the exit code is what it is.
func TestTextOrderAndVerdict(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"CRITICAL model/pickle-dangerous-call  proj/model.pt!archive/data.pkl@0x1f  development",
		"ATLAS: AML.T0011.000 Unsafe AI Artifacts",
		"proj/nb.ipynb:33:16 (cell 2, line 2)",
		"Not fully analyzed (the scan is incomplete):\n  proj/broken.ipynb: invalid notebook JSON at line 1",
		"2 findings (1 critical, 1 high) in 3 files analyzed, 1 not fully analyzed, 1 skipped · 0.01s · exit 2: 1 file could not be fully analyzed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour without a terminal")
	}
	if strings.Index(out, "CRITICAL") > strings.Index(out, "HIGH") {
		t.Error("most severe first")
	}
}

// The JSON report validates against docs/schema/mlsec-v1.schema.json.
func TestJSONValidatesAgainstTheSchema(t *testing.T) {
	var buf bytes.Buffer
	r := sample()
	r.Result.NotAnalyzed = []source.Skip{{Path: "proj/broken.yaml", Reason: "could not be parsed: line 3: mapping values are not allowed here"}}
	r.Result.Findings[0].Related = []finding.Related{{Location: finding.Location{Path: "proj/x.py", Line: 2}, Message: "loaded here"}}
	r.Result.Findings[0].Fingerprint = "0123456789abcdef0123456789abcdef"
	r.Result.Findings[1].Fingerprint = "fedcba9876543210fedcba9876543210"
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	reporttest.JSON(t, buf.Bytes())
	var doc JSONDocument
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.ExitCode != ExitIncomplete || doc.Summary.FilesNotAnalyzed != 1 {
		t.Errorf("summary %+v", doc.Summary)
	}
}

// Terminal escape sequences in file names, archive members and messages are
// shown escaped, never sent to the terminal.
func TestTextEscapesControlCharacters(t *testing.T) {
	r := sample()
	r.Result.Findings[0].Location.Path = "proj/\x1b[2J\x1b]0;pwned\x07model.pt"
	r.Result.Findings[0].Location.Member = "archive/\u202edata.pkl"
	r.Result.Findings[1].Message = "pickle.load of \rHIDDEN"
	r.Result.Failed = []source.Skip{{Path: "proj/\x1b[31mred.ipynb", Reason: "bad\x1b[0m"}}
	for _, compact := range []bool{false, true} {
		r.Compact = compact
		var buf bytes.Buffer
		if err := WriteText(&buf, r); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, bad := range []string{"\x1b", "\x07", "\u202e", "\r"} {
			if strings.Contains(out, bad) {
				t.Errorf("compact=%v: raw %q reached the terminal:\n%q", compact, bad, out)
			}
		}
		for _, want := range []string{`proj/\x1b[2J\x1b]0;pwned\amodel.pt`, `\u202edata.pkl`, `pickle.load of \rHIDDEN`} {
			if compact && strings.Contains(want, `\r`) {
				want = "pickle.load of HIDDEN" // one line: white space is folded
			}
			if !strings.Contains(out, want) {
				t.Errorf("compact=%v: output lacks %q:\n%s", compact, want, out)
			}
		}
	}
}

// --compact prints one line per finding; a width wraps the long form.
func TestTextCompactAndWrap(t *testing.T) {
	r := sample()
	r.Compact = true
	var buf bytes.Buffer
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if lines[0] != "CRITICAL model/pickle-dangerous-call proj/model.pt!archive/data.pkl@0x1f calls os.system" ||
		!strings.HasPrefix(lines[1], "HIGH     code/pickle-load proj/nb.ipynb:33:16") {
		t.Errorf("compact output:\n%s", buf.String())
	}
	r.Compact, r.Width = false, 40
	r.Result.Findings[1].Message = strings.Repeat("word ", 30)
	buf.Reset()
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(l, "  word") || strings.HasPrefix(l, "  ") && strings.Contains(l, "word") {
			if len([]rune(l)) > 40 {
				t.Errorf("line longer than the width: %q", l)
			}
		}
	}
	if !strings.Contains(buf.String(), "\n  word word") {
		t.Errorf("wrapped lines keep their indentation:\n%s", buf.String())
	}
}
