package secret

import (
	"net/url"
	"path"
	"strings"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/redact"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/secretlike"
	"github.com/mlsec/mlsec/internal/secretscan"
	"github.com/mlsec/mlsec/internal/source"
)

// scanCtx is what the judge may look at besides the match.
type scanCtx struct {
	path string      // relative to the scan root (or the archive)
	kind source.Kind // the file's kind
	text []byte      // the text the match was found in
}

// verdict is what a match becomes.
type verdict struct {
	drop     bool
	rule     *rule.Rule
	severity rule.Severity
	reason   string // why the severity differs from the rule's
	evidence string // redacted
	what     string // the credential, in words
}

// message says what was found, where, and what it unlocks, never the
// secret itself.
func (v verdict) message(m secretscan.Match, where string) string {
	return v.what + " " + v.evidence[strings.LastIndexByte(v.evidence, ' ')+1:] + where + "; it unlocks " + m.Rule.Unlocks
}

// judge decides whether a match is a credential, which rule it is and how
// severe, from the value and its context.
func judge(m secretscan.Match, ctx scanCtx) verdict {
	r := m.Rule
	s := m.Secret
	v := verdict{what: describe(r), evidence: redact.Secret(s)}
	if m.Name != "" && r.Class == secretscan.Password {
		v.evidence = m.Name + " = " + v.evidence
	}
	if secretlike.Reference(s) || strings.ContainsAny(s, "(){}") {
		return verdict{drop: true} // a reference or an expression, not a value
	}
	switch r.Class {
	case secretscan.Token:
		v.rule = rules.HardcodedToken
		if r.RuleID == "mlflow-tracking-credential" { // a password as often as a token
			if secretlike.Weak(s) {
				return defaultCredential(v, s)
			}
			if secretlike.EnvPlaceholder(s) {
				return verdict{drop: true}
			}
		}
	case secretscan.Cloud:
		v.rule = rules.CloudCredential
		if r.Critical || criticalCloud[r.RuleID] {
			v.severity, v.reason = rule.Critical, "a cloud account secret key: read and write access to the account's storage (training data, models) with no further step"
		}
	case secretscan.PrivateKey:
		v.rule = rules.PrivateKey
		if h, _, ok := strings.Cut(s, "\n"); ok && strings.HasPrefix(h, "-----BEGIN") {
			// The header says what the key is; the body is the secret.
			v.evidence = strings.TrimSpace(h) + " " + strings.TrimPrefix(v.evidence, s[:min(4, len(s)/4)])
		}
		if bytesContains(ctx.text, m.Start, m.SecretStart, "ENCRYPTED") || strings.Contains(s, "Proc-Type: 4,ENCRYPTED") {
			v.severity, v.reason = rule.Medium, "the key is encrypted: its passphrase is needed too"
		}
		if strings.Contains(s, "...") || strings.Contains(s, "…") {
			v.severity, v.reason = rule.Low, "the key body is elided (…): a documentation example"
		}
	case secretscan.URLPassword:
		v.rule = rules.PasswordInURL
		u, err := url.Parse(strings.Trim(m.Name, `"'`))
		if err != nil || u.User == nil {
			return verdict{drop: true}
		}
		v.what = u.Scheme + " URL password for " + u.User.Username() + "@" + u.Hostname()
		if secretlike.Weak(s) {
			return defaultCredential(v, s)
		}
		if secretlike.EnvPlaceholder(s) || secretlike.Placeholder(s) {
			return verdict{drop: true}
		}
		if localHost(u.Hostname()) {
			v.severity, v.reason = rule.Low, "the URL points at a local or example host ("+u.Hostname()+")"
		}
	case secretscan.Password:
		v.rule = rules.HardcodedPassword
		if r.RuleID == "hardcoded-password" || r.RuleID == "password-unquoted" {
			if !passwordName(m.Name) {
				return verdict{drop: true}
			}
		}
		if secretlike.Weak(s) {
			return defaultCredential(v, s)
		}
		if secretlike.EnvPlaceholder(s) || secretlike.Placeholder(s) || strings.ContainsAny(s, "[]") {
			return verdict{drop: true}
		}
		if strings.HasPrefix(s, "django-insecure-") {
			v.severity, v.reason = rule.Medium, "Django's generated development key (django-insecure-…): still a forgeable session key if deployed"
		}
	case secretscan.Generic:
		v.rule = rules.GenericHighEntropy
		if secretlike.Placeholder(s) || digest(s) {
			return verdict{drop: true}
		}
	}
	if v.severity == rule.Info || v.severity > rule.Low {
		if why := placeholderWhy(s); why != "" && r.Class != secretscan.PrivateKey {
			v.severity, v.reason = rule.Low, "the value looks like a placeholder or documentation example ("+why+")"
		} else if where := fixturePath(ctx.path); where != "" {
			v.severity, v.reason = rule.Low, "in a test fixture or documentation file ("+where+"): likely an example, verify it is not live"
		}
	}
	if v.severity == rule.Info {
		v.severity = v.rule.Severity
	}
	return v
}

