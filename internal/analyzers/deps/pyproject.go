package deps

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/mlsec/mlsec/internal/finding"
)

// pyprojectFile is one pyproject.toml being read.
type pyprojectFile struct {
	c      *checker
	doc    *ttable
	lines  lineIndex
	pins   bool            // report unpinned ML packages (no lock file beside it)
	pinned map[string]bool // package names tied to a named source (Poetry source =, uv index =)
}

func (f *pyprojectFile) at(v *tval) finding.Location {
	line, col := f.lines.pos(v.off)
	return f.c.pass.Line(line, col)
}

// pyproject reads pyproject.toml: PEP 621 and PEP 735 dependencies, Poetry,
// uv and PDM dependencies and package sources.
func (c *checker) pyproject() error {
	// A BOM is not TOML, but the file is plainly meant as TOML: read it
	// without, and count columns on line 1 as an editor shows them.
	content := stripBOM(c.pass.Content)
	doc, err := parseTOML(content)
	if err != nil {
		return fmt.Errorf("pyproject.toml: %w", err)
	}
	f := &pyprojectFile{c: c, doc: doc, lines: newLineIndex(content),
		pins: !lockedBeside(c.pass.File.OS), pinned: map[string]bool{}}
	f.pep621()
	f.poetry()
	f.uv()
	f.pdm()
	return nil
}

// pep508List checks an array of PEP 508 requirement strings.
func (f *pyprojectFile) pep508List(v *tval) {
	for _, s := range v.strings() {
		if r, ok := parseRequirement(s.str); ok {
			f.c.requirement(reqRef{req: r, raw: s.str, loc: f.at(s)}, f.pins)
		}
	}
}

// sortedValues is a table's values in document order.
func sortedValues(t *ttable) []*tval {
	if t == nil {
		return nil
	}
	out := make([]*tval, 0, len(t.keys))
	for _, k := range t.keys {
		out = append(out, t.m[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].off < out[j].off })
	return out
}

func (f *pyprojectFile) pep621() {
	f.pep508List(f.doc.get("project", "dependencies"))
	for _, group := range sortedValues(f.doc.table("project", "optional-dependencies")) {
		f.pep508List(group)
	}
	// PEP 735 groups mix strings with {include-group = "…"} tables;
	// strings() keeps the strings.
	for _, group := range sortedValues(f.doc.table("dependency-groups")) {
		f.pep508List(group)
	}
}

