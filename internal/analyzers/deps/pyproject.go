package deps

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/tomlpos"
)

// pyprojectFile is one pyproject.toml being read.
type pyprojectFile struct {
	c      *checker
	doc    *tomlpos.Table
	pins   bool            // report unpinned ML packages (no lock file beside it)
	pinned map[string]bool // package names tied to a named source (Poetry source =, uv index =)
}

func (f *pyprojectFile) at(v *tomlpos.Value) finding.Location {
	return f.c.pass.Line(v.Line, v.Col)
}

// pyproject reads pyproject.toml: PEP 621 and PEP 735 dependencies, Poetry,
// uv and PDM dependencies and package sources.
func (c *checker) pyproject() error {
	// A BOM is not TOML, but the file is plainly meant as TOML: read it
	// without, and count columns on line 1 as an editor shows them.
	content := stripBOM(c.pass.Content)
	doc, err := tomlpos.Parse(content)
	if err != nil {
		return fmt.Errorf("pyproject.toml: %w", err)
	}
	f := &pyprojectFile{c: c, doc: doc,
		pins: !lockedBeside(c.pass), pinned: map[string]bool{}}
	f.pep621()
	f.poetry()
	f.uv()
	f.pdm()
	return nil
}

// pep508List checks an array of PEP 508 requirement strings.
func (f *pyprojectFile) pep508List(v *tomlpos.Value) {
	for _, s := range v.Strings() {
		if r, ok := parseRequirement(s.Str); ok {
			f.c.requirement(reqRef{req: r, raw: s.Str, loc: f.at(s)}, f.pins)
		}
	}
}

// sortedValues is a table's values in document order.
func sortedValues(t *tomlpos.Table) []*tomlpos.Value {
	if t == nil {
		return nil
	}
	out := make([]*tomlpos.Value, 0, len(t.Keys))
	for _, k := range t.Keys {
		out = append(out, t.Get(k))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Off < out[j].Off })
	return out
}

func (f *pyprojectFile) pep621() {
	f.pep508List(f.doc.Get("project", "dependencies"))
	for _, group := range sortedValues(f.doc.Sub("project", "optional-dependencies")) {
		f.pep508List(group)
	}
	// PEP 735 groups mix strings with {include-group = "…"} tables;
	// Strings() keeps the strings.
	for _, group := range sortedValues(f.doc.Sub("dependency-groups")) {
		f.pep508List(group)
	}
}

// poetry reads [tool.poetry] dependencies, groups and sources.
func (f *pyprojectFile) poetry() {
	poetry := f.doc.Sub("tool", "poetry")
	if poetry == nil {
		return
	}
	tables := []*tomlpos.Table{poetry.Sub("dependencies"), poetry.Sub("dev-dependencies")}
	for _, g := range sortedValues(poetry.Sub("group")) {
		if g.Table != nil {
			tables = append(tables, g.Table.Sub("dependencies"))
		}
	}
	for _, t := range tables {
		if t == nil {
			continue
		}
		for _, name := range t.Keys {
			f.poetryDep(name, t.Get(name))
		}
	}
	sources := poetry.Get("source").Tables()
	// PyPI listed as a primary (or default) source is merged with the
	// other primary sources: Poetry collects the candidates of every
	// primary source and the resolver takes the best version. Without it a
	// primary source replaces PyPI, which is safe.
	pypiPrimary := false
	for _, src := range sources {
		if n := src.Table.Get("name"); n != nil && strings.EqualFold(n.Str, "pypi") && src.Table.Get("url") == nil {
			if p := poetryPriority(src.Table); p == "primary" || p == "default" {
				pypiPrimary = true
			}
		}
	}
	for _, src := range sources {
		name := src.Table.Get("name")
		url := src.Table.Get("url")
		if url == nil || url.Str == "" {
			continue
		}
		srcName := ""
		if name != nil {
			srcName = name.Str
		}
		priority := poetryPriority(src.Table)
		ix := indexRef{role: "[[tool.poetry.source]] " + srcName, url: url.Str, loc: f.at(url)}
		switch priority {
		case "primary", "default":
			if pypiPrimary && !f.pinned[srcName] {
				ix.extra = "is a primary source next to PyPI and no dependency is tied to it with source = …, so Poetry merges both and takes the best version"
			}
		case "secondary":
			ix.extra = "has priority \"secondary\", which Poetry searches together with the primary sources"
		case "supplemental":
			if !f.pinned[srcName] {
				ix.extra = "has priority \"supplemental\" and no dependency is tied to it with source = …, so Poetry looks on PyPI first"
			}
		}
		f.c.index(ix)
	}
}

