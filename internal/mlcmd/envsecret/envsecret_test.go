package envsecret

import "testing"

func TestName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"HF_TOKEN", true},
		{"HUGGING_FACE_HUB_TOKEN", true},
		{"AWS_SECRET_ACCESS_KEY", true},
		{"AWS_ACCESS_KEY_ID", false}, // an identifier, not the secret
		{"POSTGRES_PASSWORD", true},
		{"MLFLOW_TRACKING_PASSWORD", true},
		{"WANDB_API_KEY", true},
		{"openai-api-key", true},
		{"AZURE_STORAGE_ACCOUNT_KEY", true},
		{"OAUTH_CLIENT_SECRET", true},
		{"db.password", true},
		{"POSTGRES_PASSWORD_FILE", false},
		{"MLFLOW_TRACKING_USERNAME", false},
		{"TOKEN_PATH", false},
		{"SECRET_NAME", false},
		{"HF_HUB_DISABLE_TELEMETRY", false},
		{"KEYCLOAK_URL", false},
		{"PASSWORD_AUTH_ENABLED", false},
		{"MODEL_PATH", false},
		{"", false},
	} {
		if got := Name(tc.name); got != tc.want {
			t.Errorf("Name(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestToken(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", true},
		{"AKIAIOSFODNN7EXAMPLE", true},
		{"ghp_0123456789abcdefghijABCDEFGHIJ012345", true},
		{"glpat-abcdefghij0123456789", true},
		{"sk-proj-abcdefghijklmnopqrstuvwxyz012345", true},
		{"  AKIAIOSFODNN7EXAMPLE  ", true},
		{"hf_short", false},
		{"AKIA-not-a-key", false},
		{"sk-learn", false},
		{"s3://bucket/model.pt", false},
	} {
		if got := Token(tc.value); got != tc.want {
			t.Errorf("Token(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestPlaceholder(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"", true},
		{"${HF_TOKEN}", true},
		{"$(cat /run/secrets/pw)", true},
		{"/run/secrets/pg_password", true},
		{"./secrets/token", true},
		{"<your token>", true},
		{"{{ .Values.password }}", true},
		{"your-client-secret", true},
		{"REPLACE_ME", true},
		{"xxxxxxxx", true},
		{"null", true},
		{`""`, true},
		{"s3cr3t-Pa55", false},
		{"minio123", false},
	} {
		if got := Placeholder(tc.value); got != tc.want {
			t.Errorf("Placeholder(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestURLPassword(t *testing.T) {
	for _, tc := range []struct {
		value, pw string
		ok        bool
	}{
		{"postgresql://mlflow:s3cret@db:5432/mlflow", "s3cret", true},
		{"mysql+pymysql://root:hunter2@mysql/mlflow", "hunter2", true},
		{"postgresql://mlflow:${PG_PASSWORD}@db/mlflow", "", false},
		{"postgresql://mlflow@db/mlflow", "", false},
		{"https://pypi.internal.example.com/simple", "", false},
		{"user:pw@host", "", false}, // not a URL
	} {
		pw, ok := URLPassword(tc.value)
		if pw != tc.pw || ok != tc.ok {
			t.Errorf("URLPassword(%q) = %q, %v; want %q, %v", tc.value, pw, ok, tc.pw, tc.ok)
		}
	}
}

func TestWeak(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"minio123", true},
		{"minioadmin", true},
		{" Password ", true},
		{"12341234", false}, // Kubeflow's Dex password is matched by the k8s analyzer, with the user
		{"k7#Qe9!vLr2", false},
	} {
		if got := Weak(tc.value); got != tc.want {
			t.Errorf("Weak(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestLiteral(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{"HF_TOKEN", "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", true},
		{"POSTGRES_PASSWORD", "s3cret", true},
		{"POSTGRES_PASSWORD", "${POSTGRES_PASSWORD}", false},
		{"POSTGRES_PASSWORD_FILE", "/run/secrets/pg", false},
		{"MODEL_ID", "AKIAIOSFODNN7EXAMPLE", true}, // shape wins over name
		{"MLFLOW_BACKEND_STORE_URI", "postgresql://mlflow:s3cret@db/mlflow", true},
		{"MLFLOW_BACKEND_STORE_URI", "postgresql://db/mlflow", false},
		{"LOG_LEVEL", "debug", false},
	} {
		if got := Literal(tc.name, tc.value); got != tc.want {
			t.Errorf("Literal(%q, %q) = %v, want %v", tc.name, tc.value, got, tc.want)
		}
	}
}

func TestMask(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"short", "****"},
		{"12345678", "****"},
		{"hf_AbCdEfGhIjKl", "hf_A****"},
	} {
		if got := Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
