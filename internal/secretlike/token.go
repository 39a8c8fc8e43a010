package secretlike

import (
	"regexp"
	"strconv"
	"strings"
)

// tokenKind is one kind of vendor credential that is recognisable on its
// own, whatever it is stored under, by a fixed prefix.
type tokenKind struct {
	vendor string
	prefix string
	body   string // regexp character class of what follows the prefix
	min    int    // fewest body characters of a real token (Token)
	mask   int    // fewest body characters MaskTokens hides (at most min)
	fixed  bool   // the body is exactly min characters long
}

// tokenKinds is the one table of vendor token prefixes. Detection (Token)
// needs a real token's full length, so that a short lookalike (sk-learn,
// hf_hub, a variable named ghp_x) is not called a credential; redaction
// (MaskTokens) hides from a shorter length, so that a truncated or test
// token in a report is hidden too. A more specific prefix comes before the
// one it extends (sk-ant- before sk-) so that it names the vendor.
var tokenKinds = []tokenKind{
	{vendor: "Hugging Face", prefix: "hf_", body: `[A-Za-z0-9]`, min: 30, mask: 20},
	{vendor: "AWS access key ID", prefix: "AKIA", body: `[A-Z0-9]`, min: 16, mask: 16, fixed: true},
	{vendor: "AWS temporary access key ID", prefix: "ASIA", body: `[A-Z0-9]`, min: 16, mask: 16, fixed: true},
	{vendor: "GitHub personal access token", prefix: "ghp_", body: `[A-Za-z0-9]`, min: 36, mask: 30},
	{vendor: "GitHub OAuth token", prefix: "gho_", body: `[A-Za-z0-9]`, min: 36, mask: 30},
	{vendor: "GitHub user-to-server token", prefix: "ghu_", body: `[A-Za-z0-9]`, min: 36, mask: 30},
	{vendor: "GitHub server-to-server token", prefix: "ghs_", body: `[A-Za-z0-9]`, min: 36, mask: 30},
	{vendor: "GitHub refresh token", prefix: "ghr_", body: `[A-Za-z0-9]`, min: 36, mask: 30},
	{vendor: "GitHub fine-grained personal access token", prefix: "github_pat_", body: `[A-Za-z0-9_]`, min: 40, mask: 40},
	{vendor: "GitLab personal access token", prefix: "glpat-", body: `[A-Za-z0-9_\-]`, min: 20, mask: 20},
	// Counted so that every sk- key needs 20 characters after "sk-".
	{vendor: "Anthropic API key", prefix: "sk-ant-", body: `[A-Za-z0-9_\-]`, min: 16, mask: 16},
	{vendor: "OpenAI project API key", prefix: "sk-proj-", body: `[A-Za-z0-9_\-]`, min: 15, mask: 15},
	{vendor: "OpenAI API key", prefix: "sk-", body: `[A-Za-z0-9_\-]`, min: 20, mask: 20},
	{vendor: "Slack app token", prefix: "xoxa-", body: `[A-Za-z0-9\-]`, min: 10, mask: 10},
	{vendor: "Slack bot token", prefix: "xoxb-", body: `[A-Za-z0-9\-]`, min: 10, mask: 10},
	{vendor: "Slack user token", prefix: "xoxp-", body: `[A-Za-z0-9\-]`, min: 10, mask: 10},
	{vendor: "Slack refresh token", prefix: "xoxr-", body: `[A-Za-z0-9\-]`, min: 10, mask: 10},
	{vendor: "Slack session token", prefix: "xoxs-", body: `[A-Za-z0-9\-]`, min: 10, mask: 10},
	{vendor: "Google API key", prefix: "AIza", body: `[0-9A-Za-z_\-]`, min: 35, mask: 35, fixed: true},
	// A PyPI token is a base64url macaroon of well over 100 characters; the
	// length keeps package and host names (pypi-mirror, pypi-proxy) out.
	{vendor: "PyPI API token", prefix: "pypi-", body: `[A-Za-z0-9_\-]`, min: 50, mask: 50},
	{vendor: "Hugging Face organization API token", prefix: "api_org_", body: `[A-Za-z0-9]`, min: 30, mask: 20},
	{vendor: "Replicate API token", prefix: "r8_", body: `[A-Za-z0-9]`, min: 37, mask: 37, fixed: true},
	{vendor: "LangSmith API key", prefix: "lsv2_", body: `[a-z0-9_]`, min: 40, mask: 40},
	{vendor: "Groq API key", prefix: "gsk_", body: `[A-Za-z0-9]`, min: 52, mask: 52, fixed: true},
	{vendor: "Pinecone API key", prefix: "pcsk_", body: `[A-Za-z0-9_]`, min: 40, mask: 40},
	{vendor: "Databricks personal access token", prefix: "dapi", body: `[a-f0-9]`, min: 32, mask: 32, fixed: true},
	{vendor: "Together AI API key", prefix: "tgp_v1_", body: `[A-Za-z0-9_\-]`, min: 40, mask: 40},
}

