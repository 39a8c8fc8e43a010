package k8s

import (
	"regexp"
	"strings"
	"unicode"
)

// defaultCred is one well-known default credential. Names are normalised
// key names (upper case, words joined by "_": rootPassword and root-password
// both read ROOT_PASSWORD). Only the secret half of a pair is listed: a
// default user name alone gives nothing away.
type defaultCred struct {
	product string
	names   []string
	values  []string
	ref     string // where the default is documented
}

// defaultCreds is the table of default credentials. Keep it small and
// sourced: every entry must be a default a vendor ships or documents.
var defaultCreds = []defaultCred{
	{"MinIO", []string{"MINIO_ROOT_PASSWORD", "MINIO_SECRET_KEY", "ROOT_PASSWORD", "SECRETKEY", "SECRET_KEY", "AWS_SECRET_ACCESS_KEY"},
		[]string{"minioadmin"}, "https://min.io/docs/minio/linux/reference/minio-server/settings/root-credentials.html"},
	{"Kubeflow Pipelines MinIO", []string{"MINIO_ROOT_PASSWORD", "MINIO_SECRET_KEY", "ROOT_PASSWORD", "SECRETKEY", "SECRET_KEY", "AWS_SECRET_ACCESS_KEY"},
		[]string{"minio123"}, "https://github.com/kubeflow/pipelines/tree/master/manifests/kustomize/third-party/minio"},
	{"MLflow basic auth", []string{"MLFLOW_TRACKING_PASSWORD", "ADMIN_PASSWORD", "MLFLOW_ADMIN_PASSWORD"},
		[]string{"password1234"}, "https://mlflow.org/docs/latest/auth/index.html"},
	{"PostgreSQL", []string{"POSTGRES_PASSWORD", "POSTGRESQL_PASSWORD", "POSTGRES_POSTGRES_PASSWORD", "PGPASSWORD", "POSTGRESQL_POSTGRES_PASSWORD"},
		[]string{"postgres", "password"}, "https://hub.docker.com/_/postgres"},
	{"MySQL", []string{"MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD", "MARIADB_ROOT_PASSWORD", "MYSQL_ROOT_PASSWORD"},
		[]string{"root", "password", "mysql"}, "https://hub.docker.com/_/mysql"},
	{"Grafana", []string{"GF_SECURITY_ADMIN_PASSWORD", "ADMIN_PASSWORD"},
		[]string{"admin"}, "https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#admin_password"},
	{"Airflow", []string{"_AIRFLOW_WWW_USER_PASSWORD"},
		[]string{"airflow"}, "https://airflow.apache.org/docs/apache-airflow/stable/howto/docker-compose/index.html"},
}

