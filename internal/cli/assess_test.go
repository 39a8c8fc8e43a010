package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/report/reporttest"
)

const assessFixtures = "../assess/testdata"

// JSON from assess carries the assessment, validates against the schema,
// and holds only the missing-mitigation findings.
func TestAssessJSON(t *testing.T) {
	code, out, errOut := run(t, "assess", "-f", "json", filepath.Join(assessFixtures, "level2"))
	if code != ExitClean {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	reporttest.JSON(t, []byte(out))
	var doc struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
		} `json:"findings"`
		Assessment *struct {
			Levels []struct {
				Scale string `json:"scale"`
				Level int    `json:"level"`
			} `json:"levels"`
			Phases []struct {
				Phase string `json:"phase"`
				Score int    `json:"score"`
			} `json:"phases"`
		} `json:"assessment"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Assessment == nil {
		t.Fatal("no assessment in the JSON report")
	}
	var got []string
	for _, l := range doc.Assessment.Levels {
		got = append(got, l.Scale+"="+string(rune('0'+l.Level)))
	}
	for _, p := range doc.Assessment.Phases {
		got = append(got, p.Phase+"="+assessItoa(p.Score))
	}
	if s := strings.Join(got, " "); s != "ml-ops.org=2 google=2 microsoft=4 design=100 development=100 operations=100" {
		t.Errorf("levels and scores: %s", s)
	}
	for _, f := range doc.Findings {
		if !strings.HasPrefix(f.RuleID, "assess/") {
			t.Errorf("finding %s in the assessment report", f.RuleID)
		}
	}
}

func assessItoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// Text names each scale's level and what the next needs; SARIF carries
// the missing mitigations as results; --fail-on makes them fail.
func TestAssessTextSARIFAndFailOn(t *testing.T) {
	dir := filepath.Join(assessFixtures, "level1")
	code, out, _ := run(t, "assess", dir)
	if code != ExitClean {
		t.Fatalf("text: exit %d", code)
	}
	for _, want := range []string{
		"ml-ops.org  level 1  ML pipeline automation",
		"next level needs: CI that tests pipeline code; CD that deploys pipelines or models",
		"development   65/100",
		"[x] Experiment tracking (20)",
		"present  AML.M0025 Maintain AI Dataset Provenance",
		"priority medium:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "assess", "-f", "sarif", dir)
	if code != ExitClean || !strings.Contains(out, `"ruleId": "assess/missing-vulnerability-scanning"`) {
		t.Errorf("sarif: exit %d, missing-mitigation result absent", code)
	}
	if code, _, _ = run(t, "assess", "--fail-on", "medium", dir); code != ExitFindings {
		t.Errorf("--fail-on medium: exit %d, want %d", code, ExitFindings)
	}
	if code, _, _ = run(t, "assess", "--fail-on", "high", dir); code != ExitClean {
		t.Errorf("--fail-on high: exit %d, want %d", code, ExitClean)
	}
}

// A file is not a project; a missing path and a bad format are usage
// errors.
func TestAssessUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"assess", filepath.Join(assessFixtures, "level0", "train.py")},
		{"assess", filepath.Join(assessFixtures, "no-such-dir")},
		{"assess", "-f", "yaml", assessFixtures},
		{"assess", "--fail-on", "severe", assessFixtures},
	} {
		if code, _, errOut := run(t, args...); code != ExitError || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want %d and a message", args, code, errOut, ExitError)
		}
	}
}
