package secretscan

import (
	"strings"

	"github.com/mlsec/mlsec/internal/secretlike"
)

// Guards are cheap necessary conditions of a rule's match around one
// keyword hit, checked before a window is opened for the regex. They exist
// because a few rules key on words that are everywhere in ML code ("key",
// "token", "api", "password", "://", "ey") and Go's regexp then spends most
// of a scan proving that a line holds no secret. Each guard is derived from
// its rule's regex and only rejects hits around which the regex cannot
// match: it changes the cost, never the findings. (The regex still decides;
// the guard is allowed to pass hits that do not match.)

type guardSpec struct {
	fn     guardFunc
	before int
}

// guardFunc checks a keyword hit at text[at:end]. A window end > 0 bounds
// where a match around this hit can end (the end of the value the guard
// found); 0 leaves the window to the line.
type guardFunc func(text []byte, at, end int) (ok bool, windowEnd int)

// plain adapts a yes/no check.
func plain(f func(text []byte, at, end int) bool) guardFunc {
	return func(text []byte, at, end int) (bool, int) { return f(text, at, end), 0 }
}

var guards = map[string]guardSpec{
	// gitleaks: (?i)[\w.-]{0,50}?(?:access|…|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)…
	// …[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)
	// with entropy 3.5: the value is the whole run of value characters
	// after the operator, so its length and entropy are checked here.
	"generic-api-key":       {assignedValue(24, 4, 10, 3.5), 50},
	"hashicorp-tf-password": {plain(assignment(24, 4)), 50},
	// mlsec's name = value rules: a name, optional quotes or ], then the operator.
	"hardcoded-password": {plain(passwordAssignment), 0},
	"password-unquoted":  {plain(passwordAssignment), 0},
	// \b(hf_…{30,40}) and \b(api_org_…): case-sensitive prefixes, so
	// HF_TOKEN, everywhere in ML code, is not a hit.
	"huggingface-token":                  {plain(wordStart("hf_", 30)), 0},
	"huggingface-access-token":           {plain(wordStart("hf_", 34)), 0},
	"huggingface-org-token":              {plain(wordStart("api_org_", 30)), 0},
	"huggingface-organization-api-token": {plain(wordStart("api_org_", 34)), 0},
	"framework-secret-key":               {plain(assignment(16, 4)), 0},
	"mlflow-tracking-credential":         {plain(assignment(32, 4)), 0},
	"clearml-secret-key":                 {plain(assignment(8, 4)), 0},
	"clearml-conf":                       {plain(assignment(8, 4)), 0},
	// gitleaks: \b(ey[a-zA-Z0-9]{17,}\.ey…: "ey" as written, starting a word.
	"jwt": {plain(wordStart("ey", 17)), 0},
	// gitleaks: \b((?:hvs\.[\w-]{90,120}|s\.(?i:[a-z0-9]{24})))…
	"vault-service-token": {plain(wordStartFold), 0},
	// mlsec: scheme://user:password@host — a ':' and then an '@' before
	// the URL ends.
	"url-password": {plain(userinfo), 0},
}

// isWord is [0-9A-Za-z_].
func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// assignment passes a hit followed, as in gitleaks' name = value rules,
// by at most name bytes of the rest of a name ([ \t\w.-]: "_key_v2"),
// then at most sep bytes of separators (\s and quotes, and ']' for
// subscripts), then an assignment operator: = : > | ? or ','. A line feed
// is only a separator, so a name on one line and a "value:" key on the
// next do not pass.
func assignment(name, sep int) func(text []byte, at, end int) bool {
	return func(text []byte, _, end int) bool { return operatorAt(text, end, name, sep) >= 0 }
}

