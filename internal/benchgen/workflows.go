package benchgen

import (
	"fmt"
	"strings"
)

// workflowFile is the i-th CI file of the ci benchmark and its path: four
// GitHub workflows in five, rotating through the shapes ML repositories
// have, one GitLab pipeline (with an extends template) in five. One
// repository in five has the flawed version of each; the others the
// hardened one, so the benchmark measures matching on clean files too.
func workflowFile(i int) (string, string) {
	repo := fmt.Sprintf("repos/repo%03d", i/5)
	r := strings.NewReplacer("{N}", fmt.Sprint(i), "{REPO}", fmt.Sprintf("acme/model-%03d", i/5))
	flawed := (i/5)%5 == 0
	pick := func(body string, hardening *strings.Replacer) string {
		if !flawed {
			body = hardening.Replace(body)
		}
		return r.Replace(body)
	}
	switch i % 5 {
	case 0:
		return repo + "/.github/workflows/train-on-pr.yml", pick(ghTrainOnPR, hardenTrainOnPR)
	case 1:
		return repo + "/.github/workflows/nightly-retrain.yml", pick(ghNightly, hardenNightly)
	case 2:
		return repo + "/.github/workflows/publish-on-tag.yml", pick(ghPublish, hardenPublish)
	case 3:
		return repo + "/.github/workflows/eval-gpu.yml", pick(ghEvalGPU, hardenEvalGPU)
	}
	return repo + "/.gitlab-ci.yml", pick(gitlabPipeline, hardenGitLab)
}

const digest = "@sha256:2ec5a4a5c3e919570f57675471f081d6299668d909feabd8d4803c6c61af666c"

// The hardened versions: the same workflows with each flaw fixed.
var (
	hardenTrainOnPR = strings.NewReplacer(
		"pull_request_target:", "pull_request:",
		"  HF_TOKEN: ${{ secrets.HF_TOKEN }}", "  HF_HUB_OFFLINE: \"1\"",
		"WANDB_API_KEY: ${{ secrets.WANDB_API_KEY }}", "WANDB_MODE: offline",
		`echo "training for ${{ github.event.pull_request.title }}"`, `echo "training for $GITHUB_HEAD_REF"`,
		"python scripts/push_to_hub.py --repo {REPO}-lora --folder out/", "python scripts/summarise.py out/",
		"peter-evans/create-or-update-comment@v4", "peter-evans/create-or-update-comment@71345be0265236311c031f5c7866368bd1eff043",
		"    runs-on: ubuntu-22.04\n", "    runs-on: ubuntu-22.04\n    permissions:\n      contents: read\n      pull-requests: write\n",
	)
	hardenNightly = strings.NewReplacer(
		"      AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}\n      AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n", "      AWS_REGION: eu-west-1\n",
		"curl -fsSL https://install.python-poetry.org | python3 -", "pipx install poetry==1.8.3",
		"pip install transformers datasets accelerate evaluate", "pip install --require-hashes -r requirements.lock",
		"run: huggingface-cli login --token ${{ secrets.HF_TOKEN }}", "run: huggingface-cli whoami",
		"pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime", "pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime"+digest,
		"          aws s3 sync models/latest", "          cosign sign-blob --yes models/latest/model.safetensors --output-signature models/latest/model.sig\n          aws s3 sync models/latest",
	)
	hardenPublish = strings.NewReplacer(
		"permissions:\n  contents: read\n  id-token: write\n", "permissions:\n  contents: read\n",
		"    environment: huggingface\n", "    environment: huggingface\n    permissions:\n      contents: read\n      id-token: write\n",
	)
	hardenEvalGPU = strings.NewReplacer("runs-on: [self-hosted, linux, gpu]", "runs-on: ubuntu-latest")
	hardenGitLab  = strings.NewReplacer(
		"  image: python:3.11\n", "  image: python:3.11"+digest+"\n",
		"  image: nvcr.io/nvidia/pytorch:24.05-py3\n", "  image: nvcr.io/nvidia/pytorch:24.05-py3"+digest+"\n",
		`--wandb-key "$WANDB_API_KEY" `, "",
		`    - eval "echo evaluating $CI_MERGE_REQUEST_TITLE"`, `    - echo "evaluating $CI_MERGE_REQUEST_TITLE"`,
		"  tags: [gpu]\n  rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"", "  tags: [gpu]\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH",
		"    - huggingface-cli upload {REPO} ./model", "    - cosign sign-blob --yes model/model.safetensors --output-signature model.sig\n    - huggingface-cli upload {REPO} ./model",
	)
)

