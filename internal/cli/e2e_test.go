package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/report/reporttest"
)

const example = "../../examples/credit-risk"

// exampleFindings are the exact findings on the bundled example project:
// severity, rule and place. Adding a rule or an example file changes this
// list on purpose.
var exampleFindings = []string{
	"critical exposure/jupyter-no-auth docker-compose.yml:44",
	"critical exposure/jupyter-no-auth jupyter_server_config.py:9",
	"critical exposure/ray-dashboard scripts/start_stack.sh:13",
	"critical secret/default-credentials docker-compose.yml:18",
	"critical secret/default-credentials docker-compose.yml:6",
	"critical secret/default-credentials deploy/minio.yaml:13",
	"critical model/pickle-dangerous-call models/reference.npy",
	"critical model/pickle-dangerous-call models/scorer-v2-from-hub.pt!archive/data.pkl",
	"critical exposure/ray-dashboard deploy/raycluster.yaml:13",
	"high code/joblib-load src/credit_risk/train.py:24",
	"high code/numpy-allow-pickle notebooks/explore.ipynb:52",
	"high code/numpy-allow-pickle serve/app.py:13",
	"high code/pandas-read-pickle src/credit_risk/train.py:23",
	"high code/pickle-load notebooks/explore.ipynb:33",
	"high code/pickle-load serve/app.py:11",
	"critical code/pickle-load serve/app.py:21",
	"high code/torch-load-unsafe src/credit_risk/train.py:39",
	"high code/trust-remote-code src/credit_risk/train.py:30",
	"high code/yaml-unsafe-load src/credit_risk/train.py:17",
	"high pipeline/airflow-command-injection dags/retrain_credit_risk.py:20",
	"high pipeline/airflow-command-injection dags/retrain_credit_risk.py:24",
	"high exposure/jupyter-no-auth deploy/notebook.yaml:31", // reached through the Kubeflow gateway, not published
	"high workload/rbac-excessive deploy/notebook.yaml:20",  // a RoleBinding in deploy/notebook-rbac.yaml lets it read the MLflow artifact-store Secret
	"high secret/dvc-remote-credential .dvc/config:7",
	"critical secret/dvc-remote-credential .dvc/config:8",
	"high supply-chain/remote-code-exec dvc.yaml:3",
	"high supply-chain/remote-code-exec dvc.yaml:6",
	"high exposure/mlflow-no-auth Dockerfile:40",
	"high exposure/mlflow-no-auth MLproject:12",
	"high exposure/mlflow-no-auth deploy/mlflow.yaml:28",
	"high exposure/mlflow-no-auth docker-compose.yml:31",
	"high exposure/mlflow-no-auth scripts/start_stack.sh:11",
	"high supply-chain/remote-code-exec MLproject:10",
	"high exposure/model-server-admin serve/torchserve/config.properties:3",
	"high supply-chain/remote-code-exec Dockerfile:15",
	"high secret/default-credentials docker-compose.yml:13",
	"high secret/default-credentials docker-compose.yml:33",
	"high secret/credential-in-env Dockerfile:5",
	"high secret/credential-in-env docker-compose.yml:47",
	"high deps/insecure-index requirements.txt:3",
	"high cloud/bucket-public infra/s3.tf:19",
	"high exposure/port-open-to-world infra/network.tf:12",
	"high cloud/sagemaker-notebook-direct-internet infra/sagemaker.tf:10",
	"high supply-chain/model-fetch-unverified deploy/kserve-inferenceservice.yaml:44",
	"high secret/credential-in-env deploy/mlflow.yaml:38",
	"low workload/runs-as-root Dockerfile:37",
	"low supply-chain/image-not-pinned Dockerfile:3",
	"low supply-chain/image-not-pinned Dockerfile:37",
	"low deps/unpinned-ml-package requirements.txt:5",
	"low deps/unpinned-ml-package requirements.txt:9",
	"low cloud/bucket-public-access-block-off infra/s3.tf:6",
	"low supply-chain/image-not-pinned deploy/notebook.yaml:27",
	"medium secret/credential-in-command dags/retrain_credit_risk.py:28",
	"medium data/insecure-remote .dvc/config:10",
	"high exposure/jupyter-insecure-option docker-compose.yml:44",
	"medium exposure/jupyter-insecure-option jupyter_server_config.py:10",
	"medium supply-chain/model-fetch-unverified Dockerfile:18",
	"medium supply-chain/model-fetch-unverified Dockerfile:19",
	"medium deps/extra-index-url Dockerfile:12",
	"medium deps/extra-index-url requirements.txt:2",
	"medium code/hf-download-unpinned notebooks/explore.ipynb:77",
	"medium deps/insecure-direct-url requirements.txt:15",
	"medium cloud/bucket-no-versioning infra/s3.tf:6",
	"low supply-chain/image-not-pinned deploy/mlflow.yaml:25",
	"medium workload/cloud-role-token deploy/kserve-inferenceservice.yaml:22",
	"medium workload/cloud-role-token deploy/notebook.yaml:20",
	// A pull_request_target workflow that trains on the pull request's code with the cloud and MLflow keys.
	"critical ci/untrusted-checkout .github/workflows/train-on-pr.yml:31",
	"critical ci/secrets-exposed-to-untrusted .github/workflows/train-on-pr.yml:18",
	"critical ci/script-injection .github/workflows/train-on-pr.yml:35",
	"high ci/persist-credentials .github/workflows/train-on-pr.yml:22",
	"medium ci/excessive-permissions .github/workflows/train-on-pr.yml:8",
	"medium ci/long-lived-cloud-key .github/workflows/train-on-pr.yml:18",
	"medium ci/unpinned-action .github/workflows/train-on-pr.yml:40",
}

