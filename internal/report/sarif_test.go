package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/report/reporttest"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

func validateSARIF(t testing.TB, b []byte) { t.Helper(); reporttest.SARIF(t, b) }

func TestSARIFValidatesAgainstTheSchema(t *testing.T) {
	var buf bytes.Buffer
	r := sample()
	r.Result.Findings[1].Related = []finding.Related{{Location: finding.Location{Path: "proj/svc.yaml", Line: 4}, Message: "published here"}}
	if err := WriteSARIF(&buf, r); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	if !strings.Contains(buf.String(), `"relatedLocations"`) {
		t.Error("related locations are missing from SARIF")
	}
}

type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Version, SemanticVersion string
				Rules                    []struct {
					ID                   string
					DefaultConfiguration struct{ Level string }
					Properties           map[string]any
				}
			}
		}
		OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
		Invocations        []struct {
			ToolExecutionNotifications []struct{ Message struct{ Text string } }
		}
		Results []struct {
			RuleID    string
			RuleIndex int
			Level     string
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string
						URIBaseID string `json:"uriBaseId"`
					}
				}
			}
		}
	}
}

func writeSARIF(t *testing.T, r *Report) sarifDoc {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, r); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, buf.Bytes())
	var d sarifDoc
	if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// A finding reported at a severity other than its rule's default points at
// a child rule carrying that severity, since GitHub reads security-severity
// from the rule.
func TestSARIFSeverityPerResult(t *testing.T) {
	r := sample()
	f := &r.Result.Findings[1] // code rule, default high
	f.Severity, f.SeverityReason = rule.Critical, "the file comes from a public bucket"
	d := writeSARIF(t, r)
	run := d.Runs[0]
	res := run.Results[1]
	got := run.Tool.Driver.Rules[res.RuleIndex]
	if res.RuleID != pickleRule.ID+"/critical" || got.ID != res.RuleID || got.Properties["security-severity"] != "9.5" || res.Level != "error" {
		t.Errorf("result rule %s → %+v", res.RuleID, got)
	}
	if run.Results[0].RuleID != modelRule.ID {
		t.Errorf("a result at its default severity uses the rule itself, got %s", run.Results[0].RuleID)
	}
	if run.Tool.Driver.SemanticVersion != "0.0.0-test" || run.Tool.Driver.Version != "0.0.0" {
		t.Errorf("semanticVersion = %q, version = %q", run.Tool.Driver.SemanticVersion, run.Tool.Driver.Version)
	}
	for sem, want := range map[string]string{"1.4.0": "1.4.0", "1.4.0-rc.1+abc": "1.4.0", "0.0.0-devel+abc123": "0.0.0", "devel": "0.0.0", "": "0.0.0"} {
		if got := numericVersion(sem); got != want {
			t.Errorf("numericVersion(%q) = %q, want %q", sem, got, want)
		}
	}
}

// URIs are relative to the scan root whatever form the path argument had,
// and the root is resolved in originalUriBaseIds.
func TestSARIFURIsRelativeToTheRoot(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "proj", "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, root := range []string{filepath.Join(dir, "proj"), filepath.Join(dir, "proj", "src", "..")} {
		disp := filepath.ToSlash(filepath.Clean(root))
		r := sample()
		r.Result.Paths = []string{root}
		r.Result.Findings[1].Location.Path = disp + "/src/nb.ipynb"
		d := writeSARIF(t, r)
		art := d.Runs[0].Results[1].Locations[0].PhysicalLocation.ArtifactLocation
		if art.URI != "src/nb.ipynb" || art.URIBaseID != "SRCROOT" {
			t.Errorf("root %s: artifact %+v", root, art)
		}
		if base := d.Runs[0].OriginalURIBaseIDs["SRCROOT"].URI; base != "file://"+filepath.ToSlash(filepath.Join(dir, "proj"))+"/" {
			t.Errorf("root %s: SRCROOT = %q", root, base)
		}
	}
}

// Objects of a bucket prefix are relative to the prefix, which is the
// base; a single scanned object is named whole; keys are escaped.
func TestSARIFObjectStoreURIs(t *testing.T) {
	r := sample()
	r.Result.Paths = []string{"s3://models/mirror/", "gs://data/one model.pkl"}
	r.Result.Findings[0].Location.Path = "s3://models/mirror/ckpt/a b#1.pkl"
	r.Result.Findings[1].Location.Path = "gs://data/one model.pkl"
	d := writeSARIF(t, r)
	if art := d.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation; art.URI != "ckpt/a%20b%231.pkl" || art.URIBaseID != "SRCROOT" {
		t.Errorf("prefix object: %+v", art)
	}
	if art := d.Runs[0].Results[1].Locations[0].PhysicalLocation.ArtifactLocation; art.URI != "gs://data/one%20model.pkl" || art.URIBaseID != "" {
		t.Errorf("single object: %+v", art)
	}
	if base := d.Runs[0].OriginalURIBaseIDs["SRCROOT"].URI; base != "s3://models/mirror/" {
		t.Errorf("SRCROOT = %q", base)
	}
}

// More results than GitHub accepts: the most severe are kept and a
// notification says how many were left out; the log still validates.
func TestSARIFCapsResults(t *testing.T) {
	n := MaxSARIFResults + 1234
	fs := make([]finding.Finding, 0, n)
	for i := range n {
		sev := rule.Medium
		if i < 10 {
			sev = rule.Critical
		}
		fs = append(fs, finding.Finding{Rule: pickleRule, RuleID: pickleRule.ID, Severity: sev, Phase: rule.Development,
			Location: finding.Location{Path: fmt.Sprintf("proj/f%05d.py", i), Line: 1}, Message: "m", Fingerprint: fmt.Sprintf("%032x", i)})
	}
	result.SortFindings(fs)
	r := sample()
	r.Result.Findings = fs
	d := writeSARIF(t, r)
	run := d.Runs[0]
	if len(run.Results) != MaxSARIFResults {
		t.Fatalf("%d results, want %d", len(run.Results), MaxSARIFResults)
	}
	if run.Results[0].Level != "error" {
		t.Error("the most severe results must be kept first")
	}
	var note string
	for _, n := range run.Invocations[0].ToolExecutionNotifications {
		if strings.Contains(n.Message.Text, "left out") {
			note = n.Message.Text
		}
	}
	if !strings.Contains(note, "1234 less severe results were left out") {
		t.Errorf("no capping notification: %q", note)
	}
}
