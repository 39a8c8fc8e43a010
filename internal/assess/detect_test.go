package assess

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/source"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"mlflow.log_*", "mlflow.log_metric", true},
		{"mlflow.log_*", "mlflow.login", false},
		{"mlflow.*.log_model", "mlflow.sklearn.log_model", true},
		{"mlflow.*.log_model", "mlflow.log_model", false},
		{"safetensors.*load*", "safetensors.torch.load_file", true},
		{"*keras*load_model", "tensorflow.keras.models.load_model", true},
		{"*keras*load_model", "torch.load", false},
		{"airflow.DAG", "airflow.DAG", true},
		{"airflow.DAG", "airflow.DAGs", false},
	} {
		if got := match(c.pattern, c.name); got != c.want {
			t.Errorf("match(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}

// Each CI command credits its signal on real run lines, and nothing on
// lines that only look alike.
func TestCICommands(t *testing.T) {
	for _, c := range []struct {
		line string
		want string // signals, sorted, comma-separated
	}{
		{"python -m pytest tests", sigCITests},
		{"pytest --cov=./ tests/", sigCITests},
		{"make test", sigCITests},
		{"poetry run invoke checks", ""},
		{"pip install flake8 pytest", ""},
		{"pip install modelscan", ""},
		{"uv run pytest -q", sigCITests},
		{"mlsec scan -f sarif -o mlsec.sarif .", sigModelScan},
		{"echo mlsec scanned", ""},
		{"modelscan -p models/", sigModelScan},
		{"cosign sign-blob --yes model.safetensors", sigSign},
		{"cosign verify-blob --key cosign.pub model.safetensors", sigVerify},
		{"mlsec data verify data/", sigDataVerify},
		{"dvc status --cloud", sigDataVerify},
		{"kubectl apply -f deploy/", sigCIDeploy},
		{"kubectl get pods", ""},
		{"helm upgrade --install churn chart/", sigCIDeploy},
		{"kfp run submit -e churn", ""},
	} {
		var got []string
		for i, re := range ciCommandRE {
			if re.MatchString(c.line) {
				got = append(got, ciCommands[i].Signal)
			}
		}
		if s := strings.Join(got, ","); s != c.want {
			t.Errorf("%q: signals %q, want %q", c.line, s, c.want)
		}
	}
	for line, want := range map[string]bool{
		"dvc repro":                                 true,
		"python src/train.py --epochs 3":            true,
		"python -m churn.train_job":                 true,
		"kfp run submit --pipeline-file p.yaml":     true,
		"ruff check src":                            false,
		"python -m pip install -r requirements.txt": false,
	} {
		if got := pipelineRunRE.MatchString(line); got != want {
			t.Errorf("pipeline run %q: %v, want %v", line, got, want)
		}
	}
}

// Hostile input: a workflow that is a YAML alias bomb and a manifest with
// a deeply aliased image list are read in bounded time and credit nothing.
func TestAliasBombCreditsNothing(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("on:\n  schedule:\n    - cron: '0 0 * * *'\nx0: &a0 [\"pytest\", \"pytest\"]\n")
	for i := 1; i < 30; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [*a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1)
	}
	b.WriteString("jobs:\n  t:\n    steps:\n      - run: *a29\n")
	wf := filepath.Join(dir, ".github", "workflows")
	if err := os.MkdirAll(wf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wf, "bomb.yml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	man := strings.Replace(b.String(), "jobs:\n  t:\n    steps:\n      - run: *a29\n", "spec:\n  containers: *a29\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte("apiVersion: v1\nkind: Pod\n"+man), 0o644); err != nil {
		t.Fatal(err)
	}
	var entries []source.Entry
	w := &source.Walker{}
	if err := w.Walk(dir, func(e source.Entry) { entries = append(entries, e) }, func(source.Skip) {}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s := collect(context.Background(), index.New(entries, 50<<20, nil))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	for _, sig := range []string{sigCITests, sigSchedule, sigServing} {
		if s.has(sig) {
			t.Errorf("credited %s from an alias bomb: %+v", sig, s[sig])
		}
	}
}
