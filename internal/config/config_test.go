package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

func TestParse(t *testing.T) {
	c, err := Parse([]byte(`# project settings
exclude:
  - "tests/fixtures/**"
  - vendor/
rules:
  disable: [deps/unpinned-ml-package]
  severity:
    code/yaml-unsafe-load: medium
fail-on: critical
model:
  allow: ["mypkg.models.Scorer", "mypkg.layers.*"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Exclude) != 2 || c.FailOn != "critical" || c.Rules.Disable[0] != "deps/unpinned-ml-package" || len(c.Model.Allow) != 2 {
		t.Errorf("parsed %+v", c)
	}
	if got := c.SeverityOverrides()["code/yaml-unsafe-load"]; got != rule.Medium {
		t.Errorf("override %v", got)
	}
}

func TestUnknownKeyNamesItsLine(t *testing.T) {
	_, err := Parse([]byte("exclude: [a]\nrules:\n  disabled: [code]\n"))
	if err == nil || !strings.Contains(err.Error(), `line 3: unknown key "disabled"`) {
		t.Errorf("err = %v", err)
	}
	_, err = Parse([]byte("excludes: [a]\n"))
	if err == nil || !strings.Contains(err.Error(), `line 1: unknown key "excludes"`) {
		t.Errorf("err = %v", err)
	}
}

func TestBadValues(t *testing.T) {
	for _, in := range []string{"fail-on: severe\n", "rules:\n  severity:\n    code/x: huge\n", "exclude: 3\n", "rules: [a\n"} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if _, err := Parse([]byte("fail-on: none\n")); err != nil {
		t.Errorf("fail-on none: %v", err)
	}
	if c, err := Parse(nil); err != nil || c == nil {
		t.Errorf("empty file: %v", err)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	if c, err := Find(dir); c != nil || err != nil {
		t.Errorf("absent: %v %v", c, err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("fail-on: low\nbogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Find(dir)
	if err == nil || !strings.HasSuffix(err.Error(), FileName+`:2: unknown key "bogus"`) {
		t.Errorf("err = %v", err)
	}
}

// Every configuration error names the file and the line.
func TestErrorsNameFileAndLine(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"rules:\n  disable:\n    - code\n    - nosuch/rule\n", `:4: rules.disable: unknown rule or family "nosuch/rule"`},
		{"rules:\n  enable: [nope]\n", `:2: rules.enable: unknown rule or family "nope"`},
		{"rules:\n  severity:\n    code/pickle-load: severe\n", `:3: rules.severity.code/pickle-load: unknown severity "severe"`},
		{"rules:\n  severity:\n    code/nope: high\n", `:3: rules.severity: unknown rule "code/nope"`},
		{"fail-on: sometimes\n", `:1: fail-on: unknown severity "sometimes"`},
		{"min-severity: loud\n", `:1: min-severity: unknown severity "loud"`},
		{"exclude:\n  - ok/**\n  - data/[abc\n", `:3: exclude: invalid pattern "data/[abc"`},
		{"model:\n  allow:\n    - os.system\n    - not a global\n", `:4: model.allow: "not a global" is not "module.Name" or "module.*"`},
	} {
		p := filepath.Join(t.TempDir(), FileName)
		if err := os.WriteFile(p, []byte(c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(p)
		if err == nil || !strings.HasPrefix(err.Error(), p+c.want) {
			t.Errorf("%q: err = %v, want %s%s", c.yaml, err, p, c.want)
		}
	}
}

// Former rule IDs work, with a warning that names the line and the new ID.
func TestFormerIDsWarn(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(p, []byte("rules:\n  disable: [k8s/run-as-root]\n  severity:\n    iac/ml-bucket-public: critical\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 2 || !strings.Contains(c.Warnings[0], ":2: rules.disable: rule k8s/run-as-root is now workload/runs-as-root") {
		t.Errorf("warnings %q", c.Warnings)
	}
	if c.SeverityOverrides()["cloud/bucket-public"].String() != "critical" {
		t.Errorf("overrides %v", c.SeverityOverrides())
	}
}
