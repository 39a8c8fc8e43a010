package deps

import (
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rules"
)

// maliciousEntry is one documented incident. Each entry must carry a public
// reference; names are only added with one.
type maliciousEntry struct {
	versions  []string // exact versions that are malicious; nil means every version from a public index
	reference string
	what      string
}

// maliciousPackages lists package names (PEP 503) with a documented history of
// carrying malware into ML environments.
var maliciousPackages = map[string]maliciousEntry{
	// Uploaded to PyPI to shadow the dependency of the same name on the
	// PyTorch nightly index; it stole SSH keys and other files.
	"torchtriton": {
		reference: "https://pytorch.org/blog/compromised-nightly-dependency/",
		what:      "torchtriton was the dependency-confusion package that shadowed the PyTorch nightly index in December 2022 and exfiltrated files from the machines that installed it",
	},
	// Releases built from a compromised GitHub Actions pipeline (8.3.41,
	// 8.3.42) or published with the stolen token (8.3.45, 8.3.46), each with
	// a cryptocurrency miner.
	"ultralytics": {
		versions:  []string{"8.3.41", "8.3.42", "8.3.45", "8.3.46"},
		reference: "https://blog.pypi.org/posts/2024-12-11-ultralytics-attack-analysis/",
		what:      "ultralytics %s was published from a compromised build pipeline in December 2024 and carries a cryptocurrency miner",
	},
}

// malicious reports a known malicious package or release. torchtriton is
// legitimate on download.pytorch.org, so it is reported only when the file
// lets it come from another index.
func (c *checker) malicious(name, spec string, loc finding.Location) {
	e, ok := maliciousPackages[name]
	if !ok {
		return
	}
	if e.versions == nil {
		if name == "torchtriton" && c.pytorchOnly {
			return
		}
		c.pass.Report(analysis.Diagnostic{Rule: rules.KnownMaliciousPackage, Location: loc, Evidence: name,
			Message: fmt.Sprintf("%s (see %s)", e.what, e.reference)})
		return
	}
	for _, clause := range strings.Split(spec, ",") {
		v := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(clause), "="))
		if !strings.HasPrefix(strings.TrimSpace(clause), "==") {
			continue
		}
		for _, bad := range e.versions {
			if v == bad {
				c.pass.Report(analysis.Diagnostic{Rule: rules.KnownMaliciousPackage, Location: loc, Evidence: name + "==" + v,
					Message: fmt.Sprintf(e.what+" (see %s)", v, e.reference)})
				return
			}
		}
	}
}
