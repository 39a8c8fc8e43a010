package k8s

import (
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/secretlike"
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

// defaultFor returns the default credential that name=value is, or nil.
func defaultFor(name, value string) *defaultCred {
	n := secretlike.NormName(name)
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
	words := strings.FieldsFunc(secretlike.NormName(k), func(r rune) bool { return r == '_' })
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
