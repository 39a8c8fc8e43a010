package deps

import (
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/secretlike"
)

// pkgURL is a URL as far as these rules care. It is split by hand rather
// than with net/url because requirement files legitimately hold text that
// net/url rejects, such as ${TOKEN} placeholders in the user part.
type pkgURL struct {
	raw    string
	vcs    string // "git", "hg", "svn", "bzr" for VCS URLs, else ""
	scheme string // transport scheme, lower case, without the vcs+ prefix
	user   string // userinfo before ':' (may be empty)
	pass   string // userinfo after ':'
	hasUI  bool   // the URL has a userinfo part
	host   string // host[:port], lower case
	path   string // from the first '/' after the host, without query and fragment
	query  string // after '?', without the fragment
	frag   string // after '#'
}

var vcsSchemes = map[string]bool{"git": true, "hg": true, "svn": true, "bzr": true}

// parseURL splits s, or reports false when s has no scheme://.
func parseURL(s string) (pkgURL, bool) {
	u := pkgURL{raw: s}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || !validScheme(scheme) {
		return u, false
	}
	scheme = strings.ToLower(scheme)
	if v, t, ok := strings.Cut(scheme, "+"); ok && vcsSchemes[v] {
		u.vcs, scheme = v, t
	} else if scheme == "git" {
		u.vcs = "git" // git:// is the unauthenticated git protocol
	}
	u.scheme = scheme
	rest, u.frag, _ = strings.Cut(rest, "#")
	end := strings.IndexAny(rest, "/?")
	auth := rest
	if end >= 0 {
		auth, u.path = rest[:end], rest[end:]
	}
	if q := strings.IndexByte(u.path, '?'); q >= 0 {
		u.path, u.query = u.path[:q], u.path[q+1:]
	}
	if at := strings.LastIndexByte(auth, '@'); at >= 0 {
		u.hasUI = true
		u.user, u.pass, _ = strings.Cut(auth[:at], ":")
		auth = auth[at+1:]
	}
	u.host = strings.ToLower(auth)
	return u, true
}

// validScheme follows RFC 3986: a letter, then letters, digits, '+', '-', '.'.
func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}

// hostname is the host without port or IPv6 brackets.
func (u pkgURL) hostname() string {
	h := u.host
	if strings.HasPrefix(h, "[") {
		if i := strings.IndexByte(h, ']'); i > 0 {
			return h[1:i]
		}
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		return h[:i]
	}
	return h
}

// plaintext reports whether the transport has neither encryption nor
// authentication of the server.
func (u pkgURL) plaintext() bool {
	return u.scheme == "http" || u.scheme == "git" || u.scheme == "svn" || u.scheme == "ftp"
}

// loopback reports whether the host is this machine, where a plain-HTTP index
// cannot be intercepted from the network.
func (u pkgURL) loopback() bool {
	h := u.hostname()
	return h == "localhost" || h == "::1" || strings.HasPrefix(h, "127.") || strings.HasSuffix(h, ".localhost")
}

// redacted is the URL with any userinfo masked, for evidence.
func (u pkgURL) redacted() string {
	if !u.hasUI {
		return u.raw
	}
	return maskUserinfo(u.raw)
}

// clean is the URL without userinfo, query or fragment: the name of the
// index as an asset.
func (u pkgURL) clean() string {
	s := u.scheme
	if u.vcs != "" && u.vcs != u.scheme {
		s = u.vcs + "+" + s
	}
	return s + "://" + u.host + maskPathToken(u.path)
}

func maskUserinfo(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndexByte(rest[:end], '@')
	if at < 0 {
		return raw
	}
	return scheme + "://****@" + rest[at+1:]
}

// anacondaToken matches the token path segment of anaconda.org channel URLs:
// https://conda.anaconda.org/t/<token>/<channel>.
var anacondaToken = regexp.MustCompile(`/t/([^/]+)`)

func maskPathToken(p string) string {
	return anacondaToken.ReplaceAllString(p, "/t/****")
}

// credential says whether the URL carries a secret, and where.
func (u pkgURL) credential() (bool, string) {
	if u.hasUI {
		switch {
		case u.pass != "" && !secretlike.Placeholder(u.pass):
			return true, "a password in the URL's user part"
		case u.pass == "" && secretlike.Value(u.user):
			return true, "a token in the URL's user part"
		}
	}
	if k, ok := u.secretParam(); ok {
		return true, "a secret in the URL's query parameter " + k
	}
	if strings.Contains(u.hostname(), "anaconda") {
		if m := anacondaToken.FindStringSubmatch(u.path); m != nil && !secretlike.Placeholder(m[1]) && len(m[1]) >= 8 {
			return true, "an anaconda.org token in the URL path"
		}
	}
	return false, ""
}

// secretParams are query parameter names that carry a long-lived
// credential; some private indexes and artifact stores accept their token
// this way. Presigned-URL signatures expire within days and are left out.
var secretParams = map[string]bool{
	"token": true, "access_token": true, "auth_token": true, "private_token": true, "api_key": true, "apikey": true,
	"password": true, "passwd": true, "secret": true,
}

// secretParam returns the name of a query parameter that carries a literal
// secret (not a placeholder, and long enough to be one).
func (u pkgURL) secretParam() (string, bool) {
	for _, part := range strings.Split(u.query, "&") {
		k, v, _ := strings.Cut(part, "=")
		if secretParams[strings.ToLower(k)] && len(v) >= 8 && !secretlike.Placeholder(v) {
			return k, true
		}
	}
	return "", false
}

// vcsRef is the revision named after the last '@' of a VCS URL's path
// (git+https://host/org/repo.git@v1.2#egg=x gives "v1.2").
func (u pkgURL) vcsRef() string {
	if i := strings.LastIndexByte(u.path, '@'); i >= 0 {
		return u.path[i+1:]
	}
	return ""
}

// isCommit reports whether ref is a full commit hash (SHA-1 or SHA-256).
func isCommit(ref string) bool {
	if len(ref) != 40 && len(ref) != 64 {
		return false
	}
	for _, r := range ref {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

// fragmentHash reports whether a URL fragment carries a digest pip checks
// (#sha256=…), which protects the download whatever the transport.
func (u pkgURL) fragmentHash() bool {
	for _, part := range strings.Split(u.frag, "&") {
		k, _, _ := strings.Cut(part, "=")
		switch strings.ToLower(k) {
		case "sha256", "sha384", "sha512":
			return true
		}
	}
	return false
}

// eggName is the project name a URL gives in #egg=name, if any.
func (u pkgURL) eggName() string {
	for _, part := range strings.Split(u.frag, "&") {
		if k, v, ok := strings.Cut(part, "="); ok && k == "egg" {
			return v
		}
	}
	return ""
}
