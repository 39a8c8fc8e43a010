// Command secretsgen writes the tree of bench/secrets.sh: about 20 MB in
// 1,000 mixed files of an ML repository (Python, notebooks with outputs,
// YAML, Terraform, lock files, Markdown, .env), one in twenty holding a
// fake secret in a real format, so that the benchmark measures detection
// on text full of the words secret rules key on (token, key, password).
//
//	go run ./bench/secretsgen -out /tmp/tree
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

const (
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	hexd  = "0123456789abcdef"
)

var rng = rand.New(rand.NewPCG(2026, 1130))

func r(alpha string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[rng.IntN(len(alpha))]
	}
	return string(b)
}

// secret returns one fake credential line in a real format, in the
// syntax of the file kind.
func secret(i int, kind string) string {
	q := `"`
	sep := " = "
	if kind == "yaml" {
		sep = ": "
	}
	if kind == "env" {
		sep, q = "=", ""
	}
	switch i % 8 {
	case 0:
		return "HF_TOKEN" + sep + q + "hf_" + r(alnum[:52], 34) + q
	case 1:
		return "WANDB_API_KEY" + sep + q + r(hexd, 40) + q
	case 2:
		return "AWS_SECRET_ACCESS_KEY" + sep + q + r(alnum+"/+", 40) + q
	case 3:
		return "GROQ_API_KEY" + sep + q + "gsk_" + r(alnum, 52) + q
	case 4:
		return "DATABASE_URL" + sep + q + "postgresql://svc:" + r(alnum, 16) + "@db.internal:5432/features" + q
	case 5:
		return "GITHUB_TOKEN" + sep + q + "ghp_" + r(alnum, 36) + q
	case 6:
		return "REPLICATE_API_TOKEN" + sep + q + "r8_" + r(alnum, 37) + q
	default:
		return "OPENAI_API_KEY" + sep + q + "sk-proj-" + r(alnum, 74) + "T3BlbkFJ" + r(alnum, 74) + q
	}
}

func python(i, size int) string {
	var b strings.Builder
	b.WriteString("\"\"\"Training module " + fmt.Sprint(i) + ": tokenizer, data loading and the training loop.\"\"\"\nimport os\nimport torch\nfrom transformers import AutoTokenizer, AutoModelForSequenceClassification\n\n")
	for n := 0; b.Len() < size; n++ {
		fmt.Fprintf(&b, `
def train_step_%d(model, batch, optimizer, api_key=None, max_tokens=%d):
    """Runs one step; the auth token and access key come from the environment."""
    token = os.environ.get("HF_TOKEN")
    cache_dir = "%s"
    secret_name = "model-registry-credentials"
    password_file = "/run/secrets/db_password"
    tokenizer = AutoTokenizer.from_pretrained("acme/credit-%d", revision="%s", token=token)
    inputs = tokenizer(batch["text"], padding=True, truncation=True, return_tensors="pt")
    outputs = model(**inputs, labels=batch["label"])
    outputs.loss.backward()
    optimizer.step()
    return {"loss": outputs.loss.item(), "key": cache_key, "auth": "bearer" if api_key else None}
`, n, 512+n, r(hexd, 64), n, r(hexd, 40))
		if i%20 == 0 && n == 3 {
			b.WriteString(secret(i/20, "py") + "\n")
		}
	}
	return b.String()
}

func notebook(i, size int) string {
	type cell map[string]any
	var cells []cell
	total := 0
	for n := 0; total < size; n++ {
		src := []string{"import os\n", fmt.Sprintf("tokens = tokenizer(texts[%d], max_length=512)\n", n), "api_key = os.environ[\"OPENAI_API_KEY\"]\n", "print(model.config)\n"}
		if i%20 == 0 && n == 2 {
			src = append(src, secret(i/20, "py")+"\n")
		}
		out := []string{}
		for k := 0; k < 20; k++ {
			out = append(out, fmt.Sprintf("step %d: loss=%.4f, tokens/s=%d, key=%s\n", k, rng.Float64(), rng.IntN(9000), r(hexd, 12)))
		}
		c := cell{"cell_type": "code", "execution_count": n, "metadata": map[string]any{}, "source": src,
			"outputs": []any{
				map[string]any{"name": "stdout", "output_type": "stream", "text": out},
				map[string]any{"output_type": "display_data", "metadata": map[string]any{}, "data": map[string]any{"image/png": r(alnum+"+/", 3000), "text/plain": []string{"<Figure size 640x480 with 1 Axes>"}}},
			}}
		cells = append(cells, c)
		total += 4500
	}
	b, _ := json.MarshalIndent(map[string]any{"cells": cells, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5}, "", " ")
	return string(b)
}

