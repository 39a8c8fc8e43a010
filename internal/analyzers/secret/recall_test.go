package secret

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/secretscan"
	"github.com/zricethezav/gitleaks/v8/detect"
)

// vendor is one credential format of the recall set: a line of code that
// holds a token generated in the vendor's real format (never a live one).
type vendor struct {
	name string
	line func(r *rand.Rand) (code, token string)
}

const (
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	lower  = "abcdefghijklmnopqrstuvwxyz"
	digits = "0123456789"
	alnum  = upper + lower + digits
	hexd   = "0123456789abcdef"
)

func gen(r *rand.Rand, alpha string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[r.IntN(len(alpha))]
	}
	return string(b)
}

// assign writes NAME = "token" as Python.
func assign(name string, tok func(r *rand.Rand) string) func(r *rand.Rand) (string, string) {
	return func(r *rand.Rand) (string, string) {
		t := tok(r)
		return fmt.Sprintf("%s = %q", name, t), t
	}
}

// vendors are 30 credential formats found in ML projects.
var vendors = []vendor{
	{"Hugging Face", assign("HF_TOKEN", func(r *rand.Rand) string { return "hf_" + gen(r, upper+lower, 34) })},
	{"Hugging Face organization", assign("HF_ORG_TOKEN", func(r *rand.Rand) string { return "api_org_" + gen(r, upper+lower, 34) })},
	{"Weights & Biases", func(r *rand.Rand) (string, string) {
		t := gen(r, hexd, 40)
		return fmt.Sprintf("wandb.login(key=%q)", t), t
	}},
	{"Replicate", assign("REPLICATE_API_TOKEN", func(r *rand.Rand) string { return "r8_" + gen(r, alnum, 37) })},
	{"LangSmith", assign("LANGCHAIN_API_KEY", func(r *rand.Rand) string { return "lsv2_pt_" + gen(r, hexd, 32) + "_" + gen(r, hexd, 10) })},
	{"OpenRouter", assign("OPENROUTER_API_KEY", func(r *rand.Rand) string { return "sk-or-v1-" + gen(r, hexd, 64) })},
	{"Groq", assign("GROQ_API_KEY", func(r *rand.Rand) string { return "gsk_" + gen(r, alnum, 52) })},
	{"Mistral", assign("MISTRAL_API_KEY", func(r *rand.Rand) string { return gen(r, alnum, 32) })},
	{"Together", assign("TOGETHER_API_KEY", func(r *rand.Rand) string { return "tgp_v1_" + gen(r, alnum, 43) })},
	{"Pinecone", assign("PINECONE_API_KEY", func(r *rand.Rand) string { return "pcsk_" + gen(r, alnum, 5) + "_" + gen(r, alnum, 63) })},
	{"Kaggle", assign("KAGGLE_KEY", func(r *rand.Rand) string { return gen(r, hexd, 32) })},
	{"Comet", assign("COMET_API_KEY", func(r *rand.Rand) string { return gen(r, alnum, 25) })},
	{"Neptune", assign("NEPTUNE_API_TOKEN", func(r *rand.Rand) string {
		return "eyJhcGlfYWRkcmVzcyI6Imh0dHBzOi8vYXBwLm5lcHR1bmUuYWkiLCJhcGlfa2V5IjoiI" + gen(r, alnum, 60)
	})},
	{"ClearML", assign("CLEARML_API_SECRET_KEY", func(r *rand.Rand) string { return gen(r, alnum, 50) })},
	{"MLflow", func(r *rand.Rand) (string, string) {
		t := gen(r, alnum, 18)
		return fmt.Sprintf("mlflow.set_tracking_uri(%q)", "https://ml:"+t+"@mlflow.acme.io"), t
	}},
	{"Databricks", assign("DATABRICKS_TOKEN", func(r *rand.Rand) string { return "dapi" + gen(r, hexd, 32) })},
	{"OpenAI", assign("OPENAI_API_KEY", func(r *rand.Rand) string {
		return "sk-proj-" + gen(r, alnum, 74) + "T3BlbkFJ" + gen(r, alnum, 74)
	})},
	{"Anthropic", assign("ANTHROPIC_API_KEY", func(r *rand.Rand) string { return "sk-ant-api03-" + gen(r, alnum, 93) + "AA" })},
	{"AWS", func(r *rand.Rand) (string, string) {
		t := gen(r, alnum+"/+", 40)
		return fmt.Sprintf("s3 = boto3.client(\"s3\", aws_secret_access_key=%q)", t), t
	}},
	{"GitHub", assign("GITHUB_TOKEN", func(r *rand.Rand) string { return "ghp_" + gen(r, alnum, 36) })},
	{"GitLab", assign("GITLAB_TOKEN", func(r *rand.Rand) string { return "glpat-" + gen(r, alnum, 20) })},
	{"Slack", assign("SLACK_BOT_TOKEN", func(r *rand.Rand) string {
		return "xoxb-" + gen(r, digits, 12) + "-" + gen(r, digits, 13) + "-" + gen(r, alnum, 24)
	})},
	{"Stripe", assign("STRIPE_KEY", func(r *rand.Rand) string { return "sk_live_" + gen(r, alnum, 24) })},
	{"SendGrid", assign("SENDGRID_API_KEY", func(r *rand.Rand) string { return "SG." + gen(r, alnum, 22) + "." + gen(r, alnum, 43) })},
	{"Google API", assign("GOOGLE_API_KEY", func(r *rand.Rand) string { return "AIza" + gen(r, alnum, 35) })},
	{"Azure storage", func(r *rand.Rand) (string, string) {
		t := gen(r, alnum+"+/", 86) + "=="
		return fmt.Sprintf("conn = %q", "DefaultEndpointsProtocol=https;AccountName=acmeml;AccountKey="+t+";EndpointSuffix=core.windows.net"), t
	}},
	{"npm", assign("NPM_TOKEN", func(r *rand.Rand) string { return "npm_" + gen(r, alnum, 36) })},
	{"PyPI", assign("PYPI_TOKEN", func(r *rand.Rand) string { return "pypi-AgEIcHlwaS5vcmc" + gen(r, alnum+"_-", 70) })},
	{"PostgreSQL", func(r *rand.Rand) (string, string) {
		t := gen(r, alnum, 16)
		return fmt.Sprintf("engine = create_engine(%q)", "postgresql://trainer:"+t+"@db.acme.io:5432/features"), t
	}},
	{"private key", func(r *rand.Rand) (string, string) {
		var b strings.Builder
		b.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
		for range 6 {
			b.WriteString(gen(r, alnum+"+/", 64) + "\n")
		}
		b.WriteString("-----END RSA PRIVATE KEY-----")
		t := b.String()
		return "KEY = \"\"\"" + t + "\"\"\"", t
	}},
}

