package deps

import (
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
)

// pipConfig reads pip's own configuration file (pip.conf, pip.ini): the
// index, extra-index-url, find-links and trusted-host settings in its
// [global], [install] and [download] sections apply to every install on
// the machine or in the image that ships the file, so they are judged like
// the same options in a requirements file.
func (c *checker) pipConfig() error {
	set := &reqSet{}
	at := func(l cfgLine) finding.Location { return c.pass.Line(l.line, l.col) }
	for _, v := range parseCfg(string(stripBOM(c.pass.Content))) {
		if c.pass.Canceled() {
			return c.pass.Context.Err()
		}
		switch strings.ToLower(v.section) {
		case "global", "install", "download", "wheel":
		default:
			continue
		}
		// pip accepts both spellings: extra-index-url and extra_index_url.
		key := strings.ReplaceAll(strings.ToLower(v.key), "_", "-")
		for _, l := range v.items(" ") {
			switch key {
			case "index-url", "i":
				set.indexes = append(set.indexes, indexRef{role: "--index-url", url: l.text, loc: at(l)})
			case "extra-index-url":
				set.indexes = append(set.indexes, indexRef{role: "--extra-index-url", url: l.text, loc: at(l)})
			case "find-links", "f":
				set.indexes = append(set.indexes, indexRef{role: "--find-links", url: l.text, loc: at(l)})
			case "trusted-host":
				set.hosts = append(set.hosts, hostRef{l.text, at(l)})
			case "no-index":
				set.noIndex = isTrue(l.text)
			case "require-hashes":
				set.hashMode = isTrue(l.text)
			}
		}
	}
	c.reportReqSet(set, false)
	return nil
}

// isTrue reads a boolean the way pip's configuration does.
func isTrue(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
