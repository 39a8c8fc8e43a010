package secret_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/cli"
	"github.com/mlsec/mlsec/internal/report"
)

// fakeSecrets are the fake credentials planted in testdata (generated in
// real formats; none is live).
var fakeSecrets = []string{
	"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",
	"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",
	"b1e6d543d7202cf486ea62965174b7b0d8087fde",
	"r8_WBRDFOxEzf5FJtRBZRAJyu5BKaCKvsYFJGufE",
	"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",
	"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",
	"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",
	"JuQ5gKeiOLS4GMtbtK4FEzkQxYISTCgu",
	"tgp_v1_XPeGq0eKoNy5cQ0uyVsOYYDVJXRhovvuUvBEwJSuBVK",
	"pcsk_pbYeZ_jCpQrWH10dkcxaP50Aqg6hnb5tZKW8iMPqayL86nKISEgBCm2NyEN5qBHLVar1u",
	"f921ebae797a6124068d650e68b30791",
	"qYWMMgLpL2JOXQ8ZGpSqptA1U",
	"AyRaiC92All9KOVkyqwGUWJRNsOIQsWCa0lwx50Cj0zUx6TT0r",
	"dapid74adc1c5d9c114467833b3f847dbfbf",
	"AKIAAUEFXGSGA42XFK7T",
	"lE9FXDc/yreIogLe3pOsxVZSo0jR2z3fV/Kmt/z9",
	"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",
	"Qz7sBn7cViI5!x",
	"4a9cea9e4830f96756ed50fdb82222559fec4c9a3af3fbe2",
	"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
	"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
}

// TestNoSecretInAnyOutput scans fixtures full of fake secrets, and files
// that fail to parse with a secret on the failing line, through the
// command line in every registered report format, and checks that no
// secret appears in standard output or standard error: not whole, and
// not as any 8 bytes past the 4-byte prefix a redacted value may show.
func TestNoSecretInAnyOutput(t *testing.T) {
	tree := t.TempDir()
	for _, sub := range []string{"err", "notebook", "archive", "fold"} {
		copyTree(t, filepath.Join("testdata", sub), filepath.Join(tree, sub))
	}
	broken := map[string]string{
		"broken/values.yaml":    "token: " + fakeSecrets[0] + "\n  bad: [unclosed\n",
		"broken/train.ipynb":    `{"cells": [{"cell_type": "code", "source": ["key = '` + fakeSecrets[6] + `'"` + "\n",
		"broken/pyproject.toml": "[tool.poetry]\nname = \"x\"\ntoken = \"" + fakeSecrets[3] + "\n",
		"broken/k8s.yaml":       "apiVersion: v1\nkind: Secret\nstringData:\n  HF_TOKEN: " + fakeSecrets[0] + "\n   x: [\n",
	}
	for name, content := range broken {
		p := filepath.Join(tree, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	formats := report.Formats()
	if len(formats) < 3 {
		t.Fatalf("formats: %v", formats)
	}
	for _, format := range formats {
		for _, extra := range [][]string{nil, {"--compact"}} {
			if extra != nil && format != "text" {
				continue
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"scan", tree, "-f", format, "--no-progress", "--fail-on", "none", "--history"}, extra...)
			code := cli.Main(args, &stdout, &stderr)
			if code != 0 && code != 2 {
				t.Fatalf("-f %s: exit %d: %s", format, code, stderr.String())
			}
			if stdout.Len() == 0 {
				t.Fatalf("-f %s: no output", format)
			}
			out := stdout.String() + "\n" + stderr.String()
			if format == "json" {
				// JSON escapes '/' and other bytes only in some encoders;
				// compare on the decoded strings too.
				var v any
				if err := json.Unmarshal(stdout.Bytes(), &v); err != nil {
					t.Fatalf("json: %v", err)
				}
				b, _ := json.Marshal(v)
				out += string(b)
			}
			for _, s := range fakeSecrets {
				if leaked := leak(out, s); leaked != "" {
					t.Errorf("-f %s %v: secret %.6s… shows as %q", format, extra, s, leaked)
				}
			}
			if format == "text" && extra == nil && !strings.Contains(out, "****#") {
				t.Errorf("-f text: no redacted secret in the report:\n%s", out)
			}
		}
	}
}

// leak returns the first part of s that shows in out: s whole, or 8
// bytes of it past its first 4.
func leak(out, s string) string {
	if strings.Contains(out, s) {
		return s
	}
	for i := 4; i+8 <= len(s); i++ {
		if strings.Contains(out, s[i:i+8]) {
			return s[i : i+8]
		}
	}
	return ""
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		if strings.HasSuffix(p, ".want") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