// recallSet writes two notebooks per vendor into dir: one with the token
// in a cell's source, one with it printed in a cell's output (as
// `print(cfg)` shows a dict: quotes escaped twice over). It returns the
// tokens by file name.
func recallSet(t testing.TB, dir string) map[string]string {
	r := rand.New(rand.NewPCG(30, 12))
	tokens := map[string]string{}
	for i, v := range vendors {
		code, tok := v.line(r)
		src := map[string]any{"cell_type": "code", "execution_count": 1, "metadata": map[string]any{}, "outputs": []any{},
			"source": strings.SplitAfter("import os\n"+code+"\nmodel = load()\n", "\n")}
		out := map[string]any{"cell_type": "code", "execution_count": 2, "metadata": map[string]any{}, "source": []string{"print(settings)"},
			"outputs": []any{map[string]any{"name": "stdout", "output_type": "stream", "text": strings.SplitAfter("{'run': 7, 'setting': '"+code+"'}\n", "\n")}}}
		for j, cell := range []map[string]any{src, out} {
			nb := map[string]any{"cells": []any{map[string]any{"cell_type": "markdown", "metadata": map[string]any{}, "source": []string{"# Training\n"}}, cell},
				"metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5}
			b, err := json.MarshalIndent(nb, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%02d-%d-%s.ipynb", i, j, strings.ReplaceAll(strings.ToLower(v.name), " ", "-"))
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
			tokens[name] = tok
		}
	}
	return tokens
}

// TestRecallNotebooks: every one of 30 vendors' tokens is found in a
// notebook's source and in its output, at high severity or above. What
// gitleaks' default rules alone find on the same raw files (through the
// library, as its CLI would read them) is logged beside it.
func TestRecallNotebooks(t *testing.T) {
	dir := t.TempDir()
	tokens := recallSet(t, dir)
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range res.Findings {
		name := filepath.Base(f.Location.Path)
		if f.Severity >= 3 && f.Location.Cell == 2 { // high or critical, in the token's cell
			found[name] = true
		}
	}
	for name := range tokens {
		if !found[name] {
			t.Errorf("%s: token not found", name)
		}
	}
	t.Logf("mlsec: %d of %d notebooks (%d vendors, source and output)", len(found), len(tokens), len(vendors))

	gl, err := secretscan.GitleaksOnly()
	if err != nil {
		t.Fatal(err)
	}
	glFound := 0
	for name, tok := range tokens {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		hit := false
		for _, m := range gl.Scan(raw, name) {
			if overlaps(m.Secret, tok) {
				hit = true
			}
		}
		if hit {
			glFound++
		}
	}
	t.Logf("gitleaks' default rules in mlsec's detector, on the raw .ipynb: %d of %d", glFound, len(tokens))

	// gitleaks' own detector, as its CLI runs on each file.
	det, err := detect.NewDetectorDefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	own := 0
	for name, tok := range tokens {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range det.DetectString(string(raw)) {
			if overlaps(f.Secret, tok) {
				own++
				break
			}
		}
	}
	t.Logf("gitleaks' own detector (default config), on the raw .ipynb: %d of %d", own, len(tokens))
}

// overlaps says a reported secret is (part of) the planted token: at least
// 12 bytes of one inside the other, JSON escapes aside.
func overlaps(secret, token string) bool {
	secret = strings.ReplaceAll(secret, `\n`, "\n")
	if len(secret) >= 12 && strings.Contains(token, secret[:12]) {
		return true
	}
	return len(token) >= 12 && strings.Contains(secret, token[:12])
}
