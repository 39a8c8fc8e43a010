package deps

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// checker holds one file's pass; the per-format readers turn their input
// into index and requirement references and hand them to its methods, so
// every format is judged by the same rules.
type checker struct {
	pass *analysis.Pass
	// pytorchOnly is set when the file installs only from
	// download.pytorch.org, where torchtriton is the genuine package.
	pytorchOnly bool
	// byHost lists the asset IDs of the indexes met so far, by host name.
	byHost map[string][]string
}

// indexRef is one place packages are looked up: an index, a find-links page,
// a conda channel or a Poetry/uv/PDM source.
type indexRef struct {
	role string // how the file names it: "--extra-index-url", "conda channel", "[[tool.poetry.source]] private"…
	url  string
	loc  finding.Location
	// extra, when set, says why this index is searched alongside another with
	// nothing tying packages to it; it makes the index a dependency-confusion
	// finding.
	extra string
}

// reqRef is one requirement with where it was written.
type reqRef struct {
	req    requirement
	raw    string
	loc    finding.Location
	hashed bool // carries --hash, so pip checks the download
}

// index checks one package index reference and records it as an asset.
func (c *checker) index(ix indexRef) {
	u, ok := parseURL(ix.url)
	if !ok {
		// A named conda channel or a local find-links directory: nothing to
		// intercept, but a named extra source can still confuse.
		if ix.extra != "" {
			c.pass.Report(analysis.Diagnostic{Rule: rules.ExtraIndexURL, Location: ix.loc, Evidence: ix.role + " " + ix.url,
				Message: ix.role + " " + ix.url + " " + ix.extra})
		}
		return
	}
	a, _ := IndexAsset(ix.url)
	a.Locations = []finding.Location{ix.loc}
	a.Attrs = map[string]string{"role": ix.role}
	c.pass.AddAsset(a)
	if h := u.hostname(); !slices.Contains(c.byHost[h], a.ID) {
		if c.byHost == nil {
			c.byHost = map[string][]string{}
		}
		c.byHost[h] = append(c.byHost[h], a.ID)
	}
	if ix.extra != "" {
		c.extraIndex(ix, u, a.ID)
	}
	if u.plaintext() && !u.loopback() {
		c.pass.Report(analysis.Diagnostic{Rule: rules.InsecureIndex, Location: ix.loc, Evidence: u.redacted(), Assets: []string{a.ID},
			Message: fmt.Sprintf("%s %s is fetched over %s: anyone on the network path can serve modified packages, which run code at install time",
				ix.role, u.redacted(), u.scheme)})
	}
	c.credentials(u, ix.loc, ix.role, a.ID)
}

// extraIndex reports an index open to dependency confusion. PyTorch's own
// index is a special case: confusion needs a name that exists on one index
// and can be claimed on the other, and since the torchtriton incident
// (December 2022) PyTorch holds the names its index serves on PyPI too. pip
// still takes the highest version across indexes, so the setting is kept
// visible, but as hygiene (low) rather than as the exposure an internal
// index has. A file that asks for torchtriton itself is reported separately
// as a known malicious package.
func (c *checker) extraIndex(ix indexRef, u pkgURL, id string) {
	d := analysis.Diagnostic{Rule: rules.ExtraIndexURL, Location: ix.loc, Evidence: u.redacted(), Assets: []string{id},
		Message: fmt.Sprintf("%s %s %s; whoever publishes one of its package names on another index can get their package installed instead (dependency confusion)",
			ix.role, u.redacted(), ix.extra)}
	if u.hostname() == "download.pytorch.org" {
		d.Severity, d.SeverityReason = rule.Low, "PyTorch's own index: PyTorch holds its package names on PyPI too since the torchtriton incident"
		d.Message = ix.role + " " + u.redacted() + " " + ix.extra + "; this is PyTorch's own index, whose package names PyTorch also holds on PyPI " +
			"since the torchtriton incident, so the confusion risk is small, but a hash-checked lock or an explicit index for torch removes it"
	}
	c.pass.Report(d)
}

