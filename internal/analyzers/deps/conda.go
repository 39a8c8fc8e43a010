package deps

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// condaEnv reads a conda environment file (environment.yml, conda.yaml):
// channels, conda dependencies and the pip list under "- pip:".
func (c *checker) condaEnv() error {
	docs, err := yamlutil.Parse(c.pass.Content)
	if err != nil {
		return fmt.Errorf("conda environment: %w", err)
	}
	for _, doc := range docs {
		if c.pass.Canceled() {
			return c.pass.Context.Err()
		}
		c.condaDoc(doc)
	}
	return nil
}

func (c *checker) condaDoc(doc *yaml.Node) {
	at := func(n *yaml.Node) finding.Location { return c.pass.Line(n.Line, n.Column) }
	for _, ch := range yamlutil.Items(yamlutil.Get(doc, "channels")) {
		if s := yamlutil.Str(ch); s != "" {
			c.index(indexRef{role: "conda channel", url: s, loc: at(ch)})
		}
	}
	set := &reqSet{}
	for _, dep := range yamlutil.Items(yamlutil.Get(doc, "dependencies")) {
		if s := yamlutil.Str(dep); s != "" {
			c.condaSpec(s, at(dep))
			continue
		}
		for _, item := range yamlutil.Items(yamlutil.Get(dep, "pip")) {
			s := yamlutil.Str(item)
			if s == "" {
				continue
			}
			// conda writes the pip list to a requirements file, one item a
			// line, so each item is read as a requirements line. Columns
			// inside the item are only exact for plain scalars; the item's
			// own position is always right.
			loc := at(item)
			if cut := commentStart(s); cut >= 0 {
				s = s[:cut]
			}
			parseReqLine(s, func(int) finding.Location { return loc }, set)
		}
	}
	c.reportReqSet(set, true)
}

// condaSpec checks one conda match spec: [channel::]name[ version[ build]]
// or name=version=build, name==version, name>=v,<w.
func (c *checker) condaSpec(spec string, loc finding.Location) {
	if i := strings.LastIndex(spec, "::"); i >= 0 {
		if u, ok := parseURL(spec[:i]); ok {
			c.index(indexRef{role: "conda channel", url: u.raw, loc: loc})
		}
		spec = spec[i+2:]
	}
	spec = strings.TrimSpace(spec)
	i := 0
	for i < len(spec) && isNameChar(spec[i]) {
		i++
	}
	if i == 0 {
		return
	}
	name := normalize(spec[:i])
	if py, ok := condaNames[name]; ok {
		name = py
	}
	rest := strings.TrimSpace(spec[i:])
	if !condaPinned(rest) {
		c.unpinned(name, rest, loc)
	}
}

// condaPinned reports whether a conda version spec fixes one release.
// "=1.2" is a fuzzy match (1.2.*) in conda, so a single '=' counts as a pin
// only with a full major.minor.patch version or a build string.
func condaPinned(v string) bool {
	exact := func(s string) bool { return s != "" && !strings.ContainsAny(s, "*,|<>!~ ") }
	switch {
	case strings.HasPrefix(v, "["):
		// name[version='1.2.3',build=…]
		for _, kv := range strings.Split(strings.Trim(v, "[]"), ",") {
			k, val, _ := strings.Cut(kv, "=")
			if strings.TrimSpace(k) == "version" {
				return condaPinned("==" + strings.Trim(strings.TrimSpace(val), `'"`))
			}
		}
		return false
	case strings.HasPrefix(v, "=="):
		ver, _, _ := strings.Cut(v[2:], "=")
		return exact(strings.TrimSpace(ver))
	case strings.HasPrefix(v, "="):
		ver, build, hasBuild := strings.Cut(v[1:], "=")
		return exact(ver) && (hasBuild && build != "" && !strings.Contains(build, "*") || strings.Count(ver, ".") >= 2)
	case v != "" && v[0] >= '0' && v[0] <= '9':
		ver, _, _ := strings.Cut(v, " ")
		return exact(ver)
	}
	return false
}
