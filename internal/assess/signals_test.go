package assess

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/source"
)

// collectFiles writes files into a temporary project and collects its
// signals, rendered as "signal path:line" lines, sorted.
func collectFiles(t *testing.T, files map[string]string) []string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var entries []source.Entry
	w := &source.Walker{}
	if err := w.Walk(dir, func(e source.Entry) { entries = append(entries, e) }, func(source.Skip) {}); err != nil {
		t.Fatal(err)
	}
	s := collect(context.Background(), index.New(entries, 50<<20, nil))
	var out []string
	for sig, evs := range s {
		for _, e := range evs {
			out = append(out, fmt.Sprintf("%s %s:%d", sig, strings.TrimPrefix(e.Location.Path, filepath.ToSlash(dir)+"/"), e.Location.Line))
		}
	}
	sort.Strings(out)
	return out
}

func notebookJSON(cells ...string) string {
	type cell struct {
		CellType string   `json:"cell_type"`
		Metadata struct{} `json:"metadata"`
		Outputs  []any    `json:"outputs"`
		Source   []string `json:"source"`
	}
	nb := struct {
		Cells    []cell   `json:"cells"`
		Metadata struct{} `json:"metadata"`
		NBFormat int      `json:"nbformat"`
		Minor    int      `json:"nbformat_minor"`
	}{NBFormat: 4, Minor: 5}
	for _, c := range cells {
		var src []string
		for _, l := range strings.SplitAfter(c, "\n") {
			if l != "" {
				src = append(src, l)
			}
		}
		nb.Cells = append(nb.Cells, cell{CellType: "code", Outputs: []any{}, Source: src})
	}
	b, _ := json.MarshalIndent(nb, "", " ")
	return string(b)
}

func TestSignalsFromFiles(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "gitlab schedule job that runs the pipeline, and tests",
			files: map[string]string{".gitlab-ci.yml": `stages: [test, retrain]
test:
  stage: test
  script:
    - pip install -r requirements.txt
    - pytest -q
retrain:
  stage: retrain
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
  script:
    - dvc repro
`},
			want: []string{"ci-tests .gitlab-ci.yml:6", "scheduled-run .gitlab-ci.yml:10"},
		},
		{
			name: "workflow on data paths runs the pipeline; a lint-only workflow on data paths does not",
			files: map[string]string{
				".github/workflows/retrain.yml": "on:\n  push:\n    paths:\n      - 'data/**'\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: dvc repro\n",
				".github/workflows/lint.yml":    "on:\n  push:\n    paths:\n      - 'data/**'\njobs:\n  l:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ruff check .\n",
			},
			want: []string{"data-trigger .github/workflows/retrain.yml:4"},
		},
		{
			name: "Argo CronWorkflow, Ingress authentication and rate limit",
			files: map[string]string{
				"argo/retrain.yaml":   "apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata:\n  name: retrain\nspec:\n  schedule: \"0 4 * * *\"\n",
				"deploy/ingress.yaml": "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: model\n  annotations:\n    nginx.ingress.kubernetes.io/auth-url: https://auth.example.com/oauth2/auth\n    nginx.ingress.kubernetes.io/limit-rps: \"10\"\nspec:\n  rules: []\n",
			},
			want: []string{"pipeline-definition argo/retrain.yaml:2", "rate-limit deploy/ingress.yaml:7", "scheduled-run argo/retrain.yaml:2", "serving-auth deploy/ingress.yaml:6"},
		},
		{
			name: "a .dvc file without a hash, a feature_store.yaml without Feast keys, a BOM without a model: nothing",
			files: map[string]string{
				"data/raw.csv.dvc":   "outs:\n- path: raw.csv\n",
				"feature_store.yaml": "name: not-feast\n",
				"bom.json":           `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "numpy"}]}`,
				"README.md":          "We use `wandb.init()` and `feast.FeatureStore`.\n",
				"notes.py":           "# mlflow.register_model(...) once we have a registry\nDOC = 'mlflow.log_metric'\n",
			},
			want: nil,
		},
		{
			name: "notebook calls are located at the notebook's lines; bare decorators count",
			files: map[string]string{
				"nb.ipynb": notebookJSON("import wandb\n", "run = wandb.init(project='churn')\n"),
				"flows.py": "from prefect import flow\n\n\n@flow\ndef retrain():\n    pass\n",
			},
			want: []string{"experiment-tracking nb.ipynb:16", "pipeline-definition flows.py:4"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := collectFiles(t, c.files)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("signals:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// Sigstore bundles written by the reference model_signing tool, from the
// evaluation corpus when it is present (MLSEC_CORPUS, default the corpus
// folder beside the repository): each model directory is credited as
// signed, at its model.sig.
func TestModelSigningCorpus(t *testing.T) {
	root := os.Getenv("MLSEC_CORPUS")
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared", "corpus")
	}
	dir := filepath.Join(root, "model-signing")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	var entries []source.Entry
	w := &source.Walker{}
	if err := w.Walk(dir, func(e source.Entry) { entries = append(entries, e) }, func(source.Skip) {}); err != nil {
		t.Fatal(err)
	}
	s := collect(context.Background(), index.New(entries, 50<<20, nil))
	var got []string
	for _, e := range s[sigSign] {
		got = append(got, strings.TrimPrefix(e.Location.Path, filepath.ToSlash(dir)+"/"))
	}
	sort.Strings(got)
	want := "v1.0.0-certificate/model.sig v1.0.0-elliptic-key/model.sig v1.0.1-certificate/model.sig v1.0.1-elliptic-key/model.sig"
	if strings.Join(got, " ") != want {
		t.Errorf("signed: %v, want %s", got, want)
	}
}
