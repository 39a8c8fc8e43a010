package ci

import (
	"testing"
)

func calls(t *testing.T, line string) *script {
	t.Helper()
	sc := parseScript(value{s: line, line: 1, col: 1})
	if sc == nil || sc.file == nil || len(sc.calls) == 0 {
		t.Fatalf("%q does not parse as a command", line)
	}
	return sc
}

// Every way the issue lists for repository code to run, and look-alikes
// that do not run it.
func TestRunsRepoCode(t *testing.T) {
	runs := []string{
		"pip install .", "pip install -e .[train]", "python -m pip install -r requirements.txt", "uv pip install -e .",
		"python train.py", "python3 -m pytest -q", "pytest tests/", "tox -e py311", "nox -s tests", "make train",
		"dvc repro", "dvc pull data/raw", "dvc exp run", "mlflow run . -e train", "papermill nb.ipynb out.ipynb",
		"jupyter nbconvert --to html --execute report.ipynb", "jupyter execute nb.ipynb", "accelerate launch train.py",
		"torchrun --nproc_per_node 8 train.py", "deepspeed train.py", "pre-commit run --all-files", "uv run train.py",
		"uv sync", "poetry install", "bash scripts/train.sh", "./scripts/eval.sh", "sudo -E python setup.py install",
	}
	for _, l := range runs {
		if w := runsRepoCode(calls(t, l).calls[0]); w == "" {
			t.Errorf("%q: not recognised as running repository code", l)
		}
	}
	for _, l := range []string{"pip install torch==2.4.1", "python -c 'print(1)'", "echo pytest", "dvc push", "mlflow ui", "jupyter nbconvert --to html r.ipynb", "git status"} {
		if w := runsRepoCode(calls(t, l).calls[0]); w != "" {
			t.Errorf("%q: recognised as running repository code (%s)", l, w)
		}
	}
}

func TestPublishes(t *testing.T) {
	for l, want := range map[string]string{
		"huggingface-cli upload acme/credit ./model":                                  "hub acme/credit model",
		"hf upload acme/data ./d --repo-type dataset":                                 "hub acme/data data",
		`python -c "from transformers import X; m.push_to_hub('acme/m')"`:             "hub acme/m model",
		"python train.py --push_to_hub --hub_model_id acme/lora":                      "hub acme/lora model",
		"aws s3 sync models/credit s3://acme-models/credit/":                          "store s3://acme-models/credit/ model",
		"gsutil cp -r data/features gs://acme-features/v2/":                           "store gs://acme-features/v2/ data",
		"aws sagemaker create-endpoint --endpoint-name prod --endpoint-config-name c": "endpoint prod model",
		"gcloud ai models upload --region=eu --display-name=credit":                   "endpoint credit model",
		"docker push ghcr.io/acme/serve:1.2":                                          "image ghcr.io/acme/serve:1.2 data",
	} {
		p, ok := publishes(calls(t, l).calls[0])
		kind := "data"
		if p.model {
			kind = "model"
		}
		if got := p.kind + " " + p.target + " " + kind; !ok || got != want {
			t.Errorf("%q: got %q (%v), want %q", l, got, ok, want)
		}
	}
	for _, l := range []string{"aws s3 sync s3://acme-data/ data/", "huggingface-cli download acme/base", "aws s3 cp notes.txt s3://acme-logs/", "python evaluate.py"} {
		if p, ok := publishes(calls(t, l).calls[0]); ok {
			t.Errorf("%q: recognised as publishing %+v", l, p)
		}
	}
}

// Placeholders are blanked to the same length, so a command after one is
// still found at its column in the file.
func TestScriptPositions(t *testing.T) {
	v := value{s: "echo ${{ github.sha }} && pytest", line: 10, col: 14}
	sc := parseScript(v)
	if len(sc.calls) != 2 {
		t.Fatalf("calls = %d", len(sc.calls))
	}
	if l, c := sc.callAt(sc.calls[1]); l != 10 || c != 14+26 {
		t.Errorf("pytest at %d:%d, want 10:40", l, c)
	}
	b := value{s: "pip install .\npytest\n", line: 5, col: 12, block: true, indent: 10}
	sc = parseScript(b)
	if l, c := sc.callAt(sc.calls[1]); l != 7 || c != 11 {
		t.Errorf("block: pytest at %d:%d, want 7:11", l, c)
	}
}

func TestFetchesPR(t *testing.T) {
	for raw, want := range map[string]bool{
		"gh pr checkout 42": true,
		"git checkout ${{ github.event.pull_request.head.sha }}":                      true,
		"git fetch origin pull/${{ github.event.number }}/head:pr && git checkout pr": true,
		"git fetch origin ${{ github.event.pull_request.head.sha }}":                  false, // objects only
		"git diff ${{ github.event.pull_request.base.sha }}":                          false,
		"git checkout main": false,
	} {
		sc := parseScript(value{s: raw, line: 1, col: 1})
		got := false
		for _, c := range sc.calls {
			if fetchesPR(c, raw) != "" {
				got = true
			}
		}
		if got != want {
			t.Errorf("%q: fetches PR = %v, want %v", raw, got, want)
		}
	}
}
