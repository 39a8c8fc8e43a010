package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGoldenReadableReports pins the HTML, Navigator and Markdown reports
// of the example project as TestGoldenReports pins JSON and SARIF: two runs
// give the same bytes, and any change shows up in review. None of the
// three carries the scan's duration or an absolute path. Run
// 'go test ./internal/cli -run TestGoldenReadableReports -update' to
// accept a change.
func TestGoldenReadableReports(t *testing.T) {
	for format, name := range map[string]string{"html": "example.html", "navigator": "example.navigator.json", "markdown": "example.md"} {
		t.Run(format, func(t *testing.T) {
			var outs [2][]byte
			for i := range outs {
				_, out, stderr := run(t, "scan", "--no-progress", "--fail-on", "none", "-f", format, example)
				if out == "" {
					t.Fatalf("no output; stderr: %s", stderr)
				}
				outs[i] = []byte(out)
			}
			if !bytes.Equal(outs[0], outs[1]) {
				t.Fatalf("two runs on the same input gave different %s", format)
			}
			golden := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.WriteFile(golden, outs[0], 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(want, outs[0]) {
				t.Errorf("%s report differs from %s; run 'go test ./internal/cli -run TestGoldenReadableReports -update' and review the diff", format, golden)
			}
		})
	}
}