// poetry reads [tool.poetry] dependencies, groups and sources.
func (f *pyprojectFile) poetry() {
	poetry := f.doc.table("tool", "poetry")
	if poetry == nil {
		return
	}
	tables := []*ttable{poetry.table("dependencies"), poetry.table("dev-dependencies")}
	for _, g := range sortedValues(poetry.table("group")) {
		if g.tab != nil {
			tables = append(tables, g.tab.table("dependencies"))
		}
	}
	for _, t := range tables {
		if t == nil {
			continue
		}
		for _, name := range t.keys {
			f.poetryDep(name, t.m[name])
		}
	}
	sources := poetry.get("source").tables()
	// PyPI listed as a primary (or default) source is merged with the
	// other primary sources: Poetry collects the candidates of every
	// primary source and the resolver takes the best version. Without it a
	// primary source replaces PyPI, which is safe.
	pypiPrimary := false
	for _, src := range sources {
		if n := src.tab.get("name"); n != nil && strings.EqualFold(n.str, "pypi") && src.tab.get("url") == nil {
			if p := poetryPriority(src.tab); p == "primary" || p == "default" {
				pypiPrimary = true
			}
		}
	}
	for _, src := range sources {
		name := src.tab.get("name")
		url := src.tab.get("url")
		if url == nil || url.str == "" {
			continue
		}
		srcName := ""
		if name != nil {
			srcName = name.str
		}
		priority := poetryPriority(src.tab)
		ix := indexRef{role: "[[tool.poetry.source]] " + srcName, url: url.str, loc: f.at(url)}
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
func poetryPriority(t *ttable) string {
	if p := t.get("priority"); p != nil {
		return strings.ToLower(p.str)
	}
	if s := t.get("secondary"); s != nil && s.str == "true" {
		return "secondary"
	}
	if d := t.get("default"); d != nil && d.str == "true" {
		return "default"
	}
	return "primary"
}

// poetryDep checks one Poetry dependency: "^2.1", {version = …}, {git = …},
// {url = …}, {path = …}, or an array of such tables with markers.
func (f *pyprojectFile) poetryDep(name string, v *tval) {
	if name == "python" || v == nil {
		return
	}
	norm := normalize(name)
	switch {
	case v.kind == unstable.String:
		f.poetryVersion(norm, v.str, v)
	case v.tab != nil:
		t := v.tab
		if s := t.get("source"); s != nil {
			f.pinned[s.str] = true
		}
		switch {
		case t.get("git") != nil:
			f.vcsSource(norm, "git", t)
		case t.get("url") != nil:
			u := t.get("url")
			f.c.directURL(norm, u.str, f.at(u), false)
		case t.get("path") != nil:
		case t.get("version") != nil:
			f.poetryVersion(norm, t.get("version").str, t.get("version"))
		default:
			f.poetryVersion(norm, "", v)
		}
	default:
		for _, it := range v.tables() {
			f.poetryDep(name, it)
		}
	}
}

// poetryVersion judges a Poetry constraint; a bare version ("2.1.0") is an
// exact pin in Poetry, unlike "^2.1" or "~2.1".
func (f *pyprojectFile) poetryVersion(name, c string, v *tval) {
	c = strings.TrimSpace(c)
	exact := exactPin(c) || c != "" && !strings.ContainsAny(c, "^~<>=!*,| ")
	if f.pins && !exact {
		f.c.unpinned(name, c, f.at(v))
	}
	f.c.malicious(name, c, f.at(v))
}

// vcsSource checks a {git = url, rev|branch|tag = …} source (Poetry and uv).
func (f *pyprojectFile) vcsSource(name, vcs string, t *ttable) {
	u := t.get(vcs)
	raw := u.str
	if lower := strings.ToLower(raw); !strings.HasPrefix(lower, vcs+"+") && !strings.HasPrefix(lower, vcs+"://") {
		raw = vcs + "+" + raw
	}
	rev := ""
	if r := t.get("rev"); r != nil {
		rev = r.str
	}
	for _, k := range []string{"branch", "tag"} {
		if r := t.get(k); r != nil {
			rev = r.str
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
	uv := f.doc.table("tool", "uv")
	if uv == nil {
		return
	}
	unsafe := ""
	if s := uv.get("index-strategy"); s != nil && strings.HasPrefix(s.str, "unsafe-") {
		unsafe = s.str
	}
	f.pep508List(uv.get("dev-dependencies"))
	if srcs := uv.table("sources"); srcs != nil {
		for _, name := range srcs.keys {
			for _, src := range append([]*tval{srcs.m[name]}, srcs.m[name].tables()...) {
				if src.tab == nil {
					continue
				}
				norm := normalize(name)
				switch {
				case src.tab.get("index") != nil:
					f.pinned[src.tab.get("index").str] = true
				case src.tab.get("git") != nil:
					f.vcsSource(norm, "git", src.tab)
				case src.tab.get("url") != nil:
					u := src.tab.get("url")
					f.c.directURL(norm, u.str, f.at(u), false)
				}
			}
		}
	}
	extraWhy := fmt.Sprintf("is searched with the other indexes under index-strategy = %q, which takes the best version from any of them", unsafe)
	if v := uv.get("index-url"); v != nil {
		f.c.index(indexRef{role: "[tool.uv] index-url", url: v.str, loc: f.at(v)})
	}
	for _, v := range uv.get("extra-index-url").strings() {
		ix := indexRef{role: "[tool.uv] extra-index-url", url: v.str, loc: f.at(v)}
		if unsafe != "" {
			ix.extra = extraWhy
		}
		f.c.index(ix)
	}
	for _, v := range uv.get("find-links").strings() {
		f.c.index(indexRef{role: "[tool.uv] find-links", url: v.str, loc: f.at(v)})
	}
	for _, ix := range uv.get("index").tables() {
		u := ix.tab.get("url")
		if u == nil {
			continue
		}
		name := ""
		if n := ix.tab.get("name"); n != nil {
			name = n.str
		}
		ref := indexRef{role: "[[tool.uv.index]] " + name, url: u.str, loc: f.at(u)}
		explicit := ix.tab.get("explicit") != nil && ix.tab.get("explicit").str == "true"
		isDefault := ix.tab.get("default") != nil && ix.tab.get("default").str == "true"
		if unsafe != "" && !explicit && !isDefault {
			ref.extra = extraWhy
		}
		f.c.index(ref)
	}
	for _, v := range uv.get("allow-insecure-host").strings() {
		f.c.insecureHost(v.str, "[tool.uv] allow-insecure-host", f.at(v))
	}
}

// pdm reads [[tool.pdm.source]]. PDM merges candidates from every source
// unless [tool.pdm.resolution] respect-source-order is set, so a source that
// adds to PyPI (any name but "pypi", which replaces it) without
// include_packages is open to confusion.
func (f *pyprojectFile) pdm() {
	pdm := f.doc.table("tool", "pdm")
	if pdm == nil {
		return
	}
	for _, group := range sortedValues(pdm.table("dev-dependencies")) {
		f.pep508List(group)
	}
	ordered := false
	if v := pdm.get("resolution", "respect-source-order"); v != nil && v.str == "true" {
		ordered = true
	}
	for _, src := range pdm.get("source").tables() {
		t := src.tab
		u := t.get("url")
		if u == nil {
			continue
		}
		name := ""
		if n := t.get("name"); n != nil {
			name = n.str
		}
		typ := "index"
		if v := t.get("type"); v != nil {
			typ = v.str
		}
		ref := indexRef{role: "[[tool.pdm.source]] " + name, url: u.str, loc: f.at(u)}
		if typ == "find_links" {
			ref.role += " (find_links)"
		} else if name != "pypi" && !ordered && t.get("include_packages") == nil {
			ref.extra = "is merged with PyPI (no include_packages, no respect-source-order) and PDM takes the best version from either"
		}
		f.c.index(ref)
		if v := t.get("verify_ssl"); v != nil && v.str == "false" {
			if pu, ok := parseURL(u.str); ok {
				f.c.insecureHost(pu.host, "[[tool.pdm.source]] verify_ssl = false for", f.at(v))
			}
		}
	}
}