// digest says a value is a short hex ID, a hex MD5, SHA-1 or SHA-256 digest or a UUID: a
// content hash, a revision or an ID assigned to a name like cache_key is
// far more common in ML code than a key of that shape no vendor rule knows.
func digest(s string) bool {
	if len(s) < 20 && strings.Trim(strings.ToLower(s), "0123456789abcdef") == "" {
		return true // a short hex ID (a run or commit ID in a log line)
	}
	switch len(s) {
	case 32, 40, 64:
		return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
	case 36:
		return strings.Count(s, "-") == 4 && strings.Trim(strings.ToLower(s), "0123456789abcdef-") == ""
	}
	return false
}

// criticalCloud are cloud rules whose secret is account access with no
// further step.
var criticalCloud = map[string]bool{
	"aws-secret-access-key": true, "azure-storage-account-key": true, "gcp-service-account-key": true,
}

func defaultCredential(v verdict, s string) verdict {
	v.rule = rules.DefaultCredentials
	v.what = "well-known default password (" + v.what + ")"
	v.severity = rules.DefaultCredentials.Severity
	v.reason = ""
	return v
}

// describe names the credential a rule finds.
func describe(r *secretscan.Rule) string {
	if r.Description != "" && r.Origin == "mlsec" {
		return r.Description
	}
	return r.Vendor
}

// passwordName says whether an assignment's name holds a password (not a
// file, a path or a prompt): DB_PASSWORD, db.password, pwd.
func passwordName(name string) bool {
	if secretlike.SecretName(name) {
		return true
	}
	n := secretlike.NormName(name)
	return n == "PWD" || strings.HasSuffix(n, "_PWD")
}

// placeholderWhy returns the part of a value that marks it as an example,
// or "".
func placeholderWhy(s string) string {
	l := strings.ToLower(s)
	for _, w := range []string{"example", "sample", "dummy", "fake", "xxxx", "your", "placeholder", "redacted", "changeme", "0000000", "1234567", "abcdefg"} {
		if strings.Contains(l, w) {
			return w
		}
	}
	run := 1
	for i := 1; i < len(l); i++ {
		if l[i] == l[i-1] {
			run++
			if run >= 8 {
				return "a run of one character"
			}
		} else {
			run = 1
		}
	}
	return ""
}

// fixturePath returns the directory or file name that marks path as a
// test fixture or documentation, or "".
func fixturePath(p string) string {
	segs := strings.Split(strings.ToLower(p), "/")
	for _, s := range segs[:len(segs)-1] {
		switch s {
		case "test", "tests", "testdata", "testing", "fixtures", "__tests__", "spec", "docs", "doc", "examples", "example", "samples":
			return s + "/"
		}
	}
	base := segs[len(segs)-1]
	switch {
	case strings.HasPrefix(base, "test_") || strings.Contains(base, "_test.") || base == "conftest.py":
		return base
	case path.Ext(base) == ".md" || path.Ext(base) == ".rst":
		return base
	}
	return ""
}

// localHost is a host nobody outside the machine reaches, or a
// documentation domain.
func localHost(h string) bool {
	h = strings.ToLower(h)
	return h == "localhost" || h == "127.0.0.1" || h == "0.0.0.0" || h == "::1" || strings.HasSuffix(h, ".local") ||
		h == "example.com" || strings.HasSuffix(h, ".example.com") || h == "example.org" || strings.HasSuffix(h, ".example")
}

func bytesContains(b []byte, from, to int, s string) bool {
	return strings.Contains(string(b[max(0, from):min(len(b), to)]), s)
}

// credentialAsset is the credential as a pipeline asset: named by its
// kind and its redacted form (never the secret), so that one key met in
// several files is one asset.
func credentialAsset(m secretscan.Match, v verdict) finding.Asset {
	red := redact.Secret(m.Secret)
	a := asset.Credential("leaked", slug(m.Rule.Vendor)+":"+red)
	a.Attrs = map[string]string{"kind": v.what, "unlocks": m.Rule.Unlocks}
	return a
}

func slug(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