// pemPrivateKey matches the start of a PEM private key block and its body.
const pemPrivateKey = `-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*`

// tokenRE builds the alternation of the table, each body as long as
// length says.
func tokenRE(length func(tokenKind) int) string {
	alts := make([]string, len(tokenKinds))
	for i, k := range tokenKinds {
		rep := "{" + strconv.Itoa(length(k)) + ",}"
		if k.fixed {
			rep = "{" + strconv.Itoa(length(k)) + "}"
		}
		alts[i] = regexp.QuoteMeta(k.prefix) + k.body + rep
	}
	return strings.Join(alts, "|")
}

var (
	// tokenShape is a whole value that is a vendor token.
	tokenShape = regexp.MustCompile(`^(?:` + tokenRE(func(k tokenKind) int { return k.min }) + `)$`)
	// tokenOrKey finds vendor tokens and private keys anywhere in a text.
	tokenOrKey = regexp.MustCompile(tokenRE(func(k tokenKind) int { return k.mask }) + `|` + pemPrivateKey)
)

// Token reports whether a value, spaces trimmed, has the shape of a known
// vendor token (hf_…, AKIA…, ghp_…, sk-…, xoxb-…), whatever the variable
// holding it is called.
func Token(v string) bool { return tokenShape.MatchString(strings.TrimSpace(v)) }

// HasTokenPrefix reports whether v starts with a known vendor token prefix,
// in any case, followed by more than 8 characters, and names the vendor.
// It is looser than Token, for places where any value is suspect, such as
// the user part of a package index URL: a prefix alone or with a short
// suffix (hf_hub, sk-learn) is more often a name than a token.
func HasTokenPrefix(v string) (vendor string, ok bool) {
	for _, k := range tokenKinds {
		if len(v) > len(k.prefix)+8 && strings.EqualFold(v[:len(k.prefix)], k.prefix) {
			return k.vendor, true
		}
	}
	return "", false
}

// MaskTokens returns s with every vendor token and PEM private key block in
// it replaced by mask of its text. It matches shorter tokens than Token
// does: in text that is about to be printed, a truncated or test token is
// still better hidden.
func MaskTokens(s string, mask func(string) string) string {
	if !mayHoldToken(s) {
		return s // every message and evidence of a scan passes here: skip the regexp when no prefix occurs
	}
	return tokenOrKey.ReplaceAllStringFunc(s, mask)
}

// mayHoldToken reports whether s contains a token prefix or a PEM header,
// the literal start of every match of tokenOrKey.
func mayHoldToken(s string) bool {
	if strings.Contains(s, "-----BEGIN ") {
		return true
	}
	for _, k := range tokenKinds {
		if strings.Contains(s, k.prefix) {
			return true
		}
	}
	return false
}

// Value reports whether v, seen without a name that says what it is (such
// as the user part of a package index URL), looks like a secret:
// not a Placeholder, and either a known token prefix with more after it or
// a long run of letters and digits with enough digits to be random rather
// than a word (ci-bot, deploy, __token__ are not; 9f8e7d6c5b4a39281706f5e4
// is).
func Value(v string) bool {
	if v == "" || Placeholder(v) {
		return false
	}
	if _, ok := HasTokenPrefix(v); ok {
		return true
	}
	if len(v) < 24 {
		return false
	}
	var letters, digits int
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letters++
		case r == '-' || r == '_' || r == '.':
		default:
			return false
		}
	}
	return letters > 0 && digits >= 4
}
