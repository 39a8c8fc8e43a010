package cli

import (
	"encoding/json"
	"testing"
)

// TestDeployFilesPassOwnRules: the fan-out deployments under deploy/ pass
// mlsec's own rules with nothing above low, and every file is analyzed.
func TestDeployFilesPassOwnRules(t *testing.T) {
	_, out, stderr := run(t, "scan", "--no-progress", "--fail-on", "none", "-f", "json", "../../deploy")
	var d struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Location struct {
				Path string `json:"path"`
				Line int    `json:"line"`
			} `json:"location"`
		} `json:"findings"`
		Summary struct {
			FilesAnalyzed int `json:"files_analyzed"`
		} `json:"summary"`
		Skipped []struct{ Path, Reason string } `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	for _, f := range d.Findings {
		if f.Severity != "low" && f.Severity != "info" {
			t.Errorf("%s %s at %s:%d", f.Severity, f.Rule, f.Location.Path, f.Location.Line)
		}
	}
	if d.Summary.FilesAnalyzed < 4 || len(d.Skipped) > 0 {
		t.Errorf("analyzed %d files, skipped %v", d.Summary.FilesAnalyzed, d.Skipped)
	}
}