type jsonDoc struct {
	Schema   string `json:"schema"`
	Findings []struct {
		Rule        string   `json:"rule"`
		Severity    string   `json:"severity"`
		Phase       string   `json:"phase"`
		Title       string   `json:"title"`
		Techniques  []string `json:"techniques"`
		Fingerprint string   `json:"fingerprint"`
		Location    struct {
			Path   string `json:"path"`
			Line   int    `json:"line"`
			Member string `json:"member"`
			Cell   int    `json:"cell"`
		} `json:"location"`
	} `json:"findings"`
	Failed  []struct{ Path, Reason string } `json:"failed"`
	Summary struct {
		Findings      int  `json:"findings"`
		FilesAnalyzed int  `json:"files_analyzed"`
		Incomplete    bool `json:"incomplete"`
	} `json:"summary"`
}

func scanJSON(t *testing.T, args ...string) (int, jsonDoc) {
	t.Helper()
	code, out, stderr := run(t, append([]string{"scan", "-f", "json", "--no-progress"}, args...)...)
	reporttest.JSON(t, []byte(out))
	var doc jsonDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("JSON output: %v\nstderr: %s", err, stderr)
	}
	return code, doc
}

func places(doc jsonDoc) []string {
	var got []string
	for _, f := range doc.Findings {
		p := strings.TrimPrefix(f.Location.Path, example+"/")
		switch {
		case f.Location.Member != "":
			p += "!" + f.Location.Member
		case f.Location.Line > 0:
			p += fmt.Sprintf(":%d", f.Location.Line)
		}
		got = append(got, fmt.Sprintf("%-8s %-40s %s", f.Severity, f.Rule, p))
	}
	sort.Strings(got)
	return got
}

