package probe

import (
	"strconv"
	"strings"
)

// advisory is a known vulnerability of a service fixed in a version.
type advisory struct {
	service string
	fixed   string // first fixed version
	cves    string
	what    string
}

// advisories are the published vulnerabilities a version shown by the
// service is checked against. A version below fixed is reported with the
// CVEs. Sources: the projects' security advisories (GHSA) and release
// notes.
var advisories = []advisory{
	{"Ray", "2.8.1", "CVE-2023-6019, CVE-2023-6020, CVE-2023-6021", "command injection in the dashboard's cpu_profile and arbitrary file reads"},
	{"MLflow", "2.2.1", "CVE-2023-1177, CVE-2023-1176", "arbitrary file read through registered model sources, leading to takeover"},
	{"MLflow", "2.9.2", "CVE-2023-6977", "arbitrary file read through model version sources (is_local_uri bypass)"},
	{"MLflow", "2.12.1", "CVE-2024-1483", "path traversal through experiment artifact locations"},
	{"Gradio", "4.11.0", "CVE-2023-51449", "arbitrary file read through the file route"},
	{"Gradio", "4.13.0", "CVE-2024-1561", "arbitrary file read through the component server"},
	{"TorchServe", "0.8.2", "CVE-2023-43654", "server-side request forgery in model registration (ShellTorch)"},
}

// versionIssues lists the advisories a service's version is affected by.
func versionIssues(service, version string) []Issue {
	v, ok := parseVersion(version)
	if !ok {
		return nil
	}
	var cves, whats []string
	for _, a := range advisories {
		if a.service != service {
			continue
		}
		f, _ := parseVersion(a.fixed)
		if less(v, f) {
			cves = append(cves, a.cves+" (fixed in "+a.fixed+")")
			whats = append(whats, a.what)
		}
	}
	if len(cves) == 0 {
		return nil
	}
	return []Issue{{Rule: RuleVulnerableVersion, Evidence: service + " " + version,
		Message: service + " " + version + " has known vulnerabilities: " + strings.Join(cves, "; ") + ": " + strings.Join(whats, "; ")}}
}

func parseVersion(s string) ([3]int, bool) {
	var v [3]int
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if s == "" {
		return v, false
	}
	for i, p := range strings.SplitN(s, ".", 4) {
		if i >= 3 {
			break
		}
		// "2.9.2rc1", "0.8.1-SNAPSHOT": the leading digits count.
		j := 0
		for j < len(p) && p[j] >= '0' && p[j] <= '9' {
			j++
		}
		if j == 0 {
			return v, i > 0
		}
		n, err := strconv.Atoi(p[:j])
		if err != nil {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

func less(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
