package ci

import (
	"slices"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
)

// The graph records who starts each workflow, the jobs, the secrets each
// job can use and what it reads and publishes, with the identities other
// analyzers use (a bucket here is the bucket Terraform declares).
func TestAssetsAndEdges(t *testing.T) {
	res := analysistest.Run(t, "testdata/err", Analyzer)
	edges := map[string]bool{}
	for _, e := range res.Edges {
		edges[e.From+" "+string(e.Kind)+" "+e.To] = true
	}
	const (
		pr      = "workflow:github:.github/workflows/train-on-pr.yml"
		prJob   = "pipeline-step:ci:.github/workflows/train-on-pr.yml#finetune"
		nightly = "pipeline-step:ci:.github/workflows/nightly-retrain.yml#retrain"
		tagJob  = "pipeline-step:ci:.github/workflows/publish-on-tag.yml#publish"
		deploy  = "pipeline-step:ci:.github/workflows/deploy-on-merge.yml#deploy"
		glTrain = "pipeline-step:ci:gitlab/.gitlab-ci.yml#train"
	)
	for _, want := range []string{
		pr + " triggers " + prJob,
		prJob + " can-use-credential credential:github:HF_TOKEN",
		prJob + " can-use-credential credential:github:WANDB_API_KEY",
		nightly + " reads data-store:s3://acme-training-data",
		nightly + " writes data-store:s3://acme-model-registry",
		nightly + " can-use-credential credential:github:AWS_SECRET_ACCESS_KEY",
		nightly + " reads image:docker.io/pytorch/pytorch:latest",
		tagJob + " writes external:hf://acme/credit-risk",
		deploy + " deploys endpoint:ml-endpoint:credit-risk-prod",
		glTrain + " can-use-credential credential:gitlab:HF_TOKEN",
		glTrain + " reads external:hf://acme/credit-base",
		// The scripts a job runs, under the repository root (testdata/err),
		// named as the code analyzer names their steps.
		prJob + " triggers pipeline-step:code:testdata/err/train.py",
		prJob + " triggers pipeline-step:code:testdata/err/scripts/push_to_hub.py",
		nightly + " triggers pipeline-step:code:testdata/err/train.py",
	} {
		if !edges[want] {
			t.Errorf("missing edge %s", want)
		}
	}
	var wf *finding.Asset
	for i := range res.Assets {
		if res.Assets[i].ID == pr {
			wf = &res.Assets[i]
		}
	}
	if wf == nil {
		t.Fatalf("no asset %s", pr)
	}
	if wf.Attrs["triggers"] != "pull_request_target" || !slices.Contains([]string{wf.Attrs["started-by"]}, "anyone (pull requests, comments or issues from outside the project, privileged context)") {
		t.Errorf("workflow attrs = %v", wf.Attrs)
	}
	if t.Failed() {
		for e := range edges {
			t.Log(e)
		}
	}
}

// A step that comes from an included template (through extends and a
// !reference tag) is reported at the job that uses it, with the template's
// own place related.
func TestGitLabIncludedTemplate(t *testing.T) {
	res := analysistest.Run(t, "testdata/err", Analyzer)
	for _, f := range res.Findings {
		if f.RuleID != "ci/runtime-install-unpinned" || !strings.HasSuffix(f.Location.Path, "gitlab/.gitlab-ci.yml") {
			continue
		}
		if len(f.Related) != 1 || !strings.HasSuffix(f.Related[0].Location.Path, "gitlab/ci/templates.yml") || f.Related[0].Location.Line != 4 {
			t.Errorf("related = %+v, want gitlab/ci/templates.yml:4", f.Related)
		}
		return
	}
	t.Error("no ci/runtime-install-unpinned finding from the included template")
}

func TestScriptsRun(t *testing.T) {
	for cmd, want := range map[string]string{
		"python pipeline/train.py --epochs 3":      "repo/pipeline/train.py",
		"python3 -u ./src/ft.py a.py":              "repo/src/ft.py",
		"accelerate launch --num_processes 8 x.py": "repo/x.py",
		"torchrun --nproc_per_node=4 train.py":     "repo/train.py",
		"python -m pytest tests/":                  "",
		"python /opt/tools/run.py":                 "",
		"python $SCRIPT":                           "",
		"python ../outside.py":                     "",
		"bash run.py":                              "",
	} {
		f := mustParseShell(t, cmd)
		var got []string
		for _, c := range f {
			got = append(got, scriptsRun(c, "repo")...)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%q: scripts %v, want %q", cmd, got, want)
		}
	}
}

func mustParseShell(t *testing.T, src string) []shellrisk.Call {
	t.Helper()
	f, err := mlcmd.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return shellrisk.Calls(f)
}
