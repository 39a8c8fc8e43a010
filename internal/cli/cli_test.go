package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes mlsec with args and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"scan", "--format", "xml", dir},
		{"scan", "--fail-on", "severe", dir},
		{"scan", "--bogus", dir},
		{"scan", filepath.Join(dir, "does-not-exist")},
		{"scan", "--enable", "nosuch/rule", dir},
		{"scan", "--baseline", filepath.Join(dir, "missing.json"), dir},
		{"scan", "--max-file-size", "lots", dir},
		{"scan", "-j", "-1", dir},
		{"scan", "--color", "sometimes", dir},
		{"scan", "--exclude", "data/[abc", dir},
		{"scan", "-o", filepath.Join(dir, "no", "such", "dir", "report.json"), dir},
		{"explain", "nosuch/rule"},
		{"atlas", "AML.T9999"},
		{"frobnicate"},
	} {
		code, _, stderr := run(t, args...)
		if code != ExitError || !strings.HasPrefix(stderr, "mlsec: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestConfigErrorNamesLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".mlsec.yaml"), []byte("fail-on: high\nexclude-paths: [x]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "scan", dir)
	if code != ExitError || !strings.Contains(stderr, `.mlsec.yaml:2: unknown key "exclude-paths"`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestEmptyDirIsClean(t *testing.T) {
	code, out, _ := run(t, "scan", "--no-progress", t.TempDir())
	if code != ExitClean || !strings.Contains(out, "0 findings in 0 files analyzed") {
		t.Errorf("exit %d, out %q", code, out)
	}
}

func TestAtlasCommand(t *testing.T) {
	code, out, _ := run(t, "atlas", "AML.T0010")
	if code != ExitClean || !strings.Contains(out, "AI Supply Chain Compromise") || !strings.Contains(out, "Initial Access") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = run(t, "atlas", "poison")
	if code != ExitClean || !strings.Contains(out, "AML.T0020") {
		t.Errorf("search: exit %d:\n%s", code, out)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, "version")
	if code != ExitClean || !strings.Contains(out, "MITRE ATLAS data 5.6.0") {
		t.Errorf("exit %d: %q", code, out)
	}
}

func TestRulesJSON(t *testing.T) {
	code, out, _ := run(t, "rules", "-f", "json")
	var rules []map[string]any
	if code != ExitClean || json.Unmarshal([]byte(out), &rules) != nil || len(rules) == 0 {
		t.Fatalf("exit %d: %q", code, out)
	}
}

// docs/RULES.md is generated from the rule values; it must not drift.
func TestRulesDocUpToDate(t *testing.T) {
	_, want, _ := run(t, "rules", "-f", "markdown")
	got, err := os.ReadFile("../../docs/RULES.md")
	if err != nil || string(got) != want {
		t.Errorf("docs/RULES.md is out of date: run 'go run ./cmd/mlsec rules -f markdown > docs/RULES.md'")
	}
}

// 'mlsec --version' and 'mlsec version' agree on the version.
func TestVersionsAgree(t *testing.T) {
	_, flag, _ := run(t, "--version")
	_, cmd, _ := run(t, "version")
	first, _, _ := strings.Cut(cmd, "\n")
	if flag != first+"\n" || !strings.HasPrefix(flag, "mlsec ") {
		t.Errorf("--version %q, version %q", flag, cmd)
	}
}

// 'mlsec explain FAMILY' points at 'mlsec rules FAMILY'.
func TestExplainFamily(t *testing.T) {
	code, _, stderr := run(t, "explain", "exposure")
	if code != ExitError || !strings.Contains(stderr, "'mlsec rules exposure'") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, out, stderr := run(t, "explain", "config/mlflow-no-auth")
	if code != ExitClean || !strings.HasPrefix(out, "exposure/mlflow-no-auth") || !strings.Contains(stderr, "is now exposure/mlflow-no-auth") {
		t.Errorf("former ID: exit %d, out %q, stderr %q", code, out[:min(len(out), 80)], stderr)
	}
}
