// Package envsecret decides whether an environment variable or build
// argument holds a literal credential: by its name (HF_TOKEN,
// AWS_SECRET_ACCESS_KEY, POSTGRES_PASSWORD…), by the shape of its value
// (hf_…, AKIA…, ghp_…), or by a password inside a URL. It also knows the
// default passwords ML stacks ship with (minioadmin, minio123…).
package envsecret

import (
	"net/url"
	"regexp"
	"strings"
)

// secretWords make a variable name secret when they appear as a word of it.
var secretWords = map[string]bool{
	"TOKEN": true, "SECRET": true, "PASSWORD": true, "PASSWD": true, "APIKEY": true, "PASS": true,
	"CREDENTIAL": true, "CREDENTIALS": true, "PRIVATEKEY": true,
}

// secretPairs are two adjacent words that make a name secret.
var secretPairs = map[[2]string]bool{
	{"API", "KEY"}: true, {"ACCESS", "KEY"}: true, {"PRIVATE", "KEY"}: true, {"SECRET", "KEY"}: true,
	{"AUTH", "KEY"}: true, {"ACCOUNT", "KEY"}: true, {"CLIENT", "SECRET"}: true, {"SIGNING", "KEY"}: true,
}

// notSecretWords mark a name whose value is about a secret, not the secret:
// a path, a file, a host, a user name, a flag.
var notSecretWords = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "HOST": true, "PORT": true, "USER": true, "USERNAME": true,
	"NAME": true, "ID": true, "TYPE": true, "LENGTH": true, "TTL": true, "EXPIRY": true, "EXPIRES": true,
	"ENABLED": true, "DISABLED": true, "HEADER": true, "MODE": true, "ENDPOINT": true, "REGION": true,
	"URI": true, "URL": true, "ARN": true, "LOCATION": true, "PROVIDER": true, "SECRETS": true, "AUTH": true,
}

// Name reports whether a variable name says its value is a credential.
func Name(name string) bool {
	words := strings.FieldsFunc(strings.ToUpper(name), func(r rune) bool { return r == '_' || r == '-' || r == '.' })
	if len(words) == 0 {
		return false
	}
	if notSecretWords[words[len(words)-1]] {
		return false
	}
	for i, w := range words {
		if secretWords[w] {
			return true
		}
		if i+1 < len(words) && secretPairs[[2]string{w, words[i+1]}] {
			return true
		}
	}
	return false
}

var tokenShapes = regexp.MustCompile(`^(?:hf_[A-Za-z0-9]{30,}|(?:AKIA|ASIA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}|glpat-[A-Za-z0-9_\-]{20,}|sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,}|xox[abprs]-[A-Za-z0-9\-]{10,}|AIza[0-9A-Za-z_\-]{35})$`)

// Token reports whether a value has the shape of a known vendor token,
// whatever the variable is called.
func Token(value string) bool { return tokenShapes.MatchString(strings.TrimSpace(value)) }

// Placeholder reports whether a value is not a literal secret: empty, a
// variable reference, a path to a secret file, or an obvious template.
func Placeholder(v string) bool {
	v = strings.TrimSpace(v)
	l := strings.ToLower(v)
	switch {
	case v == "", strings.Contains(v, "$"), strings.HasPrefix(v, "/"), strings.HasPrefix(v, "./"), strings.HasPrefix(v, "~"),
		strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">"), strings.HasPrefix(v, "{{"),
		l == "none", l == "null", l == "true", l == "false", l == "''", l == `""`,
		strings.Contains(l, "your-") || strings.Contains(l, "your_") || strings.Contains(l, "replace") || strings.Contains(l, "xxxx"):
		return true
	}
	return false
}

// URLPassword reports whether v is a URL with a password in it
// (postgresql://mlflow:s3cret@db/mlflow), and returns the password.
func URLPassword(v string) (string, bool) {
	if !strings.Contains(v, "://") || !strings.Contains(v, "@") {
		return "", false
	}
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil || u.User == nil {
		return "", false
	}
	pw, ok := u.User.Password()
	if !ok || Placeholder(pw) {
		return "", false
	}
	return pw, true
}

// weak are the passwords ML stacks ship with or tutorials copy around.
var weak = map[string]bool{
	"minioadmin": true, "minio123": true, "minio": true, "minio-secret": true, "miniostorage": true,
	"password": true, "password123": true, "passw0rd": true, "admin": true, "admin123": true, "root": true,
	"postgres": true, "mlflow": true, "mysql": true, "secret": true, "changeme": true, "change_me": true,
	"example": true, "test": true, "123456": true, "12345678": true, "default": true, "airflow": true,
	"labelstudio": true, "label-studio": true, "jupyter": true, "ray": true, "guest": true, "pass": true,
}

// Weak reports whether a password is a well-known default.
func Weak(v string) bool { return weak[strings.ToLower(strings.TrimSpace(v))] }

// Literal reports whether name=value puts a literal credential in the
// environment: a secret name with a non-placeholder value, a vendor token,
// or a URL with a password.
func Literal(name, value string) bool {
	if Token(value) {
		return true
	}
	if _, ok := URLPassword(value); ok {
		return true
	}
	return Name(name) && !Placeholder(value)
}

// Mask shows the start of a secret and hides the rest.
func Mask(v string) string {
	if len(v) <= 8 {
		return "****"
	}
	return v[:4] + "****"
}
