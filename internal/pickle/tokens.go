package pickle

import "strings"

// tokens holds every dotted-name segment the scanner knows: dangerous and
// allowlisted modules and names, aliases and dunders. Strings made of known
// segments are interned (no allocation) and are always kept in the memo,
// because they are the ones a global can be built from.
var tokens = buildTokens()

func buildTokens() map[string]string {
	t := map[string]string{}
	add := func(s string) {
		for _, seg := range strings.Split(strings.TrimSuffix(s, ".*"), ".") {
			if seg != "" {
				t[seg] = seg
			}
		}
		if !strings.HasSuffix(s, ".*") {
			t[s] = s
		}
	}
	for k := range dangerous {
		add(k)
	}
	for _, list := range profileAllow {
		for _, k := range list {
			add(k)
			if i := strings.LastIndexByte(k, '.'); i > 0 {
				add(k[:i])
			}
		}
	}
	for k, v := range moduleAliases {
		add(k)
		add(v)
	}
	for k, v := range moduleObjects {
		add(k)
		add(v)
	}
	for k := range dunders {
		add(k)
	}
	for k, v := range py2Modules {
		add(k)
		add(v)
	}
	for k, v := range py2Names {
		add(k[0])
		add(k[1])
		add(v[0])
		add(v[1])
	}
	return t
}

// intern returns b as a string, sharing the known token's storage when b is
// one, so the common module and class names cost no allocation.
func intern(b []byte) string {
	if len(b) <= 64 {
		if s, ok := tokens[string(b)]; ok {
			return s
		}
	}
	return string(b)
}

// relevant reports whether any dotted segment of s is a known token: only
// such strings can name a dangerous or allowlisted global, so only they must
// survive in the memo once its budget for ordinary strings is spent.
func relevant(s string) bool {
	for s != "" {
		seg := s
		if i := strings.IndexByte(s, '.'); i >= 0 {
			seg, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if _, ok := tokens[seg]; ok {
			return true
		}
	}
	return false
}
