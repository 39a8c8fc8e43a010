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
	if err == nil || !strings.Contains(err.Error(), FileName) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v", err)
	}
}
