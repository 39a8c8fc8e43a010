package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/graph"
	"github.com/mlsec/mlsec/internal/report/reporttest"
	"github.com/mlsec/mlsec/internal/result"
)

const fraudExample = "../../examples/fraud-pipeline"

// pathsOf runs `mlsec paths -f json` and returns the result and its paths
// as "entry > impact: asset[foothold] @file:line > …", sorted, with the
// project prefix trimmed.
func pathsOf(t *testing.T, dir string) (*result.Result, []string) {
	t.Helper()
	code, out, stderr := run(t, "paths", "-f", "json", "--no-progress", "--fail-on", "none", dir)
	if code != ExitClean {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	reporttest.JSON(t, []byte(out))
	var r result.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	return &r, chainsOf(r.AttackPaths, dir)
}

func chainsOf(ps []result.AttackPath, dir string) []string {
	var out []string
	for _, p := range ps {
		var hs []string
		for _, h := range p.Hops {
			at := strings.TrimPrefix(h.Location.Path, dir+"/")
			hs = append(hs, strings.ReplaceAll(h.Asset, dir+"/", "")+"["+h.Foothold+"] @"+at+":"+itoa(h.Location.Line))
		}
		out = append(out, p.Entry+" > "+p.Impact+": "+strings.Join(hs, " > "))
	}
	sort.Strings(out)
	return out
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func sameChains(t *testing.T, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paths:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// fraudPaths are the attack paths of the vulnerable-by-design pipeline.
var fraudPaths = []string{
	"fork-pull-request > credentials: pipeline-step:ci:.github/workflows/retrain.yml#train[code-execution] @.github/workflows/retrain.yml:21 > credential:github:TRAINING_AWS_ACCESS_KEY_ID[credential] @.github/workflows/retrain.yml:24",
	"fork-pull-request > credentials: pipeline-step:ci:.github/workflows/retrain.yml#train[code-execution] @.github/workflows/retrain.yml:21 > credential:github:TRAINING_AWS_SECRET_ACCESS_KEY[credential] @.github/workflows/retrain.yml:25",
	"fork-pull-request > data-exposure: pipeline-step:ci:.github/workflows/retrain.yml#train[code-execution] @.github/workflows/retrain.yml:21 > pipeline-step:code:pipeline/train.py[code-execution] @.github/workflows/retrain.yml:26 > data-store:s3://acme-fraud-transactions[read] @pipeline/train.py:10",
	"fork-pull-request > production-model: pipeline-step:ci:.github/workflows/retrain.yml#train[code-execution] @.github/workflows/retrain.yml:21 > pipeline-step:code:pipeline/train.py[code-execution] @.github/workflows/retrain.yml:26 > data-store:s3://acme-fraud-models[write] @pipeline/train.py:15 > endpoint:k8s:payments-ml/InferenceService/fraud-realtime[model-control] @serving/fraud-isvc.yaml:12",
	"fork-pull-request > production-model: pipeline-step:ci:.github/workflows/retrain.yml#train[code-execution] @.github/workflows/retrain.yml:21 > pipeline-step:code:pipeline/train.py[code-execution] @.github/workflows/retrain.yml:26 > data-store:s3://acme-fraud-models[write] @pipeline/train.py:15 > model:sagemaker:model/fraud-gbm[model-control] @infra/serving.tf:14 > endpoint:sagemaker:endpoint/fraud-scoring[model-control] @infra/serving.tf:14",
	"internet > production-model: data-store:s3://acme-fraud-transactions[write] @infra/buckets.tf:29 > data-store:s3://acme-fraud-models[model-control] @pipeline/train.py:15 > endpoint:k8s:payments-ml/InferenceService/fraud-realtime[model-control] @serving/fraud-isvc.yaml:12",
	"internet > production-model: data-store:s3://acme-fraud-transactions[write] @infra/buckets.tf:29 > data-store:s3://acme-fraud-models[model-control] @pipeline/train.py:15 > model:sagemaker:model/fraud-gbm[model-control] @infra/serving.tf:14 > endpoint:sagemaker:endpoint/fraud-scoring[model-control] @infra/serving.tf:14",
	"internet > training-data: data-store:s3://acme-fraud-transactions[write] @infra/buckets.tf:29",
}

func TestFraudPipelinePaths(t *testing.T) {
	_, got := pathsOf(t, fraudExample)
	sameChains(t, got, append([]string(nil), fraudPaths...))
}

// examplePaths are the attack paths of examples/credit-risk.
var examplePaths = []string{
	"dependency > training-data: pipeline-step:dvc:features[code-execution] @dvc.yaml:6 > data-store:http://nas.risk-lab.internal:8080/dvc[write] @dvc.yaml:4",
	"dependency > training-data: pipeline-step:dvc:features[code-execution] @dvc.yaml:6 > data-store:s3://example-bank-credit-archive[write] @dvc.yaml:4",
	"dependency > training-data: pipeline-step:dvc:features[code-execution] @dvc.yaml:6 > data-store:s3://example-bank-credit-training[write] @dvc.yaml:4",
	"dependency > training-data: pipeline-step:dvc:fetch_tools[code-execution] @dvc.yaml:3 > data-store:http://nas.risk-lab.internal:8080/dvc[write] @dvc.yaml:2",
	"dependency > training-data: pipeline-step:dvc:fetch_tools[code-execution] @dvc.yaml:3 > data-store:s3://example-bank-credit-archive[write] @dvc.yaml:2",
	"dependency > training-data: pipeline-step:dvc:fetch_tools[code-execution] @dvc.yaml:3 > data-store:s3://example-bank-credit-training[write] @dvc.yaml:2",
	"fork-pull-request > credentials: pipeline-step:ci:.github/workflows/train-on-pr.yml#retrain[code-execution] @.github/workflows/train-on-pr.yml:31 > credential:github:AWS_ACCESS_KEY_ID[credential] @.github/workflows/train-on-pr.yml:18",
	"fork-pull-request > credentials: pipeline-step:ci:.github/workflows/train-on-pr.yml#retrain[code-execution] @.github/workflows/train-on-pr.yml:31 > credential:github:AWS_SECRET_ACCESS_KEY[credential] @.github/workflows/train-on-pr.yml:19",
	"fork-pull-request > credentials: pipeline-step:ci:.github/workflows/train-on-pr.yml#retrain[code-execution] @.github/workflows/train-on-pr.yml:31 > credential:github:MLFLOW_TRACKING_PASSWORD[credential] @.github/workflows/train-on-pr.yml:20",
	"fork-pull-request > credentials: pipeline-step:ci:.github/workflows/train-on-pr.yml#retrain[code-execution] @.github/workflows/train-on-pr.yml:35 > credential:github:AWS_ACCESS_KEY_ID[credential] @.github/workflows/train-on-pr.yml:18",
	"fork-pull-request > credentials: pipeline-step:ci:.github/workflows/train-on-pr.yml#retrain[code-execution] @.github/workflows/train-on-pr.yml:35 > credential:github:AWS_SECRET_ACCESS_KEY[credential] @.github/workflows/train-on-pr.yml:19",
	"fork-pull-request > credentials: pipeline-step:ci:.github/workflows/train-on-pr.yml#retrain[code-execution] @.github/workflows/train-on-pr.yml:35 > credential:github:MLFLOW_TRACKING_PASSWORD[credential] @.github/workflows/train-on-pr.yml:20",
	"hub-download > production-model: model:http://models.acme-ml.example/credit-risk/v8/model.joblib[model-control] @deploy/kserve-inferenceservice.yaml:44 > endpoint:k8s:credit-risk/InferenceService/credit-risk-canary[model-control] @deploy/kserve-inferenceservice.yaml:44",
	"insider > training-data: credential:leaked:aws-access-token:AKIA****#c5f9f164[credential] @.dvc/config:7 > data-store:s3://example-bank-credit-training[write] @.dvc/config:7",
	"insider > training-data: credential:leaked:aws:Zk3/****#4e33a0df[credential] @.dvc/config:8 > data-store:s3://example-bank-credit-training[write] @.dvc/config:8",
	"internet > cloud-spend: endpoint:k8s:credit-risk/RayCluster/credit-risk-tune[code-execution] @deploy/raycluster.yaml:13",
	"internet > credentials: endpoint:k8s:credit-risk/Notebook/credit-risk-eda[code-execution] @deploy/notebook.yaml:31 > credential:gcp-service-account:credit-risk-nb@acme-ml.iam.gserviceaccount.com[credential] @deploy/notebook.yaml:4",
	"internet > credentials: endpoint:k8s:credit-risk/Notebook/credit-risk-eda[code-execution] @deploy/notebook.yaml:31 > credential:k8s-service-account:credit-risk/credit-risk-notebook[credential] @deploy/notebook.yaml:20",
	"internet > credentials: endpoint:k8s:credit-risk/Notebook/credit-risk-eda[code-execution] @deploy/notebook.yaml:31 > credential:k8s-service-account:credit-risk/credit-risk-notebook[credential] @deploy/notebook.yaml:20 > credential:k8s:credit-risk/minio-credentials[credential] @deploy/notebook.yaml:20",
	"internet > data-exposure: data-store:s3://acme-credit-risk-training-data-prod[read] @infra/s3.tf:19",
}

func TestExamplePaths(t *testing.T) {
	_, got := pathsOf(t, example)
	sameChains(t, got, append([]string(nil), examplePaths...))
}

// TestRemovingAFlawRemovesItsPaths: dropping any one finding that opens or
// carries a path removes exactly the paths that went through it.
func TestRemovingAFlawRemovesItsPaths(t *testing.T) {
	for _, dir := range []string{fraudExample, example} {
		r, all := pathsOf(t, dir)
		through := map[string][]result.AttackPath{}
		for _, p := range r.AttackPaths {
			for _, h := range p.Hops {
				if h.Finding != "" {
					through[h.Finding] = append(through[h.Finding], p)
				}
			}
		}
		if len(through) == 0 {
			t.Fatalf("%s: only %d findings are on paths", dir, len(through))
		}
		for fp, ps := range through {
			var rest []finding.Finding
			for _, f := range r.Findings {
				if f.Fingerprint != fp {
					rest = append(rest, f)
				}
			}
			cut := &result.Result{Assets: r.Assets, Edges: r.Edges, Findings: rest}
			graph.Analyze(cut)
			gone := map[string]bool{}
			for _, p := range ps {
				gone[p.ID] = true
			}
			var want []result.AttackPath
			for _, p := range r.AttackPaths {
				if !gone[p.ID] {
					want = append(want, p)
				}
			}
			if w, g := chainsOf(want, dir), chainsOf(cut.AttackPaths, dir); !reflect.DeepEqual(w, g) {
				t.Errorf("%s: without finding %s:\n  %s\nwant:\n  %s", dir, fp, strings.Join(g, "\n  "), strings.Join(w, "\n  "))
			}
		}
		_ = all
	}
}

// TestFixingTheBucketRemovesItsPaths: the same from the user's side, by
// fixing the file: without the public upload policy, no path starts at the
// transactions bucket and every other path stays.
func TestFixingTheBucketRemovesItsPaths(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fraud-pipeline")
	if err := os.CopyFS(dir, os.DirFS(fraudExample)); err != nil {
		t.Fatal(err)
	}
	tf := filepath.Join(dir, "infra", "buckets.tf")
	b, err := os.ReadFile(tf)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(b), `Principal = "*"`, `Principal = { AWS = "arn:aws:iam::210987654321:role/chargeback-uploader" }`, 1)
	if fixed == string(b) {
		t.Fatal("fixture changed: no public principal to fix")
	}
	if err := os.WriteFile(tf, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	_, got := pathsOf(t, dir)
	var want []string
	for _, p := range fraudPaths {
		if !strings.Contains(p, "acme-fraud-transactions[write] @infra/buckets.tf") {
			want = append(want, p)
		}
	}
	sameChains(t, got, want)
}

// TestPathsFormats: every graph format renders the example's paths.
func TestPathsFormats(t *testing.T) {
	for format, want := range map[string]string{
		"paths":   "internet → production-model",
		"dot":     `-> "endpoint:k8s:payments-ml/InferenceService/fraud-realtime"`,
		"mermaid": "flowchart LR",
		"sarif":   `"codeFlows"`,
	} {
		code, out, stderr := run(t, "paths", "-f", format, "--no-progress", "--fail-on", "none", fraudExample)
		if code != ExitClean || !strings.Contains(out, want) {
			t.Errorf("-f %s: exit %d, output lacks %q\n%s\n%s", format, code, want, out, stderr)
		}
		if format == "sarif" {
			reporttest.SARIF(t, []byte(out))
		}
	}
	// The default text output of paths is the chains, not the findings.
	_, out, _ := run(t, "paths", "--no-progress", "--fail-on", "none", fraudExample)
	if !strings.Contains(out, "1. internet → production-model") || strings.Contains(out, "fix:") {
		t.Errorf("paths text:\n%s", out)
	}
}
