// Package secretlike decides whether a value looks like a real secret: by
// the name it is stored under (HF_TOKEN, AWS_SECRET_ACCESS_KEY,
// dbPassword…), by its shape (hf_…, AKIA…, ghp_…, a long random string),
// by a password inside a URL, or by being one of the defaults ML stacks ship
// with (minioadmin, minio123…); and, just as important, whether it is only a
// placeholder (${VAR}, {{ .Values.x }}, <token>, changeme) that stands for a
// secret kept elsewhere.
//
// Every analyzer that reports credentials, and the redaction of mlsec's own
// output, asks this package, so that "is this a secret?" has one answer.
package secretlike

import (
	"strings"
	"unicode"
)

// secretWords make a name secret when they appear as a word of it.
var secretWords = map[string]bool{
	"TOKEN": true, "SECRET": true, "PASSWORD": true, "PASSWD": true, "PASSPHRASE": true, "PASS": true,
	"APIKEY": true, "PRIVATEKEY": true, "CREDENTIAL": true, "CREDENTIALS": true,
	"PAT": true, // personal access token: GITLAB_PAT, GH_PAT
}

// keyQualifiers are the words before KEY that make it a secret key rather
// than an object key, a cache key or a key ID (S3_KEY, CACHE_KEY are not).
var keyQualifiers = map[string]bool{
	"API": true, "ACCESS": true, "SECRET": true, "PRIVATE": true, "MASTER": true, "SIGNING": true,
	"ENCRYPTION": true, "LICENSE": true, "SERVICE": true, "AUTH": true, "CLIENT": true, "ACCOUNT": true,
	"STORAGE": true, "KAGGLE": true, "SUBSCRIPTION": true, "ADMIN": true,
}

// notSecretSuffix are final words that name something about a secret (where
// it is, what it is called, how long it lives), not the secret itself:
// POSTGRES_PASSWORD_FILE, HF_TOKEN_PATH, SECRET_NAME, PASSWORD_AUTH_ENABLED.
var notSecretSuffix = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "MOUNT": true, "LOCATION": true, "HOST": true, "PORT": true,
	"ENDPOINT": true, "URL": true, "URI": true, "ARN": true, "REGION": true, "USER": true, "USERNAME": true,
	"NAME": true, "ID": true, "REF": true, "FIELD": true, "KEYS": true, "KEYRING": true, "SECRETS": true,
	"PROVIDER": true, "AUTH": true, "TYPE": true, "KIND": true, "MODE": true, "HEADER": true, "PREFIX": true,
	"ALGORITHM": true, "VERSION": true, "POLICY": true, "SCOPE": true, "AUDIENCE": true, "ISSUER": true,
	"LENGTH": true, "SIZE": true, "LIMIT": true, "COUNT": true, "TTL": true, "EXPIRY": true, "EXPIRES": true,
	"TIMEOUT": true, "SECONDS": true, "ENABLED": true, "DISABLED": true,
}

// SecretName reports whether a variable or key name says its value is a
// credential: a secret word (TOKEN, PASSWORD, SECRET, PAT…) or a qualified
// KEY (API_KEY, ACCESS_KEY…) anywhere in it, unless the last word says the
// value is only about the secret (a _FILE, a _PATH, an _ID, a _NAME…).
// Names are compared by the words of NormName, so dbPassword, db-password
// and DB_PASSWORD read the same.
func SecretName(name string) bool {
	words := strings.FieldsFunc(NormName(name), func(r rune) bool { return r == '_' })
	if len(words) == 0 || notSecretSuffix[words[len(words)-1]] {
		return false
	}
	for i, w := range words {
		if secretWords[w] {
			return true
		}
		if w == "KEY" && i > 0 && keyQualifiers[words[i-1]] {
			return true
		}
	}
	return false
}

// NormName normalises a variable or key name for matching: upper case, with
// words joined by "_", whether the name was written with "-", ".", spaces
// or in camelCase (rootPassword and root-password both read ROOT_PASSWORD).
func NormName(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		switch {
		case r == '-' || r == '.' || r == ' ':
			b.WriteByte('_')
			prevLower = false
		case unicode.IsUpper(r):
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			prevLower = false
		default:
			b.WriteRune(unicode.ToUpper(r))
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		}
	}
	return b.String()
}