const ghTrainOnPR = `name: train-on-pr-{N}
on:
  pull_request_target:
    types: [opened, synchronize]
env:
  HF_TOKEN: ${{ secrets.HF_TOKEN }}
jobs:
  lint:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: |
          pip install ruff==0.6.9
          ruff check src/
  finetune:
    needs: lint
    runs-on: ubuntu-22.04
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
          cache: pip
      - name: Install
        run: |
          python -m pip install --upgrade pip
          pip install -e ".[train]"
      - name: Train
        env:
          WANDB_API_KEY: ${{ secrets.WANDB_API_KEY }}
        run: |
          echo "training for ${{ github.event.pull_request.title }}"
          accelerate launch train.py --config configs/lora.yaml --output_dir out/
          python scripts/push_to_hub.py --repo {REPO}-lora --folder out/
      - uses: peter-evans/create-or-update-comment@v4
        with:
          issue-number: ${{ github.event.pull_request.number }}
          body: Training finished for run ${{ github.run_id }}.
`

const ghNightly = `name: nightly-retrain-{N}
on:
  schedule:
    - cron: "0 3 * * *"
  workflow_dispatch:
permissions:
  contents: read
jobs:
  retrain:
    runs-on: ubuntu-latest
    container:
      image: pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime
    env:
      AWS_ACCESS_KEY_ID: ${{ secrets.AWS_ACCESS_KEY_ID }}
      AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          persist-credentials: false
      - name: Tooling
        run: |
          curl -fsSL https://install.python-poetry.org | python3 -
          pip install transformers datasets accelerate evaluate
          poetry install --no-root
      - name: Log in
        run: huggingface-cli login --token ${{ secrets.HF_TOKEN }}
      - name: Retrain
        run: |
          aws s3 sync s3://acme-training-data/model-{N}/ data/
          python train.py --data data/ --out models/latest --epochs 5
          python evaluate.py --model models/latest --report report.json
          aws s3 sync models/latest s3://acme-model-registry/model-{N}/nightly/
`

const ghPublish = `name: publish-model-{N}
on:
  push:
    tags: ["v*"]
permissions:
  contents: read
  id-token: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          persist-credentials: false
      - uses: actions/cache@v4
        with:
          path: ~/.cache/huggingface
          key: hf-${{ hashFiles('models.lock') }}
      - run: pip install --require-hashes -r requirements.lock
      - run: python train.py --config configs/release.yaml --out model/
      - uses: actions/upload-artifact@v4
        with:
          name: model
          path: model/
  publish:
    needs: build
    runs-on: ubuntu-latest
    environment: huggingface
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: model
          path: model/
      - name: Sign
        if: ${{ startsWith(github.ref, 'refs/tags/v1') }}
        run: model_signing sign sigstore model/ --signature model.sig
      - name: Upload
        env:
          HF_TOKEN: ${{ secrets.HF_TOKEN }}
        run: huggingface-cli upload {REPO} ./model --revision main
`

const ghEvalGPU = `name: eval-gpu-{N}
on:
  pull_request:
    paths: ["src/**", "configs/**"]
permissions:
  contents: read
jobs:
  evaluate:
    runs-on: [self-hosted, linux, gpu]
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          persist-credentials: false
      - name: Setup
        run: |
          nvidia-smi
          pip install -r requirements.txt
      - name: Evaluate
        env:
          BRANCH: ${{ github.head_ref }}
        run: |
          echo "evaluating $BRANCH"
          python evaluate.py --split test --batch-size 64 --report eval.json
          python scripts/compare.py eval.json baselines/main.json
      - uses: actions/upload-artifact@v4
        with:
          name: eval
          path: eval.json
`

const gitlabPipeline = `workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    - if: $CI_COMMIT_TAG

stages: [test, train, evaluate, publish]

default:
  image: python:3.11

.hub-publish:
  stage: publish
  before_script:
    - pip install "huggingface_hub[cli]==0.24.6"
  script:
    - huggingface-cli upload {REPO} ./model

unit-tests:
  stage: test
  script:
    - pip install -r requirements.txt
    - pytest -q tests/

train:
  stage: train
  image: nvcr.io/nvidia/pytorch:24.05-py3
  script:
    - pip install -e .
    - python train.py --wandb-key "$WANDB_API_KEY" --epochs 3
  artifacts:
    paths: [model/]

evaluate-gpu:
  stage: evaluate
  tags: [gpu]
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - python evaluate.py --split holdout
    - eval "echo evaluating $CI_MERGE_REQUEST_TITLE"

publish:
  extends: .hub-publish
  rules:
    - if: $CI_COMMIT_TAG
`
