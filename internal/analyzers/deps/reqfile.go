package deps

import (
	"path"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
)

// reqSet is what one requirements file (or one conda pip list) says:
// where packages come from and which packages are wanted.
type reqSet struct {
	indexes     []indexRef
	hosts       []hostRef
	reqs        []reqRef
	noIndex     bool // --no-index: index URLs are ignored
	hashMode    bool // --require-hashes or any --hash: pip checks every download
	constrained bool // -c: versions are pinned by a constraints file
}

// hostRef is a --trusted-host entry.
type hostRef struct {
	host string
	loc  finding.Location
}

// pipOptions are the options pip accepts in requirements files, with whether
// each takes a value. Long options may be abbreviated to any unique prefix,
// as pip's option parser allows.
var pipOptions = map[string]bool{
	"--index-url": true, "--extra-index-url": true, "--no-index": false, "--find-links": true,
	"--constraint": true, "--requirement": true, "--editable": true, "--trusted-host": true,
	"--no-binary": true, "--only-binary": true, "--prefer-binary": false, "--require-hashes": false,
	"--pre": false, "--use-feature": true, "--global-option": true, "--config-settings": true, "--hash": true,
}

var shortOptions = map[string]string{"-i": "--index-url", "-f": "--find-links", "-c": "--constraint", "-r": "--requirement", "-e": "--editable"}

// canonicalOption resolves an option as written to its full long name, or "".
func canonicalOption(name string) string {
	if long, ok := shortOptions[name]; ok {
		return long
	}
	if !strings.HasPrefix(name, "--") {
		return ""
	}
	if _, ok := pipOptions[name]; ok {
		return name
	}
	found := ""
	for o := range pipOptions {
		if strings.HasPrefix(o, name) {
			if found != "" {
				return "" // ambiguous, pip rejects it
			}
			found = o
		}
	}
	return found
}

// token is a word of a logical line and its byte offset in it.
type token struct {
	text string
	off  int
}

// tokenize splits on whitespace, keeping quoted runs together and dropping
// the quotes, as pip's shlex split of the options does.
func tokenize(s string) []token {
	var out []token
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			break
		}
		start := i
		var b strings.Builder
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			if q := s[i]; q == '"' || q == '\'' {
				end := strings.IndexByte(s[i+1:], q)
				if end >= 0 {
					b.WriteString(s[i+1 : i+1+end])
					i += end + 2
					continue
				}
			}
			b.WriteByte(s[i])
			i++
		}
		out = append(out, token{b.String(), start})
	}
	return out
}

// parseReqLine reads one logical requirements line (comments removed) into
// set. at turns a byte offset in the line into a location.
func parseReqLine(line string, at func(off int) finding.Location, set *reqSet) {
	toks := tokenize(line)
	// As pip does: the requirement is every word before the first that
	// starts with '-'; the rest are options.
	n := 0
	for n < len(toks) && !strings.HasPrefix(toks[n].text, "-") {
		n++
	}
	var req *reqRef
	if n > 0 {
		words := make([]string, n)
		for i := range n {
			words[i] = toks[i].text
		}
		raw := strings.Join(words, " ")
		if r, ok := parseRequirement(raw); ok {
			req = &reqRef{req: r, raw: raw, loc: at(toks[0].off)}
		}
	}
	for i := n; i < len(toks); i++ {
		t := toks[i]
		name, val, hasVal := t.text, "", false
		valOff := t.off
		if strings.HasPrefix(name, "--") {
			if k, v, ok := strings.Cut(name, "="); ok {
				name, val, hasVal = k, v, true
				valOff = t.off + len(k) + 1
			}
		} else if len(name) > 2 {
			name, val, hasVal = name[:2], name[2:], true // -iURL
			valOff = t.off + 2
		}
		opt := canonicalOption(name)
		if opt == "" {
			continue
		}
		if pipOptions[opt] && !hasVal {
			if i+1 >= len(toks) {
				continue
			}
			i++
			val, valOff = toks[i].text, toks[i].off
		}
		loc := at(valOff)
		switch opt {
		case "--index-url":
			set.indexes = append(set.indexes, indexRef{role: "--index-url", url: val, loc: loc})
		case "--extra-index-url":
			set.indexes = append(set.indexes, indexRef{role: "--extra-index-url", url: val, loc: loc})
		case "--find-links":
			set.indexes = append(set.indexes, indexRef{role: "--find-links", url: val, loc: loc})
		case "--trusted-host":
			set.hosts = append(set.hosts, hostRef{val, at(t.off)})
		case "--no-index":
			set.noIndex = true
		case "--require-hashes":
			set.hashMode = true
		case "--constraint":
			set.constrained = true
		case "--hash":
			set.hashMode = true
			if req != nil {
				req.hashed = true
			}
		case "--editable":
			if r, ok := parseRequirement(val); ok {
				set.reqs = append(set.reqs, reqRef{req: r, raw: val, loc: loc})
			}
		}
	}
	if req != nil {
		set.reqs = append(set.reqs, *req)
	}
}