// insecureHost reports a host for which TLS verification is switched off.
// The finding carries the file's indexes on that host, read before it:
// theirs are the packages a machine in the middle can now serve.
func (c *checker) insecureHost(host, setting string, loc finding.Location) {
	host = strings.TrimSpace(host)
	if host == "" {
		return
	}
	u, ok := parseURL("https://" + strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://"))
	if ok && u.loopback() {
		return
	}
	var assets []string
	if ok {
		assets = c.byHost[u.hostname()]
	}
	c.pass.Report(analysis.Diagnostic{Rule: rules.InsecureIndex, Location: loc, Evidence: setting + " " + host, Assets: assets,
		Message: fmt.Sprintf("%s %s turns off TLS certificate checks for that host: a machine in the middle can serve modified packages", setting, host)})
}

// credentials reports a secret written into u; id is the asset the URL
// names, "" when it is no index.
func (c *checker) credentials(u pkgURL, loc finding.Location, role, id string) {
	if ok, what := u.credential(); ok {
		host := u.scheme + "://" + u.host
		d := analysis.Diagnostic{Rule: rules.CredentialInIndexURL, Location: loc, Evidence: host,
			Message: fmt.Sprintf("%s for %s has %s; anyone who can read this repository can use it", role, host, what)}
		if id != "" {
			d.Assets = []string{id}
		}
		c.pass.Report(d)
	}
}

// requirement checks one PEP 508 or pip requirement. checkPin says whether
// this file is one where ML packages must be pinned (Poetry and conda spell
// pins differently and call unpinned themselves).
func (c *checker) requirement(r reqRef, checkPin bool) {
	if r.req.URL != "" {
		c.directURL(r.req.Name, r.req.URL, r.loc, r.hashed)
	} else if checkPin && !r.req.Path && !r.hashed && !exactPin(r.req.Spec) {
		c.unpinned(r.req.Name, r.req.Spec, r.loc)
	}
	if r.req.URL == "" && !r.req.Path {
		c.malicious(r.req.Name, r.req.Spec, r.loc)
	}
}

// directURL checks a requirement fetched straight from a URL or repository.
func (c *checker) directURL(name, raw string, loc finding.Location, hashed bool) {
	u, ok := parseURL(raw)
	if !ok {
		return
	}
	what := name
	if what == "" {
		what = "a package"
	}
	c.credentials(u, loc, "the URL of "+what, "")
	switch {
	case u.scheme == "file" || u.loopback():
	case u.plaintext() && (u.vcs != "" || !(hashed || u.fragmentHash())):
		c.pass.Report(analysis.Diagnostic{Rule: rules.InsecureDirectURL, Location: loc, Evidence: u.redacted(),
			Message: fmt.Sprintf("%s is installed from %s over %s: anyone on the network path can replace the code that is built and installed",
				what, u.redacted(), u.scheme)})
	case u.vcs != "" && !isCommit(u.vcsRef()):
		c.vcsUnpinned(what, u.redacted(), u.vcsRef(), loc)
	}
}

// vcsUnpinned reports a VCS install that follows a branch or tag. It is the
// lesser half of InsecureDirectURL, so it is reported at medium severity.
func (c *checker) vcsUnpinned(what, url, ref string, loc finding.Location) {
	at := "the default branch"
	if ref != "" {
		at = "the moving ref " + ref
	}
	c.pass.Report(analysis.Diagnostic{
		Rule: rules.InsecureDirectURL, Location: loc, Evidence: url,
		Severity: rule.Medium, SeverityReason: "fetched over an authenticated transport; only the revision moves",
		Message: what + " is installed from " + at + " of " + url + " rather than a full commit hash: a push to the repository changes what every new environment installs",
	})
}

// unpinned reports an ML-critical package without an exact version.
func (c *checker) unpinned(name, spec string, loc finding.Location) {
	if !IsMLPackage(name) {
		return
	}
	got := "any version"
	if spec = strings.TrimSpace(spec); spec != "" && spec != "*" {
		got = spec
	}
	c.pass.Report(analysis.Diagnostic{Rule: rules.UnpinnedMLPackage, Location: loc, Evidence: name + " " + got,
		Message: fmt.Sprintf("%s is not pinned to an exact version (%s): each new environment installs whatever release is newest", name, got)})
}

// lockedBeside reports whether a lock file sits next to the analyzed file.
// pyproject.toml and setup.cfg declare ranges by design, and a library must
// keep them; the pins of an application live in its lock file. So unpinned
// ML packages are reported there only when no lock file is found.
func lockedBeside(p *analysis.Pass) bool {
	// PEP 751 also allows named lock files: pylock.<name>.toml.
	for _, n := range []string{"uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "Pipfile.lock", "pylock.*.toml"} {
		if p.Beside(n) {
			return true
		}
	}
	return false
}