func yaml(i, size int) string {
	var b strings.Builder
	for n := 0; b.Len() < size; n++ {
		fmt.Fprintf(&b, `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: predictor-%d-%d
  labels: {app: predictor, tier: serving}
spec:
  template:
    spec:
      serviceAccountName: predictor
      securityContext: {runAsNonRoot: true, runAsUser: 1000}
      containers:
        - name: server
          image: ghcr.io/acme/predictor@sha256:%s
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
          env:
            - name: HF_TOKEN
              valueFrom: {secretKeyRef: {name: hf-token, key: token}}
            - name: MAX_TOKENS
              value: "%d"
            - name: CACHE_KEY
              value: "%s"
`, i, n, r(hexd, 64), 1000+n, r(hexd, 32))
		if i%20 == 0 && n == 1 {
			b.WriteString("# " + secret(i/20, "yaml") + "\n")
		}
	}
	return b.String()
}

func terraform(i, size int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `resource "aws_s3_bucket" "data_%d" {
  bucket = "acme-training-%d"
}

resource "aws_s3_bucket_versioning" "data_%d" {
  bucket = aws_s3_bucket.data_%d.id
  versioning_configuration { status = "Enabled" }
}

`, i, i, i, i)
	for n := 0; b.Len() < size; n++ {
		fmt.Fprintf(&b, `variable "feature_%d_%d" {
  description = "Feature store table %d: the access key and token come from Vault, never from here"
  type        = string
  default     = "features-%s"
}

locals {
  table_%d_%d = { name = var.feature_%d_%d, key_prefix = "train/%d", retention_days = %d }
}

`, i, n, n, r(hexd, 8), i, n, i, n, n, 30+n)
		if i%20 == 0 && n == 1 {
			b.WriteString("locals {\n  " + secret(i/20, "tf") + "\n}\n")
		}
	}
	return b.String()
}

func lock(i, size int) string {
	var b strings.Builder
	b.WriteString("version = 1\nrequires-python = \">=3.10\"\n\n")
	for n := 0; b.Len() < size; n++ {
		fmt.Fprintf(&b, `[[package]]
name = "pkg-%d-%d"
version = "1.%d.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/%s/pkg-%d.tar.gz", hash = "sha256:%s", size = %d }
wheels = [
    { url = "https://files.pythonhosted.org/packages/%s/pkg-%d-py3-none-any.whl", hash = "sha256:%s", size = %d },
]

`, i, n, n, r(hexd, 40), n, r(hexd, 64), rng.IntN(900000), r(hexd, 40), n, r(hexd, 64), rng.IntN(900000))
	}
	return b.String()
}

func markdown(i, size int) string {
	var b strings.Builder
	for n := 0; b.Len() < size; n++ {
		fmt.Fprintf(&b, "## Step %d\n\nSet `HF_TOKEN=<your-token>` and `WANDB_API_KEY` before training; the password for the feature store comes from Vault (key `ml/features/%d`).\n\n```sh\nexport OPENAI_API_KEY=sk-...\npython train.py --max-tokens %d\n```\n\n", n, n, 512+n)
	}
	if i%20 == 0 {
		b.WriteString(secret(i/20, "env") + "\n")
	}
	return b.String()
}

func main() {
	out := flag.String("out", "", "directory to write (must not exist)")
	flag.Parse()
	if *out == "" {
		log.Fatal("secretsgen: -out is required")
	}
	if _, err := os.Stat(*out); err == nil {
		log.Fatalf("secretsgen: %s exists", *out)
	}
	type kind struct {
		dir, ext string
		n, size  int
		gen      func(i, size int) string
	}
	kinds := []kind{
		{"src", ".py", 400, 20000, python},
		{"notebooks", ".ipynb", 150, 40000, notebook},
		{"deploy", ".yaml", 200, 10000, yaml},
		{"infra", ".tf", 100, 10000, terraform},
		{"locks", "/uv.lock", 50, 90000, lock},
		{"docs", ".md", 100, 5000, markdown},
	}
	i := 0
	for _, k := range kinds {
		for n := 0; n < k.n; n++ {
			// Ten files a directory, as modules and packages are: a Terraform
			// module or a manifest directory is read as a whole for context.
			name := filepath.Join(*out, k.dir, fmt.Sprintf("m%03d", n/10), fmt.Sprintf("f%04d%s", n, k.ext))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				log.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(k.gen(i, k.size)), 0o644); err != nil {
				log.Fatal(err)
			}
			i++
		}
	}
}