// reportReqSet judges a finished set. checkPins says whether unpinned ML packages
// are reported for this file at all.
func (c *checker) reportReqSet(set *reqSet, checkPins bool) {
	primaryPyTorch, extra := false, false
	// Find-links pages are only confusable when a public index is in play:
	// PyPI by default, or named as an index. Next to a private index that
	// replaces PyPI they mix two sources the project controls.
	publicIndex := true
	for _, ix := range set.indexes {
		if ix.role == "--index-url" {
			u, ok := parseURL(ix.url)
			publicIndex = ok && isPyPI(u)
		}
	}
	for _, ix := range set.indexes {
		if u, ok := parseURL(ix.url); ok && ix.role == "--extra-index-url" && isPyPI(u) {
			publicIndex = true
		}
	}
	for i := range set.indexes {
		ix := &set.indexes[i]
		switch ix.role {
		case "--index-url":
			if u, ok := parseURL(ix.url); ok && u.hostname() == "download.pytorch.org" {
				primaryPyTorch = true
			}
		case "--extra-index-url":
			extra = true
			// In hash-checking mode a substituted package fails its hash, so
			// the extra index cannot be used for confusion.
			if !set.hashMode {
				ix.extra = "is searched together with the main index and pip takes the highest version found on any of them"
			}
		case "--find-links":
			// pip merges the links of a find-links page with the index's
			// candidates and takes the highest version, so a remote page of
			// internal wheels is as open to confusion as an extra index.
			// Local directories are left out: they are mostly used with
			// --no-index for offline installs, and are no remote source.
			if u, ok := parseURL(ix.url); ok && publicIndex && !set.hashMode && !set.noIndex && u.scheme != "file" && !u.loopback() {
				ix.extra = "is a find-links page whose wheels pip merges with the index's and takes the highest version found on either"
			}
		}
	}
	c.pytorchOnly = primaryPyTorch && !extra
	for _, ix := range set.indexes {
		if set.noIndex && ix.role != "--find-links" {
			continue // pip ignores index URLs under --no-index
		}
		c.index(ix)
	}
	for _, h := range set.hosts {
		c.insecureHost(h.host, "--trusted-host", h.loc)
	}
	for _, r := range set.reqs {
		c.requirement(r, checkPins && !set.constrained)
	}
}

// isPyPI reports whether u is the public Python Package Index.
func isPyPI(u pkgURL) bool {
	h := u.hostname()
	return h == "pypi.org" || h == "pypi.python.org" || h == "files.pythonhosted.org"
}

// physLine is one physical line's place in a logical line.
type physLine struct {
	start int // byte offset of the piece in the logical line
	line  int // 1-based line number in the file
}

// requirementsFile reads a pip requirements or constraints file.
func (c *checker) requirementsFile() error {
	set := &reqSet{}
	lines := strings.Split(string(stripBOM(c.pass.Content)), "\n")
	var buf strings.Builder
	var pieces []physLine
	flush := func() {
		text := buf.String()
		ps := pieces
		buf.Reset()
		pieces = nil
		if cut := commentStart(text); cut >= 0 {
			text = text[:cut]
		}
		if strings.TrimSpace(text) == "" {
			return
		}
		parseReqLine(text, func(off int) finding.Location {
			// pieces are in order of start; a binary search keeps a
			// logical line of many thousand continuations linear-ish
			// (pip-compile writes one --hash per physical line).
			i := sort.Search(len(ps), func(i int) bool { return ps[i].start > off }) - 1
			p := ps[max(i, 0)]
			return c.pass.Line(p.line, off-p.start+1)
		}, set)
	}
	for i, line := range lines {
		if i%256 == 0 && c.pass.Canceled() {
			return c.pass.Context.Err()
		}
		line = strings.TrimSuffix(line, "\r")
		comment := strings.HasPrefix(strings.TrimLeft(line, " \t"), "#")
		if comment && buf.Len() > 0 {
			buf.WriteByte(' ') // as pip does, so the comment is cut off below
		}
		pieces = append(pieces, physLine{buf.Len(), i + 1})
		// pip joins a line ending in a backslash with the next, unless the
		// line is a comment.
		if strings.HasSuffix(line, `\`) && !comment {
			buf.WriteString(strings.TrimSuffix(line, `\`))
			continue
		}
		buf.WriteString(line)
		flush()
	}
	if buf.Len() > 0 {
		flush()
	}
	c.reportReqSet(set, c.pinsChecked())
	return nil
}

// pinsChecked decides whether unpinned ML packages are reported in this
// requirements file. A pip-tools input (requirements.in) is meant to be
// loose when its compiled requirements.txt sits beside it.
func (c *checker) pinsChecked() bool {
	if !strings.HasSuffix(strings.ToLower(c.pass.File.OS), ".in") {
		return true
	}
	base := path.Base(c.pass.File.Path)
	// The name is a pattern to Beside: brackets in "requirements[gpu].in"
	// are quoted so that they match themselves.
	quote := strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`)
	return !c.pass.Beside(quote.Replace(strings.TrimSuffix(base, path.Ext(base)) + ".txt"))
}

// stripBOM drops a UTF-8 byte order mark, which pip's decoder removes and
// Windows editors write; left in, it glues itself to the first option.
func stripBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// commentStart is where a pip comment begins: a '#' at the start of the
// line or after whitespace (a '#' inside a URL is a fragment). -1 if none.
func commentStart(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return i
		}
	}
	return -1
}
