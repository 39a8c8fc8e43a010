package deps

import (
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
)

// cfgValue is one key of an INI section with each line of its value.
type cfgValue struct {
	section, key string
	lines        []cfgLine
}

// cfgLine is one line of a value, with where its text starts.
type cfgLine struct {
	text      string
	line, col int
}

// parseCfg reads INI text the way Python's configparser does with
// setuptools' settings: "key = value" or "key: value", values continued on
// indented lines, whole-line comments starting with '#' or ';'.
func parseCfg(content string) []cfgValue {
	var out []cfgValue
	section := ""
	var cur *cfgValue
	for i, raw := range strings.Split(content, "\n") {
		raw = strings.TrimRight(raw, "\r")
		trimmed := strings.TrimSpace(raw)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		indent := len(raw) - len(strings.TrimLeft(raw, " \t"))
		if indent > 0 && cur != nil {
			cur.lines = append(cur.lines, cfgLine{trimmed, i + 1, indent + 1})
			continue
		}
		if trimmed[0] == '[' {
			if end := strings.IndexByte(trimmed, ']'); end > 0 {
				section = strings.TrimSpace(trimmed[1:end])
			}
			cur = nil
			continue
		}
		sep := strings.IndexAny(raw, "=:")
		if sep < 0 {
			cur = nil
			continue
		}
		out = append(out, cfgValue{section: section, key: strings.TrimSpace(raw[:sep])})
		cur = &out[len(out)-1]
		if v := strings.TrimSpace(raw[sep+1:]); v != "" {
			col := strings.Index(raw[sep+1:], v) + sep + 2
			cur.lines = append(cur.lines, cfgLine{v, i + 1, col})
		}
	}
	return out
}

// items splits a setuptools list value: one item a line, or, on a single
// line, items separated by sep. Comments after " #" are dropped, as
// setuptools does for requirements.
func (v cfgValue) items(sep string) []cfgLine {
	var out []cfgLine
	add := func(l cfgLine) {
		if cut := commentStart(l.text); cut >= 0 {
			l.text = l.text[:cut]
		}
		if l.text = strings.TrimRight(l.text, " \t"); l.text != "" {
			out = append(out, l)
		}
	}
	if len(v.lines) == 1 && sep != "" {
		l := v.lines[0]
		off := 0
		for _, part := range strings.Split(l.text, sep) {
			lead := len(part) - len(strings.TrimLeft(part, " \t"))
			add(cfgLine{strings.TrimSpace(part), l.line, l.col + off + lead})
			off += len(part) + len(sep)
		}
		return out
	}
	for _, l := range v.lines {
		add(l)
	}
	return out
}

// setupCfg reads setup.cfg: [options] install_requires and dependency_links,
// [options.extras_require], and [easy_install] index_url and find_links.
func (c *checker) setupCfg() error {
	pins := !lockedBeside(c.pass)
	at := func(l cfgLine) finding.Location { return c.pass.Line(l.line, l.col) }
	for _, v := range parseCfg(string(stripBOM(c.pass.Content))) {
		if c.pass.Canceled() {
			return c.pass.Context.Err()
		}
		key := strings.ReplaceAll(strings.ToLower(v.key), "-", "_")
		switch {
		case v.section == "options" && (key == "install_requires" || key == "setup_requires" || key == "tests_require"),
			v.section == "options.extras_require":
			for _, l := range v.items(";") {
				if r, ok := parseRequirement(l.text); ok {
					c.requirement(reqRef{req: r, raw: l.text, loc: at(l)}, pins)
				}
			}
		case v.section == "options" && key == "dependency_links":
			// Archive and VCS links of packages, read like pip's --find-links.
			for _, l := range v.items(",") {
				if u, ok := parseURL(l.text); ok && u.vcs != "" {
					c.directURL(normalize(u.eggName()), l.text, at(l), false)
					continue
				}
				c.index(indexRef{role: "dependency_links", url: l.text, loc: at(l)})
			}
		case v.section == "easy_install" && (key == "index_url" || key == "find_links"):
			for _, l := range v.items(" ") {
				c.index(indexRef{role: "[easy_install] " + key, url: l.text, loc: at(l)})
			}
		}
	}
	return nil
}