// poetryPriority is a source's priority as Poetry reads it: "primary"
// when unset, "secondary" for the old secondary = true.
func poetryPriority(t *tomlpos.Table) string {
	if p := t.Get("priority"); p != nil {
		return strings.ToLower(p.Str)
	}
	if s := t.Get("secondary"); s != nil && s.Str == "true" {
		return "secondary"
	}
	if d := t.Get("default"); d != nil && d.Str == "true" {
		return "default"
	}
	return "primary"
}

// poetryDep checks one Poetry dependency: "^2.1", {version = …}, {git = …},
// {url = …}, {path = …}, or an array of such tables with markers.
func (f *pyprojectFile) poetryDep(name string, v *tomlpos.Value) {
	if name == "python" || v == nil {
		return
	}
	norm := normalize(name)
	switch {
	case v.IsString():
		f.poetryVersion(norm, v.Str, v)
	case v.Table != nil:
		t := v.Table
		if s := t.Get("source"); s != nil {
			f.pinned[s.Str] = true
		}
		switch {
		case t.Get("git") != nil:
			f.vcsSource(norm, "git", t)
		case t.Get("url") != nil:
			u := t.Get("url")
			f.c.directURL(norm, u.Str, f.at(u), false)
		case t.Get("path") != nil:
		case t.Get("version") != nil:
			f.poetryVersion(norm, t.Get("version").Str, t.Get("version"))
		default:
			f.poetryVersion(norm, "", v)
		}
	default:
		for _, it := range v.Tables() {
			f.poetryDep(name, it)
		}
	}
}

// poetryVersion judges a Poetry constraint; a bare version ("2.1.0") is an
// exact pin in Poetry, unlike "^2.1" or "~2.1".
func (f *pyprojectFile) poetryVersion(name, c string, v *tomlpos.Value) {
	c = strings.TrimSpace(c)
	exact := exactPin(c) || c != "" && !strings.ContainsAny(c, "^~<>=!*,| ")
	if f.pins && !exact {
		f.c.unpinned(name, c, f.at(v))
	}
	f.c.malicious(name, c, f.at(v))
}

// vcsSource checks a {git = url, rev|branch|tag = …} source (Poetry and uv).
func (f *pyprojectFile) vcsSource(name, vcs string, t *tomlpos.Table) {
	u := t.Get(vcs)
	raw := u.Str
	if lower := strings.ToLower(raw); !strings.HasPrefix(lower, vcs+"+") && !strings.HasPrefix(lower, vcs+"://") {
		raw = vcs + "+" + raw
	}
	rev := ""
	if r := t.Get("rev"); r != nil {
		rev = r.Str
	}
	for _, k := range []string{"branch", "tag"} {
		if r := t.Get(k); r != nil {
			rev = r.Str
		}
	}
	if rev != "" {
		raw += "@" + rev
	}
	f.c.directURL(name, raw, f.at(u), false)
}

