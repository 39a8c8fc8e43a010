package secretlike

import (
	"net/url"
	"strings"
)

// URLPassword reports whether v is a URL with a password in it
// (postgresql://mlflow:s3cret@db/mlflow), and returns the password. A
// password that is an EnvPlaceholder (${PG_PASSWORD}) does not count.
func URLPassword(v string) (string, bool) {
	if !strings.Contains(v, "://") || !strings.Contains(v, "@") {
		return "", false
	}
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil || u.User == nil {
		return "", false
	}
	pw, ok := u.User.Password()
	if !ok || EnvPlaceholder(pw) {
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

// Weak reports whether a password is a well-known default, in any case and
// without surrounding spaces.
func Weak(v string) bool { return weak[strings.ToLower(strings.TrimSpace(v))] }

// Literal reports whether name=value, written in an environment or config
// file, puts a literal credential there: a vendor token (whatever the
// name), a URL with a password, or a SecretName with a value that is not an
// EnvPlaceholder.
func Literal(name, value string) bool {
	if Token(value) {
		return true
	}
	if _, ok := URLPassword(value); ok {
		return true
	}
	return SecretName(name) && !EnvPlaceholder(value)
}

// Mask shows the start of a secret and hides the rest: "****" for a value
// of 8 bytes or fewer, else its first 4 bytes and "****" (enough to tell an
// AWS key from a GitHub token when triaging).
func Mask(v string) string {
	if len(v) <= 8 {
		return "****"
	}
	return v[:4] + "****"
}