func TestExampleProject(t *testing.T) {
	code, doc := scanJSON(t, example)
	if code != ExitFindings {
		t.Errorf("exit %d, want %d", code, ExitFindings)
	}
	if doc.Schema != "mlsec/v1" || doc.Summary.Incomplete || len(doc.Failed) > 0 {
		t.Errorf("schema %q, incomplete %v, failed %v", doc.Schema, doc.Summary.Incomplete, doc.Failed)
	}
	got := places(doc)
	want := append([]string{}, exampleFindings...)
	for i := range want {
		f := strings.Fields(want[i])
		want[i] = fmt.Sprintf("%-8s %-40s %s", f[0], f[1], f[2])
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings differ.\ngot:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range doc.Findings {
		if len(f.Techniques) == 0 || !strings.HasPrefix(f.Techniques[0], "AML.T") || f.Phase == "" || f.Title == "" {
			t.Errorf("%s at %s: techniques %v phase %q", f.Rule, f.Location.Path, f.Techniques, f.Phase)
		}
		if strings.HasSuffix(f.Location.Path, ".ipynb") && f.Location.Cell == 0 {
			t.Errorf("notebook finding without a cell: %+v", f.Location)
		}
	}
}

func TestExampleTextAndSARIF(t *testing.T) {
	code, out, _ := run(t, "scan", "--no-progress", example)
	if code != ExitFindings || !strings.Contains(out, "ATLAS: AML.T") || !strings.Contains(out, "exit 1: ") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
	sarif := filepath.Join(t.TempDir(), "out.sarif")
	code, _, stderr := run(t, "scan", "--no-progress", "-f", "sarif", "-o", sarif, example)
	if code != ExitFindings || !strings.Contains(stderr, "findings") {
		t.Errorf("sarif: exit %d, stderr %q", code, stderr)
	}
	b, err := os.ReadFile(sarif)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	reporttest.SARIF(t, b)
	if err := json.Unmarshal(b, &log); err != nil || log.Version != "2.1.0" || len(log.Runs[0].Results) != len(exampleFindings) {
		t.Errorf("sarif: %v, version %q", err, log.Version)
	}
}

func TestFailOnAndSelection(t *testing.T) {
	if code, _, _ := run(t, "scan", "--no-progress", "--fail-on", "none", example); code != ExitClean {
		t.Errorf("--fail-on none: exit %d", code)
	}
	code, doc := scanJSON(t, "--enable", "deps", example)
	for _, f := range doc.Findings {
		if !strings.HasPrefix(f.Rule, "deps/") {
			t.Errorf("--enable deps let %s through", f.Rule)
		}
	}
	if code != ExitFindings || len(doc.Findings) == 0 {
		t.Errorf("--enable deps: exit %d, %d findings", code, len(doc.Findings))
	}
	_, doc = scanJSON(t, "--disable", "deps,code", "--min-severity", "critical", example)
	for _, f := range doc.Findings {
		if strings.HasPrefix(f.Rule, "deps/") || strings.HasPrefix(f.Rule, "code/") || f.Severity != "critical" {
			t.Errorf("selection let %s (%s) through", f.Rule, f.Severity)
		}
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	base := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, _ := run(t, "scan", "--no-progress", "-f", "json", "-o", os.DevNull, "--write-baseline", base, example); code != ExitClean {
		t.Fatalf("--write-baseline: exit %d", code)
	}
	code, doc := scanJSON(t, "--baseline", base, example)
	if code != ExitClean || len(doc.Findings) != 0 {
		t.Errorf("with baseline: exit %d, %d findings", code, len(doc.Findings))
	}
}

// A file that should be analyzed but cannot be makes the scan incomplete:
// exit 2 even with --fail-on none, and the file is named.
// A model file that cannot be fully read makes the scan incomplete (exit 2)
// even with --fail-on none; a notebook that does not parse only with --strict.
func TestIncompleteScanExits2(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "truncated.pkl"), []byte("\x80\x02cposix\nsystem\nq\x00X\x02\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.ipynb"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "scan", "--no-progress", "--fail-on", "none", dir)
	if code != ExitError || !strings.Contains(out, "Not fully analyzed (the scan is incomplete):") ||
		!strings.Contains(out, "broken.ipynb: could not be parsed: invalid notebook JSON") {
		t.Errorf("exit %d\n%s", code, out)
	}
	os.Remove(filepath.Join(dir, "truncated.pkl"))
	if code, _, _ := run(t, "scan", "--no-progress", "--fail-on", "none", dir); code != ExitClean {
		t.Errorf("an unparsable notebook alone: exit %d", code)
	}
	if code, _, _ := run(t, "scan", "--no-progress", "--fail-on", "none", "--strict", dir); code != ExitError {
		t.Errorf("--strict: exit %d", code)
	}
}

func TestInlineIgnoreInProject(t *testing.T) {
	dir := t.TempDir()
	src := "import pickle\n\n# mlsec: ignore[code/pickle-load] trusted file written by our own job\nobj = pickle.load(open('cache.pkl', 'rb'))\n"
	if err := os.WriteFile(filepath.Join(dir, "job.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, doc := scanJSON(t, dir)
	if code != ExitClean || len(doc.Findings) != 0 {
		t.Errorf("exit %d, findings %+v", code, doc.Findings)
	}
}

// .mlsec.yaml's model.allow extends the pickle allowlist.
func TestModelAllowFromConfig(t *testing.T) {
	dir := t.TempDir()
	pkl, err := os.ReadFile("../analyzers/model/testdata/err/unknown_class.pkl")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "risk.pkl"), pkl, 0o644); err != nil {
		t.Fatal(err)
	}
	_, doc := scanJSON(t, dir)
	if len(doc.Findings) != 1 || doc.Findings[0].Rule != "model/pickle-unknown-global" {
		t.Fatalf("without config: %+v", doc.Findings)
	}
	if err := os.WriteFile(filepath.Join(dir, ".mlsec.yaml"), []byte("model:\n  allow: [acme_models.scoring.RiskModel]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, doc := scanJSON(t, dir)
	if code != ExitClean || len(doc.Findings) != 0 {
		t.Errorf("with allow: exit %d, %+v", code, doc.Findings)
	}
}

// An oversized manifest is reported as not analyzed, with the limit named,
// and does not stop the rest of the scan.
func TestHugeManifestFails(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "huge.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: embeddings\ndata:\n  vectors: |\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil { // the rest is sparse
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("--extra-index-url https://pypi.example.com/simple\ntorch==2.3.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, doc := scanJSON(t, dir)
	if code != ExitError || len(doc.Failed) != 1 || !strings.Contains(doc.Failed[0].Reason, "100.0 MiB is over the 50.0 MiB size limit") {
		t.Errorf("exit %d, failed %+v", code, doc.Failed)
	}
	if len(doc.Findings) != 1 || doc.Findings[0].Rule != "deps/extra-index-url" {
		t.Errorf("the rest of the scan: %+v", doc.Findings)
	}
}

func TestAtlasDataFlag(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "ATLAS.yaml")
	if err := os.WriteFile(bad, []byte("id: ATLAS\nmatrices: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "--atlas-data", bad, "atlas", "AML.T0010"); code != ExitError || !strings.Contains(stderr, "--atlas-data") {
		t.Errorf("bad data: exit %d, %q", code, stderr)
	}
	real := "../../../shared/atlas/ATLAS.yaml"
	if _, err := os.Stat(real); err != nil {
		t.Skip("shared ATLAS.yaml not present")
	}
	code, out, _ := run(t, "--atlas-data", real, "atlas", "AML.T0011.000")
	if code != ExitClean || !strings.Contains(out, "Unsafe AI Artifacts") || !strings.Contains(out, "model/pickle-dangerous-call") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