// uv reads [tool.uv]. uv resolves with index-strategy "first-index" by
// default: a package is taken from the first index that has it, with
// [[tool.uv.index]] and extra-index-url entries ahead of the default, so an
// extra index cannot be shadowed from PyPI. Only the unsafe strategies
// bring back pip's dependency confusion, so only then is an extra index
// reported.
func (f *pyprojectFile) uv() {
	uv := f.doc.Sub("tool", "uv")
	if uv == nil {
		return
	}
	unsafe := ""
	if s := uv.Get("index-strategy"); s != nil && strings.HasPrefix(s.Str, "unsafe-") {
		unsafe = s.Str
	}
	f.pep508List(uv.Get("dev-dependencies"))
	if srcs := uv.Sub("sources"); srcs != nil {
		for _, name := range srcs.Keys {
			for _, src := range append([]*tomlpos.Value{srcs.Get(name)}, srcs.Get(name).Tables()...) {
				if src.Table == nil {
					continue
				}
				norm := normalize(name)
				switch {
				case src.Table.Get("index") != nil:
					f.pinned[src.Table.Get("index").Str] = true
				case src.Table.Get("git") != nil:
					f.vcsSource(norm, "git", src.Table)
				case src.Table.Get("url") != nil:
					u := src.Table.Get("url")
					f.c.directURL(norm, u.Str, f.at(u), false)
				}
			}
		}
	}
	extraWhy := fmt.Sprintf("is searched with the other indexes under index-strategy = %q, which takes the best version from any of them", unsafe)
	if v := uv.Get("index-url"); v != nil {
		f.c.index(indexRef{role: "[tool.uv] index-url", url: v.Str, loc: f.at(v)})
	}
	for _, v := range uv.Get("extra-index-url").Strings() {
		ix := indexRef{role: "[tool.uv] extra-index-url", url: v.Str, loc: f.at(v)}
		if unsafe != "" {
			ix.extra = extraWhy
		}
		f.c.index(ix)
	}
	for _, v := range uv.Get("find-links").Strings() {
		f.c.index(indexRef{role: "[tool.uv] find-links", url: v.Str, loc: f.at(v)})
	}
	for _, ix := range uv.Get("index").Tables() {
		u := ix.Table.Get("url")
		if u == nil {
			continue
		}
		name := ""
		if n := ix.Table.Get("name"); n != nil {
			name = n.Str
		}
		ref := indexRef{role: "[[tool.uv.index]] " + name, url: u.Str, loc: f.at(u)}
		explicit := ix.Table.Get("explicit") != nil && ix.Table.Get("explicit").Str == "true"
		isDefault := ix.Table.Get("default") != nil && ix.Table.Get("default").Str == "true"
		if unsafe != "" && !explicit && !isDefault {
			ref.extra = extraWhy
		}
		f.c.index(ref)
	}
	for _, v := range uv.Get("allow-insecure-host").Strings() {
		f.c.insecureHost(v.Str, "[tool.uv] allow-insecure-host", f.at(v))
	}
}

// pdm reads [[tool.pdm.source]]. PDM merges candidates from every source
// unless [tool.pdm.resolution] respect-source-order is set, so a source that
// adds to PyPI (any name but "pypi", which replaces it) without
// include_packages is open to confusion.
func (f *pyprojectFile) pdm() {
	pdm := f.doc.Sub("tool", "pdm")
	if pdm == nil {
		return
	}
	for _, group := range sortedValues(pdm.Sub("dev-dependencies")) {
		f.pep508List(group)
	}
	ordered := false
	if v := pdm.Get("resolution", "respect-source-order"); v != nil && v.Str == "true" {
		ordered = true
	}
	for _, src := range pdm.Get("source").Tables() {
		t := src.Table
		u := t.Get("url")
		if u == nil {
			continue
		}
		name := ""
		if n := t.Get("name"); n != nil {
			name = n.Str
		}
		typ := "index"
		if v := t.Get("type"); v != nil {
			typ = v.Str
		}
		ref := indexRef{role: "[[tool.pdm.source]] " + name, url: u.Str, loc: f.at(u)}
		if typ == "find_links" {
			ref.role += " (find_links)"
		} else if name != "pypi" && !ordered && t.Get("include_packages") == nil {
			ref.extra = "is merged with PyPI (no include_packages, no respect-source-order) and PDM takes the best version from either"
		}
		f.c.index(ref)
		if v := t.Get("verify_ssl"); v != nil && v.Str == "false" {
			if pu, ok := parseURL(u.Str); ok {
				f.c.insecureHost(pu.host, "[[tool.pdm.source]] verify_ssl = false for", f.at(v))
			}
		}
	}
}
