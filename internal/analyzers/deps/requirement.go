package deps

import (
	"strings"
)

// requirement is one dependency as PEP 508 and pip write it:
// name[extras] specifier ; marker, name @ url ; marker, or a bare URL or path.
type requirement struct {
	Name   string // normalised per PEP 503; "" for a bare path or a URL without #egg=
	Spec   string // version specifier, e.g. ">=2.1,<3"; "" when absent
	URL    string // direct or VCS URL; "" when the requirement names a version
	Path   bool   // a local path (".", "./pkg", "../x.whl")
	Marker string
}

// normalize is the PEP 503 normal form of a project name.
func normalize(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(r)
	}
	return b.String()
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// parseRequirement reads one requirement. It is lenient: text it cannot make
// sense of yields ok == false and is left alone, as the rules only need the
// name, the version specifier and any URL.
func parseRequirement(s string) (requirement, bool) {
	var r requirement
	s = strings.TrimSpace(s)
	if s == "" {
		return r, false
	}
	// A bare URL (pip accepts these, with the name in #egg=).
	if _, ok := parseURL(s); ok {
		url, marker := splitURLMarker(s)
		u, _ := parseURL(url)
		r.URL, r.Marker, r.Name = url, marker, normalize(u.eggName())
		return r, true
	}
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") || strings.HasPrefix(s, "file:") {
		r.Path = true
		return r, true
	}
	i := 0
	for i < len(s) && isNameChar(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '/' || s[i] == '\\') {
		r.Path = true // pip reads anything with a path separator as a path
		return r, true
	}
	if i == 0 {
		return r, false
	}
	name := s[:i]
	rest := strings.TrimSpace(s[i:])
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return r, false
		}
		rest = strings.TrimSpace(rest[end+1:])
	}
	r.Name = normalize(name)
	if strings.HasPrefix(rest, "@") {
		url, marker := splitURLMarker(strings.TrimSpace(rest[1:]))
		r.URL, r.Marker = url, marker
		if _, ok := parseURL(url); !ok {
			// name @ ./local/path is a path, whatever it is called.
			r.URL, r.Path = "", true
		}
		return r, true
	}
	spec, marker, _ := strings.Cut(rest, ";")
	r.Marker = strings.TrimSpace(marker)
	spec = strings.TrimSpace(spec)
	spec = strings.TrimSuffix(strings.TrimPrefix(spec, "("), ")")
	r.Spec = strings.TrimSpace(spec)
	if strings.HasSuffix(name, ".whl") || strings.HasSuffix(name, ".tar.gz") || strings.HasSuffix(name, ".zip") {
		r.Name, r.Path = "", true // a local archive named without ./
	}
	return r, true
}

// splitURLMarker separates "url ; marker": per PEP 508 the semicolon after a
// URL must follow whitespace, since ';' may appear in URLs.
func splitURLMarker(s string) (url, marker string) {
	for i := 1; i < len(s); i++ {
		if s[i] == ';' && (s[i-1] == ' ' || s[i-1] == '\t') {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
		}
	}
	return s, ""
}

// exactPin reports whether a PEP 440 specifier set fixes one version:
// some clause is "===v" or "==v" without a wildcard.
func exactPin(spec string) bool {
	for _, clause := range strings.Split(spec, ",") {
		c := strings.TrimSpace(clause)
		switch {
		case strings.HasPrefix(c, "==="):
			return strings.TrimSpace(c[3:]) != ""
		case strings.HasPrefix(c, "=="):
			v := strings.TrimSpace(c[2:])
			if v != "" && !strings.Contains(v, "*") {
				return true
			}
		}
	}
	return false
}
