package deps

import (
	"os"
	"path/filepath"
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
			c.pass.Reportf(rules.ExtraIndexURL, ix.loc, ix.role+" "+ix.url, "%s %s %s", ix.role, ix.url, ix.extra)
		}
		return
	}
	name := u.clean()
	c.pass.AddAsset(finding.Asset{
		ID:       finding.AssetID(finding.AssetExternal, "index:"+name),
		Kind:     finding.AssetExternal,
		Name:     "index:" + name,
		Location: ix.loc,
		Attrs:    map[string]string{"role": ix.role},
	})
	if ix.extra != "" {
		c.extraIndex(ix, u)
	}
	if u.plaintext() && !u.loopback() {
		c.pass.Reportf(rules.InsecureIndex, ix.loc, u.redacted(),
			"%s %s is fetched over %s: anyone on the network path can serve modified packages, which run code at install time",
			ix.role, u.redacted(), u.scheme)
	}
	c.credentials(u, ix.loc, ix.role)
}

// extraIndex reports an index open to dependency confusion. PyTorch's own
// index is a special case: confusion needs a name that exists on one index
// and can be claimed on the other, and since the torchtriton incident
// (December 2022) PyTorch holds the names its index serves on PyPI too. pip
// still takes the highest version across indexes, so the setting is kept
// visible, but as hygiene (low) rather than as the exposure an internal
// index has. A file that asks for torchtriton itself is reported separately
// as a known malicious package.
func (c *checker) extraIndex(ix indexRef, u pkgURL) {
	if u.hostname() == "download.pytorch.org" {
		c.pass.ReportFinding(finding.Finding{
			Rule:       rules.ExtraIndexURL,
			Severity:   rule.Low,
			Confidence: rules.ExtraIndexURL.Confidence,
			Location:   ix.loc,
			Evidence:   u.redacted(),
			Message: ix.role + " " + u.redacted() + " " + ix.extra + "; this is PyTorch's own index, whose package names PyTorch also holds on PyPI " +
				"since the torchtriton incident, so the confusion risk is small, but a hash-checked lock or an explicit index for torch removes it",
		})
		return
	}
	c.pass.Reportf(rules.ExtraIndexURL, ix.loc, u.redacted(),
		"%s %s %s; whoever publishes one of its package names on another index can get their package installed instead (dependency confusion)",
		ix.role, u.redacted(), ix.extra)
}

// insecureHost reports a host for which TLS verification is switched off.
func (c *checker) insecureHost(host, setting string, loc finding.Location) {
	host = strings.TrimSpace(host)
	if host == "" {
		return
	}
	if u, ok := parseURL("https://" + strings.TrimPrefix(strings.TrimPrefix(host, "https://"), "http://")); ok && u.loopback() {
		return
	}
	c.pass.Reportf(rules.InsecureIndex, loc, setting+" "+host,
		"%s %s turns off TLS certificate checks for that host: a machine in the middle can serve modified packages", setting, host)
}

// credentials reports a secret written into u.
func (c *checker) credentials(u pkgURL, loc finding.Location, role string) {
	if ok, what := u.credential(); ok {
		host := u.scheme + "://" + u.host
		c.pass.Reportf(rules.CredentialInIndexURL, loc, host,
			"%s for %s has %s: anyone who can read this repository can use it", role, host, what)
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
	c.credentials(u, loc, "the URL of "+what)
	switch {
	case u.scheme == "file" || u.loopback():
	case u.plaintext() && (u.vcs != "" || !(hashed || u.fragmentHash())):
		c.pass.Reportf(rules.InsecureDirectURL, loc, u.redacted(),
			"%s is installed from %s over %s: anyone on the network path can replace the code that is built and installed",
			what, u.redacted(), u.scheme)
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
	c.pass.ReportFinding(finding.Finding{
		Rule:       rules.InsecureDirectURL,
		Severity:   rule.Medium,
		Confidence: rules.InsecureDirectURL.Confidence,
		Location:   loc,
		Evidence:   url,
		Message:    what + " is installed from " + at + " of " + url + " rather than a full commit hash: a push to the repository changes what every new environment installs",
	})
}

// unpinned reports an ML-critical package without an exact version.
func (c *checker) unpinned(name, spec string, loc finding.Location) {
	if !isMLPackage(name) {
		return
	}
	got := "any version"
	if spec = strings.TrimSpace(spec); spec != "" && spec != "*" {
		got = spec
	}
	c.pass.Reportf(rules.UnpinnedMLPackage, loc, name+" "+got,
		"%s is not pinned to an exact version (%s): each new environment installs whatever release is newest", name, got)
}

// fileExists reports whether a regular file exists at osPath.
func fileExists(osPath string) bool {
	fi, err := os.Stat(osPath)
	return err == nil && fi.Mode().IsRegular()
}

// lockedBeside reports whether a lock file sits next to the file at osPath.
// pyproject.toml and setup.cfg declare ranges by design, and a library must
// keep them; the pins of an application live in its lock file. So unpinned
// ML packages are reported there only when no lock file is found.
func lockedBeside(osPath string) bool {
	dir := filepath.Dir(osPath)
	for _, n := range []string{"uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "Pipfile.lock"} {
		if fileExists(filepath.Join(dir, n)) {
			return true
		}
	}
	// PEP 751 also allows named lock files: pylock.<name>.toml.
	m, _ := filepath.Glob(filepath.Join(dir, "pylock.*.toml"))
	return len(m) > 0
}
