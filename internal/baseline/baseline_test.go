package baseline

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mlsec/mlsec/internal/finding"
)

func TestRoundTrip(t *testing.T) {
	fs := []finding.Finding{
		{RuleID: "code/pickle-load", Fingerprint: "f1", Location: finding.Location{Path: "a.py", Line: 3}},
		{RuleID: "deps/extra-index-url", Fingerprint: "f2", Location: finding.Location{Path: "requirements.txt", Line: 1}},
	}
	p := filepath.Join(t.TempDir(), "base.json")
	if err := Write(p, fs[:1]); err != nil {
		t.Fatal(err)
	}
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	rest, n := s.Filter(fs)
	if n != 1 || len(rest) != 1 || rest[0].Fingerprint != "f2" {
		t.Errorf("filter kept %v, dropped %d", rest, n)
	}
}

func TestLoadRejectsOtherFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"notjson": "{", "other": `{"schema":"x","findings":[]}`} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file: no error")
	}
}
