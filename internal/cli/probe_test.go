package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/report/reporttest"
)

// TestProbeCommand: the probe's findings in the report formats, its exit
// codes, and no credential of a target URL in any output.
func TestProbeCommand(t *testing.T) {
	ray := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/version":
			fmt.Fprint(w, `{"version": "4", "ray_version": "2.8.0"}`)
		case "/api/jobs/":
			fmt.Fprint(w, `[]`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer ray.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()

	target := strings.Replace(ray.URL, "http://", "http://admin:S3cr3tPassw0rd@", 1)
	code, out, stderr := run(t, "probe", "-f", "json", target)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d: %s", code, ExitFindings, stderr)
	}
	reporttest.JSON(t, []byte(out))
	for _, want := range []string{`"rule": "probe/rce-api-no-auth"`, `"severity": "critical"`, `"rule": "probe/vulnerable-version"`, "CVE-2023-6019"} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s:\n%s", want, out)
		}
	}
	code, sarif, _ := run(t, "probe", "-f", "sarif", target)
	reporttest.SARIF(t, []byte(sarif))
	for _, o := range []string{out, sarif, stderr} {
		if strings.Contains(o, "S3cr3tPassw0rd") {
			t.Errorf("a target's password reached the output")
		}
	}
	if code != ExitFindings {
		t.Errorf("sarif exit %d", code)
	}

	// A target that cannot be probed makes the verdict incomplete.
	code, out, _ = run(t, "probe", "-f", "json", "--timeout", "2s", downURL)
	if code != ExitError || !strings.Contains(out, `"failed": [`) || !strings.Contains(out, "refused") {
		t.Errorf("unreachable target: exit %d\n%s", code, out)
	}
	// Usage errors.
	for _, args := range [][]string{{"probe"}, {"probe", "ftp://example.com"}, {"probe", "--timeout", "0s", ray.URL}} {
		if code, _, _ := run(t, args...); code != ExitError {
			t.Errorf("%v: exit %d, want %d", args, code, ExitError)
		}
	}
}
