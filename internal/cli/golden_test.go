package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/mlsec/mlsec/internal/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// durationRE matches the one field of the JSON report that changes from run
// to run.
var durationRE = regexp.MustCompile(`"duration_ms": \d+`)

// TestGoldenReports pins the whole JSON and SARIF reports of the example
// project, byte for byte, so that any change to what a user or code
// scanning sees shows up in review. Two runs must give the same bytes.
// Run 'go test ./internal/cli -run TestGoldenReports -update' to accept a
// change.
func TestGoldenReports(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			var outs [2][]byte
			for i := range outs {
				_, out, stderr := run(t, "scan", "--no-progress", "--fail-on", "none", "-f", format, example)
				if out == "" {
					t.Fatalf("no output; stderr: %s", stderr)
				}
				outs[i] = durationRE.ReplaceAll([]byte(out), []byte(`"duration_ms": 0`))
				// SARIF resolves the scan root to an absolute file URI, which
				// depends on where the repository is checked out.
				abs, err := filepath.Abs(example)
				if err != nil {
					t.Fatal(err)
				}
				outs[i] = bytes.ReplaceAll(outs[i], []byte("file://"+filepath.ToSlash(abs)+"/"), []byte("file:///CHECKOUT/examples/credit-risk/"))
			}
			if format == "json" {
				reporttest.JSON(t, outs[0])
			} else {
				reporttest.SARIF(t, outs[0])
			}
			if !bytes.Equal(outs[0], outs[1]) {
				t.Fatalf("two runs on the same input gave different %s", format)
			}
			golden := filepath.Join("testdata", "golden", "example."+format)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
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
				t.Errorf("%s report differs from %s; run 'go test ./internal/cli -run TestGoldenReports -update' and review the diff", format, golden)
			}
		})
	}
}
