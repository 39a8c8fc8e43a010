package secretlike

import (
	"strings"
	"testing"
)

func TestSecretName(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"HF_TOKEN", true},
		{"HUGGING_FACE_HUB_TOKEN", true},
		{"AWS_SECRET_ACCESS_KEY", true},
		{"POSTGRES_PASSWORD", true},
		{"MLFLOW_TRACKING_PASSWORD", true},
		{"WANDB_API_KEY", true},
		{"openai-api-key", true},
		{"openaiApiKey", true},
		{"AZURE_STORAGE_ACCOUNT_KEY", true},
		{"AZURE_CLIENT_SECRET", true},
		{"OAUTH_CLIENT_SECRET", true},
		{"db.password", true},
		{"DB_PASSWD", true},
		{"DB_PASS", true},
		{"GPG_PASSPHRASE", true},
		{"GITLAB_PAT", true},
		{"KAGGLE_KEY", true},
		{"GCP_SERVICE_KEY_JSON", true},
		{"AWS_ACCESS_KEY_ID", false}, // an identifier, not the secret
		{"POSTGRES_PASSWORD_FILE", false},
		{"PASSWORD_FILE", false},
		{"MLFLOW_TRACKING_USERNAME", false},
		{"TOKEN_PATH", false},
		{"HF_TOKEN_PATH", false},
		{"SECRET_NAME", false},
		{"AWS_SECRETS", false},
		{"HF_HUB_DISABLE_TELEMETRY", false},
		{"TOKENIZERS_PARALLELISM", false},
		{"MAX_TOKENS", false},
		{"CACHE_KEY", false}, // a key that is not a secret
		{"S3_KEY", false},
		{"KEYCLOAK_URL", false},
		{"PASSWORD_AUTH_ENABLED", false},
		{"MODEL_PATH", false},
		{"", false},
		{"___", false},
	} {
		if got := SecretName(tc.name); got != tc.want {
			t.Errorf("SecretName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNormName(t *testing.T) {
	for in, want := range map[string]string{
		"rootPassword": "ROOT_PASSWORD", "root-password": "ROOT_PASSWORD", "root.password": "ROOT_PASSWORD",
		"ROOT_PASSWORD": "ROOT_PASSWORD", "secretKey2": "SECRET_KEY2", "HFToken": "HFTOKEN", "": "",
	} {
		if got := NormName(in); got != want {
			t.Errorf("NormName(%q) = %q, want %q", in, got, want)
		}
	}
}

// Tokens of each kind in the table, at the length of a real one.
var realTokens = []struct{ value, vendor string }{
	{"hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "Hugging Face"},
	{"AKIAIOSFODNN7EXAMPLE", "AWS access key ID"},
	{"ASIAIOSFODNN7EXAMPLE", "AWS temporary access key ID"},
	{"ghp_0123456789abcdefghijABCDEFGHIJ012345", "GitHub personal access token"},
	{"gho_0123456789abcdefghijABCDEFGHIJ012345", "GitHub OAuth token"},
	{"ghu_0123456789abcdefghijABCDEFGHIJ012345", "GitHub user-to-server token"},
	{"ghs_0123456789abcdefghijABCDEFGHIJ012345", "GitHub server-to-server token"},
	{"ghr_0123456789abcdefghijABCDEFGHIJ012345", "GitHub refresh token"},
	{"github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123", "GitHub fine-grained personal access token"},
	{"glpat-abcdefghij0123456789", "GitLab personal access token"},
	{"sk-ant-api03-abcdefghijklmnop", "Anthropic API key"},
	{"sk-proj-abcdefghijklmnopqrstuvwxyz012345", "OpenAI project API key"},
	{"sk-abcdefghijklmnopqrstuvwxyz012345", "OpenAI API key"},
	{"xoxa-2-0123456789", "Slack app token"},
	{"xoxb-123456789012-abcdefABCDEF", "Slack bot token"},
	{"xoxp-123456789012-abcdefABCDEF", "Slack user token"},
	{"xoxr-123456789012-abcdefABCDEF", "Slack refresh token"},
	{"xoxs-123456789012-abcdefABCDEF", "Slack session token"},
	{"AIzaSyA0123456789abcdefghijklmnopqrstuv", "Google API key"},
	{"pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlszLCJh", "PyPI API token"},
	{"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", "Hugging Face organization API token"},
	{"r8_ocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuD", "Replicate API token"},
	{"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", "LangSmith API key"},
	{"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", "Groq API key"},
	{"pcsk_AIxNK_u8iS2G8NPRVdD53X83RZJzzzzgEOzdmenCkhvMdgaKjIg8xNbe3nNyjOq9wMxEh", "Pinecone API key"},
	{"dapi3feff9243a8f506b40928b5b7a767c76", "Databricks personal access token"},
	{"tgp_v1_-TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuvqdt7", "Together AI API key"},
}

func TestToken(t *testing.T) {
	for _, tc := range realTokens {
		if !Token(tc.value) {
			t.Errorf("Token(%q) = false, want true", tc.value)
		}
		if v, ok := HasTokenPrefix(tc.value); !ok || v != tc.vendor {
			t.Errorf("HasTokenPrefix(%q) = %q, %v; want %q", tc.value, v, ok, tc.vendor)
		}
	}
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"  AKIAIOSFODNN7EXAMPLE  ", true},
		{"hf_short", false},
		{"hf_AbCdEfGhIjKlMnOpQrStUvWxYz012", false}, // 29 characters after hf_
		{"AKIA-not-a-key", false},
		{"AKIAIOSFODNN7EXAMPLE1", false}, // AWS key IDs are exactly 20 characters
		{"akiaiosfodnn7example", false},
		{"sk-learn", false},
		{"sk-proj-short", false},
		{"ghp_0123456789", false},
		{"pypi-mirror-internal", false},
		{"xoxb-short", false},
		{"HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", false}, // Token is about a whole value
		{"s3://bucket/model.pt", false},
		{"", false},
	} {
		if got := Token(tc.value); got != tc.want {
			t.Errorf("Token(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestHasTokenPrefix(t *testing.T) {
	for _, tc := range []struct {
		value  string
		vendor string
	}{
		{"ghp_R4nd0mT0kenV4lu3F0rT3st1ng", "GitHub personal access token"}, // shorter than a real one, still suspect
		{"GHP_R4nd0mT0kenV4lu3", "GitHub personal access token"},
		{"pypi-AgEIcHlwaS5vcmc", "PyPI API token"},
		{"sk-ant-abcdefghij", "Anthropic API key"},
		{"hf_hub", ""},
		{"sk-learn", ""},
		{"ghp_12345678", ""}, // 8 characters after the prefix: not enough
		{"deploy-bot", ""},
		{"", ""},
	} {
		v, ok := HasTokenPrefix(tc.value)
		if v != tc.vendor || ok != (tc.vendor != "") {
			t.Errorf("HasTokenPrefix(%q) = %q, %v; want %q", tc.value, v, ok, tc.vendor)
		}
	}
}

func TestMaskTokens(t *testing.T) {
	mask := func(string) string { return "[masked]" }
	for _, tc := range []struct{ in, want string }{
		{"HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrSt", "HF_TOKEN=[masked]"}, // 20 characters: too short for Token, masked all the same
		{"token ghp_0123456789abcdefghijABCDEFGHIJ and more", "token [masked] and more"},
		{"key AKIAIOSFODNN7EXAMPLE1", "key [masked]1"},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "[masked]-----END RSA PRIVATE KEY-----"},
		{"pip install sk-learn hf_hub", "pip install sk-learn hf_hub"},
		{"", ""},
	} {
		if got := MaskTokens(tc.in, mask); got != tc.want {
			t.Errorf("MaskTokens(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range realTokens {
		if got := MaskTokens("x "+tc.value+" y", mask); got != "x [masked] y" {
			t.Errorf("MaskTokens(%q) = %q", tc.value, got)
		}
	}
}

func TestReference(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"${HF_TOKEN}", true},
		{"${PG_PASSWORD:-}", true},
		{"$(SECRET)", true},
		{"$(cat /run/secrets/pw)", true},
		{"$HF_TOKEN", true},
		{"{{ .Values.x }}", true},
		{"{{ var.value.hf_token }}", true},
		{"%(password)s", true},
		{"<token>", true},
		{"<nil>", true},
		{`os.environ["HF_TOKEN"]`, true},
		{"var.db_password", true},
		{"hf_A****", true},
		// Filler is not syntax: Reference leaves it to Placeholder.
		{"changeme", false},
		{"xxxx", false},
		{"my-secret-pass", false},
		{"Pa$w0rd!", false}, // a "$" inside a real password
		{"s3cr3t-Pa55", false},
		{"", false},
	} {
		if got := Reference(tc.value); got != tc.want {
			t.Errorf("Reference(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestPlaceholder(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"", true},
		{"   ", true},
		{"changeme", true},
		{"CHANGEME", true},
		{"changeme123", true},
		{"change-me", true},
		{"changeit", true},
		{"replace_me", true},
		{"REPLACE_WITH_YOUR_TOKEN", true},
		{"placeholder", true},
		{"TODO", true},
		{"dummy", true},
		{"redacted", true},
		{"password", true},
		{"token", true},
		{"${VAR}", true},
		{"$(SECRET)", true},
		{"$VAR", true},
		{"<token>", true},
		{"<your token>", true},
		{"{{ .Values.x }}", true},
		{"%(pw)s", true},
		{"xxxx", true},
		{"x", true},
		{"AKIAXXXXXXXXXXXXXXXX", true},
		{"sk-your_key_here", true},
		{"your-client-secret", true},
		{"my-api-key", true},
		{"insert-token-here", true},
		{"***", true},
		{"********", true},
		{"...", true},
		{"null", true},
		{"None", true},
		{"false", true},
		{`""`, true},
		{"''", true},
		{"s3cr3t-Pa55", false},
		{"minio123", false},
		{"hunter22", false},
		{"Pa$w0rd!", false},
		{"/run/secrets/pg_password", false}, // a path is an EnvPlaceholder, not a Placeholder
		{"hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", false},
		{"9f8e7d6c5b4a39281706f5e4", false},
	} {
		if got := Placeholder(tc.value); got != tc.want {
			t.Errorf("Placeholder(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestEnvPlaceholder(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"", true},
		{"${HF_TOKEN}", true},
		{"$(cat /run/secrets/pw)", true},
		{"prefix-$SUFFIX", true},
		{"/run/secrets/pg_password", true},
		{"./secrets/token", true},
		{"~/.netrc", true},
		{"<your token>", true},
		{"{{ .Values.password }}", true},
		{"your-client-secret", true},
		{"REPLACE_ME", true},
		{"xxxxxxxx", true},
		{"null", true},
		{`""`, true},
		{"dummy", true},
		// Well-known defaults are credentials in a file that is deployed
		// as written, though Placeholder reads them as filler.
		{"changeme", false},
		{"password", false},
		{" Secret ", false},
		{"example", false},
		{"s3cr3t-Pa55", false},
		{"minio123", false},
	} {
		if got := EnvPlaceholder(tc.value); got != tc.want {
			t.Errorf("EnvPlaceholder(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}

func TestValue(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"ghp_R4nd0mT0kenV4lu3F0rT3st1ngOnly00", true},
		{"glpat-Xq3vN8mZ2kLp7RtY4wHc", true},
		{"9f8e7d6c5b4a39281706f5e4", true},
		{"ab-12cd34ef-5678-90ab-cdef-1234567890ab", true},
		{"ci-bot", false},
		{"__token__", false},
		{"deploy", false},
		{"${PIP_TOKEN}", false},
		{"sk-learn", false},
		{"averyveryverylongusername", false}, // long, but no digits
		{"abcdefghijklmnopqrstuvwxyz01", false},
		{"abcdefghij0123456789:abcdef", false}, // a ':' is not in a token
		{"", false},
	} {
		if got := Value(tc.value); got != tc.want {
			t.Errorf("Value(%q) = %v, want %v", tc.value, got, tc.want)
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
		{"postgresql://mlflow:password@db/mlflow", "password", true}, // a default is a password, not filler
		{"postgresql://mlflow:${PG_PASSWORD}@db/mlflow", "", false},
		{"postgresql://mlflow:changeme-later@db/mlflow", "", false},
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
		{"POSTGRES_PASSWORD", "changeme", true}, // a shipped default
		{"POSTGRES_PASSWORD", "${POSTGRES_PASSWORD}", false},
		{"POSTGRES_PASSWORD", "<your password>", false},
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

// Every kind in the table has a test token, so a new prefix cannot be
// added without one.
func TestTableCovered(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range realTokens {
		for _, k := range tokenKinds {
			if strings.HasPrefix(tc.value, k.prefix) {
				seen[k.prefix] = true
				break
			}
		}
	}
	for _, k := range tokenKinds {
		if !seen[k.prefix] {
			t.Errorf("no test token for %s (%s)", k.vendor, k.prefix)
		}
		if k.mask > k.min || k.mask <= 0 {
			t.Errorf("%s: mask length %d, min %d", k.prefix, k.mask, k.min)
		}
	}
}