// operatorAt returns the offset of the assignment operator after the rest
// of a name starting at i, or -1. Spaces and tabs belong to both parts, so
// taking the name greedily never loses a match the regex would find.
func operatorAt(text []byte, i, name, sep int) int {
	for n := 0; i < len(text) && n < name; n++ {
		c := text[i]
		if !isWord(c) && c != '.' && c != '-' && c != ' ' && c != '\t' {
			break
		}
		i++
	}
	for n := 0; i < len(text) && n < sep; n++ {
		switch text[i] {
		case ' ', '\t', '\n', '\r', '\f', '\v', '"', '\'', ']':
			i++
			continue
		}
		break
	}
	if i == len(text) {
		return -1
	}
	switch text[i] {
	case '=', ':', '>', '|', '?', ',':
		return i
	}
	return -1
}

// assignedValue passes a name = value hit whose value, the run of value
// characters ([\w.=+/-]) after the operator and its separators, is at least
// minLen long and has an entropy above minEntropy (with or without the
// '=' that a separator may take), and bounds the window at the value's end.
func assignedValue(name, sep, minLen int, minEntropy float64) guardFunc {
	return func(text []byte, _, end int) (bool, int) {
		i := operatorAt(text, end, name, sep)
		if i < 0 {
			return false, 0
		}
		for n := 0; i < len(text) && n < 3 && strings.IndexByte("=:|>?,", text[i]) >= 0; n++ {
			i++ // :=, ||, =>, ?=, :::=
		}
		for n := 0; i < len(text) && n < 6 && strings.IndexByte("`'\" \t\r\n\f\v=", text[i]) >= 0; n++ {
			i++
		}
		// The separator may have left up to five '=' to the value.
		j := i
		for j > 0 && text[j-1] == '=' && i-j < 5 {
			j--
		}
		k := i
		for k < len(text) && (isWord(text[k]) || strings.IndexByte(".=+/-", text[k]) >= 0) {
			k++
		}
		if k-j < minLen {
			return false, 0
		}
		if Entropy(string(text[i:k])) <= minEntropy && Entropy(string(text[j:k])) <= minEntropy {
			return false, 0
		}
		return true, min(len(text), k+3)
	}
}

// passwordAssignment passes "…password… =" where the whole name holds a
// password, not a file, a path or a prompt (PASSWORD_FILE, password_path):
// the names mlsec's password rules report (see secretlike.SecretName).
func passwordAssignment(text []byte, at, end int) bool {
	s := at
	for s > 0 && (isWord(text[s-1]) || text[s-1] == '.' || text[s-1] == '-') {
		s--
	}
	e := end
	for e < len(text) && (isWord(text[e]) || text[e] == '-') {
		e++
	}
	if operatorAt(text, e, 0, 4) < 0 {
		return false
	}
	name := string(text[s:e])
	n := secretlike.NormName(name)
	return secretlike.SecretName(name) || n == "PWD" || strings.HasSuffix(n, "_PWD")
}

// wordStart passes a hit of lit as written (case-sensitive), not preceded
// by a word character, and followed by at least n word characters.
func wordStart(lit string, n int) func(text []byte, at, end int) bool {
	return func(text []byte, at, end int) bool {
		if string(text[at:end]) != lit || at > 0 && isWord(text[at-1]) {
			return false
		}
		for i := end; i < end+n; i++ {
			if i >= len(text) || !isWord(text[i]) {
				return false
			}
		}
		return true
	}
}

// wordStartFold passes a hit not preceded by a word character.
func wordStartFold(text []byte, at, _ int) bool { return at == 0 || !isWord(text[at-1]) }

// userinfo passes "://" followed by a userinfo with a password: a ':' and
// then an '@' before any character that ends a URL's authority.
func userinfo(text []byte, _, end int) bool {
	colon := false
	for i := end; i < len(text) && i < end+200; i++ {
		switch c := text[i]; c {
		case ':':
			colon = true
		case '@':
			return colon
		case '/', ' ', '\t', '\n', '\r', '"', '\'', '<', '>':
			return false
		}
	}
	return false
}