// normName normalises an env or Secret key name for matching.
func normName(s string) string {
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

// defaultFor returns the default credential that name=value is, or nil.
func defaultFor(name, value string) *defaultCred {
	n := normName(name)
	for i := range defaultCreds {
		d := &defaultCreds[i]
		for _, dn := range d.names {
			if n != dn && !strings.HasSuffix(n, "_"+dn) {
				continue
			}
			for _, v := range d.values {
				if value == v {
					return d
				}
			}
		}
	}
	return nil
}

// credWords are the name words that make an env var a credential.
var credWords = map[string]bool{
	"PASSWORD": true, "PASSWD": true, "PASSPHRASE": true, "SECRET": true, "TOKEN": true,
	"APIKEY": true, "CREDENTIALS": true, "PAT": true,
}

// keyQualifiers are the words before a final KEY that make it a secret key
// rather than an object key or a cache key.
var keyQualifiers = map[string]bool{
	"API": true, "ACCESS": true, "SECRET": true, "PRIVATE": true, "MASTER": true, "SIGNING": true,
	"ENCRYPTION": true, "LICENSE": true, "SERVICE": true, "AUTH": true, "CLIENT": true, "ACCOUNT": true,
	"STORAGE": true, "KAGGLE": true, "SUBSCRIPTION": true, "ADMIN": true,
}

// notCredSuffix are final words that name something about a credential
// (where it is, what it is called), not the credential itself.
var notCredSuffix = map[string]bool{
	"FILE": true, "PATH": true, "DIR": true, "ID": true, "NAME": true, "ENABLED": true, "REF": true,
	"TYPE": true, "HEADER": true, "LENGTH": true, "FIELD": true, "EXPIRY": true, "TTL": true, "SIZE": true,
	"MODE": true, "KIND": true, "ARN": true, "ENDPOINT": true, "HOST": true, "PORT": true, "USER": true,
	"USERNAME": true, "REGION": true, "VERSION": true, "POLICY": true, "ALGORITHM": true, "LIMIT": true,
	"COUNT": true, "URL": true, "URI": true, "KEYS": true, "TIMEOUT": true, "SECONDS": true, "AUDIENCE": true,
	"ISSUER": true, "SCOPE": true, "PREFIX": true, "MOUNT": true, "KEYRING": true, "LOCATION": true,
}

// isCredName reports whether an env var name says it holds a credential.
func isCredName(name string) bool {
	words := strings.FieldsFunc(normName(name), func(r rune) bool { return r == '_' })
	if len(words) == 0 || notCredSuffix[words[len(words)-1]] {
		return false
	}
	for i, w := range words {
		if credWords[w] {
			return true
		}
		if w == "KEY" && i == len(words)-1 && i > 0 && keyQualifiers[words[i-1]] {
			return true
		}
	}
	return false
}

// isPlaceholder reports values that stand for a credential rather than being one.
func isPlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	l := strings.ToLower(v)
	switch l {
	case "", "changeme", "change-me", "change_me", "changeit", "replaceme", "replace-me", "replace_me",
		"placeholder", "todo", "tbd", "dummy", "fake", "example", "sample", "none", "null", "redacted",
		"secret", "password", "token", "xxx", "***", "<nil>":
		return true
	}
	switch {
	case strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">"),
		strings.Contains(v, "${"), strings.Contains(v, "$("), strings.Contains(v, "{{"),
		strings.HasPrefix(l, "your-"), strings.HasPrefix(l, "your_"), strings.HasPrefix(l, "my-"),
		strings.HasPrefix(l, "replace"), strings.HasPrefix(l, "insert"), strings.HasPrefix(l, "changeme"):
		return true
	}
	return strings.Trim(l, "x*.-_ ") == ""
}

// uriPassword matches a URI with a password in its user information:
// postgresql://mlflow:s3cret@db:5432/mlflow.
var uriPassword = regexp.MustCompile(`\b([a-zA-Z][a-zA-Z0-9+.-]*)://([^/@:\s]+):([^@/\s]+)@`)

// passwordInURI returns the scheme, user and password of the first URI in
// s that carries a password, or ok=false.
func passwordInURI(s string) (scheme, user, pw string, ok bool) {
	m := uriPassword.FindStringSubmatch(s)
	if m == nil {
		return "", "", "", false
	}
	return strings.ToLower(m[1]), m[2], m[3], true
}

// uriDefault returns the default credential a database URI's password is.
func uriDefault(scheme, pw string) *defaultCred {
	switch {
	case strings.HasPrefix(scheme, "postgres"):
		return defaultFor("POSTGRES_PASSWORD", pw)
	case strings.HasPrefix(scheme, "mysql"):
		return defaultFor("MYSQL_PASSWORD", pw)
	}
	return nil
}

// usernameKey reports Secret keys that hold a user name or a key ID: not a
// secret on their own.
func usernameKey(k string) bool {
	words := strings.FieldsFunc(normName(k), func(r rune) bool { return r == '_' })
	if len(words) == 0 {
		return false
	}
	switch last := words[len(words)-1]; last {
	case "USER", "USERNAME", "LOGIN", "ACCESSKEY", "EMAIL", "ID", "HOST", "PORT", "DATABASE", "DB", "ENDPOINT", "REGION", "BUCKET", "URL":
		return !(len(words) > 1 && words[len(words)-2] == "SECRET")
	}
	return false
}

// redactValue keeps a hint of a secret for evidence without printing it.
func redactValue(v string) string {
	if len(v) <= 4 {
		return strings.Repeat("*", len(v))
	}
	return v[:2] + strings.Repeat("*", min(len(v)-2, 8))
}
