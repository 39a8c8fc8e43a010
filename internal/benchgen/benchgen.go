// Package benchgen writes synthetic but realistic ML project trees for the
// scan benchmarks: training scripts, notebooks, Kubernetes and KServe
// manifests, Terraform and Dockerfiles, a few of each with the mistakes the
// analyzers look for, so the benchmark measures real matching work.
package benchgen

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Tree says how many files of each kind to write.
type Tree struct {
	Python, Notebooks, Manifests, Terraform, Dockerfiles int
	// Pipelines are Argo workflows of several steps, each step running a
	// container image by tag, as real ML repositories have by the hundred.
	Pipelines int
	// Docs are Markdown and CSV files no analyzer reads.
	Docs int
	// RBAC are files of a ServiceAccount, a Role and a RoleBinding, written
	// beside the manifests (deploy/envN/access_NNNN.yaml, which sort before
	// them, so a workload's sibling manifests include them): the accounts
	// the workloads run as, a third of them allowed to read a Secret.
	RBAC int
	// Workflows are CI files: four in five GitHub Actions workflows (train
	// on pull request, nightly retraining, publish on tag, GPU evaluation),
	// one in five a GitLab CI file with an extends template; one repository
	// in five has the flawed versions, the others hardened ones.
	Workflows int
}

// Repo is the shape of a real 4,400-file ML repository: mostly Python and
// pipeline definitions, with manifests, images, infrastructure and docs.
var Repo = Tree{Python: 1500, Notebooks: 100, Manifests: 700, Pipelines: 1200, Terraform: 300, Dockerfiles: 200, Docs: 400}

// Write creates the tree under dir.
func Write(dir string, t Tree) error {
	for i := range t.Python {
		if err := put(dir, fmt.Sprintf("src/pkg%02d/module_%04d.py", i%40, i), pythonFile(i)); err != nil {
			return err
		}
	}
	for i := range t.Notebooks {
		nb, err := notebook(i)
		if err != nil {
			return err
		}
		if err := put(dir, fmt.Sprintf("notebooks/team%d/analysis_%03d.ipynb", i%5, i), nb); err != nil {
			return err
		}
	}
	for i := range t.Manifests {
		if err := put(dir, fmt.Sprintf("deploy/env%d/manifest_%04d.yaml", i%6, i), manifest(i)); err != nil {
			return err
		}
	}
	for i := range t.RBAC {
		if err := put(dir, fmt.Sprintf("deploy/env%d/access_%04d.yaml", i%6, i), rbac(i)); err != nil {
			return err
		}
	}
	for i := range t.Terraform {
		if err := put(dir, fmt.Sprintf("infra/stack%02d/resources_%03d.tf", i%10, i), terraform(i)); err != nil {
			return err
		}
	}
	for i := range t.Pipelines {
		if err := put(dir, fmt.Sprintf("pipelines/team%d/workflow_%04d.yaml", i%8, i), pipeline(i)); err != nil {
			return err
		}
	}
	for i := range t.Docs {
		name, body := fmt.Sprintf("docs/page_%03d.md", i), "# Notes\n\nSee the training guide.\n"
		if i%2 == 1 {
			name, body = fmt.Sprintf("data/sample_%03d.csv", i), "id,label\n1,0\n2,1\n"
		}
		if err := put(dir, name, body); err != nil {
			return err
		}
	}
	for i := range t.Workflows {
		name, body := workflowFile(i)
		if err := put(dir, name, body); err != nil {
			return err
		}
	}
	for i := range t.Dockerfiles {
		if err := put(dir, fmt.Sprintf("images/svc%03d/Dockerfile", i), dockerfile(i)); err != nil {
			return err
		}
	}
	return nil
}

func put(dir, rel, content string) error {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(content), 0o644)
}

// pythonFile is a ~150-line training module; one in ten has an unsafe load.
func pythonFile(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `"""Feature engineering and training utilities, module %d."""
import json
import logging
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

log = logging.getLogger(__name__)


@dataclass
class Config:
    data_dir: str = "data/"
    batch_size: int = 64
    lr: float = 3e-4
    epochs: int = 10
    columns: List[str] = field(default_factory=lambda: ["age", "income", "tenure"])


class TabularDataset(Dataset):
    def __init__(self, frame: pd.DataFrame, target: str = "label"):
        self.x = torch.tensor(frame.drop(columns=[target]).values, dtype=torch.float32)
        self.y = torch.tensor(frame[target].values, dtype=torch.long)

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]

`, i)
	for j := range 8 {
		fmt.Fprintf(&b, `
def transform_%d(frame: pd.DataFrame, scale: float = %d.0) -> pd.DataFrame:
    """Normalise and clip the numeric columns (step %d)."""
    out = frame.copy()
    for col in out.select_dtypes(include=[np.number]).columns:
        mean, std = out[col].mean(), out[col].std() or 1.0
        out[col] = ((out[col] - mean) / std).clip(-scale, scale)
    log.debug("transform_%d done: %%s rows", len(out))
    return out

`, j, j+1, j, j)
	}
	b.WriteString(`
class Net(nn.Module):
    def __init__(self, n_in: int, hidden: int = 128):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, 2))

    def forward(self, x):
        return self.body(x)


def train(cfg: Config, frame: pd.DataFrame) -> Net:
    loader = DataLoader(TabularDataset(frame), batch_size=cfg.batch_size, shuffle=True)
    model = Net(frame.shape[1] - 1)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    for epoch in range(cfg.epochs):
        for x, y in loader:
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
        log.info("epoch %d loss %.4f", epoch, loss.item())
    return model


def save(model: Net, path: str) -> None:
    torch.save(model.state_dict(), path)
    with open(path + ".json", "w") as f:
        json.dump({"params": sum(p.numel() for p in model.parameters())}, f)

`)
	if i%10 == 0 {
		b.WriteString(`
def warm_start(path: str) -> Dict:
    return torch.load(path, map_location="cpu")
`)
	} else {
		b.WriteString(`
def warm_start(path: str) -> Dict:
    return torch.load(path, map_location="cpu", weights_only=True)
`)
	}
	return b.String()
}

// notebook is an nbformat 4 notebook with a dozen cells.
func notebook(i int) (string, error) {
	cell := func(kind string, lines ...string) map[string]any {
		src := make([]string, len(lines))
		for k, l := range lines {
			src[k] = l
			if k < len(lines)-1 {
				src[k] += "\n"
			}
		}
		c := map[string]any{"cell_type": kind, "metadata": map[string]any{}, "source": src}
		if kind == "code" {
			c["execution_count"] = nil
			c["outputs"] = []any{}
		}
		return c
	}
	cells := []any{
		cell("markdown", fmt.Sprintf("# Analysis %d", i), "", "Exploring the latest feature snapshot."),
		cell("code", "import numpy as np", "import pandas as pd", "import matplotlib.pyplot as plt", "%matplotlib inline"),
		cell("code", "df = pd.read_parquet('../data/features.parquet')", "df.describe()"),
	}
	for j := range 8 {
		cells = append(cells, cell("code",
			fmt.Sprintf("col = df.columns[%d]", j),
			"fig, ax = plt.subplots(figsize=(8, 4))",
			"df[col].hist(ax=ax, bins=50)",
			"ax.set_title(f'{col} distribution')",
			"plt.show()"))
	}
	if i%10 == 0 {
		cells = append(cells, cell("code", "emb = np.load('../data/emb.npy', allow_pickle=True)", "emb.shape"))
	}
	nb := map[string]any{"cells": cells, "metadata": map[string]any{"kernelspec": map[string]any{"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
	out, err := json.MarshalIndent(nb, "", " ")
	return string(out) + "\n", err
}

func manifest(i int) string {
	switch i % 4 {
	case 0:
		return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: feature-service-%d
  namespace: ml-serving
  labels: {app: feature-service-%d}
spec:
  replicas: 2
  selector:
    matchLabels: {app: feature-service-%d}
  template:
    metadata:
      labels: {app: feature-service-%d}
    spec:
      serviceAccountName: feature-service
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
      containers:
        - name: app
          image: registry.example.com/ml/feature-service@sha256:%064d
          ports: [{containerPort: 8080}]
          env:
            - name: FEATURE_STORE_URL
              value: http://feast.ml-serving.svc:6566
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: feature-db, key: password}}
          resources:
            limits: {cpu: "1", memory: 2Gi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
---
apiVersion: v1
kind: Service
metadata:
  name: feature-service-%d
  namespace: ml-serving
spec:
  type: ClusterIP
  selector: {app: feature-service-%d}
  ports: [{port: 80, targetPort: 8080}]
`, i, i, i, i, i, i, i)
	case 1:
		return fmt.Sprintf(`apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: scorer-%d
  namespace: ml-serving
spec:
  predictor:
    serviceAccountName: kserve-reader
    model:
      modelFormat: {name: sklearn}
      storageUri: s3://models-prod/scorer/v%d
      resources:
        limits: {cpu: "1", memory: 2Gi}
`, i, i)
	case 2:
		return fmt.Sprintf(`apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: batch-%d
spec:
  rayVersion: "2.9.0"
  headGroupSpec:
    serviceType: ClusterIP
    rayStartParams:
      dashboard-host: "127.0.0.1"
    template:
      spec:
        containers:
          - name: ray-head
            image: rayproject/ray:2.9.0
            ports:
              - {containerPort: 6379, name: gcs}
              - {containerPort: 8265, name: dashboard}
  workerGroupSpecs:
    - groupName: cpu
      replicas: 4
      rayStartParams: {}
      template:
        spec:
          containers:
            - name: ray-worker
              image: rayproject/ray:2.9.0
`, i)
	default:
		return fmt.Sprintf(`apiVersion: batch/v1
kind: CronJob
metadata:
  name: retrain-%d
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: train
              image: registry.example.com/ml/trainer:1.4.%d
              command: ["python", "-m", "trainer.main"]
              args: ["--data", "s3://training-data/daily", "--epochs", "5"]
              env:
                - name: MLFLOW_TRACKING_URI
                  value: https://mlflow.internal.example.com
`, i, i)
	}
}

// rbac is a ServiceAccount, a Role and a RoleBinding. The first files of
// each directory are for the accounts manifest's workloads run as
// (kserve-reader, whose Role reads a model-registry Secret, and
// feature-service); the others are for accounts of applications the tree
// does not hold, as a namespace's RBAC is. Every third Role reads a named
// Secret; the others read ConfigMaps and list pods.
func rbac(i int) string {
	sa, ns := fmt.Sprintf("app-%d", i), "ml-serving"
	switch i / 6 { // one file per directory (i%6) for each workload account
	case 0:
		sa = "kserve-reader"
	case 1:
		sa = "feature-service"
	}
	rules := `  - apiGroups: [""]
    resources: [configmaps, pods]
    verbs: [get, list, watch]`
	if i%3 == 0 {
		rules = fmt.Sprintf(`  - apiGroups: [""]
    resources: [secrets]
    resourceNames: [model-registry-%d]
    verbs: [get]`, i)
	}
	return fmt.Sprintf(`apiVersion: v1
kind: ServiceAccount
metadata:
  name: %[1]s
  namespace: %[2]s
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: %[1]s-access-%[3]d
  namespace: %[2]s
rules:
%[4]s
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: %[1]s-access-%[3]d
  namespace: %[2]s
subjects:
  - kind: ServiceAccount
    name: %[1]s
    namespace: %[2]s
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: %[1]s-access-%[3]d
`, sa, ns, i, rules)
}

func terraform(i int) string {
	return fmt.Sprintf(`variable "env_%d" {
  type    = string
  default = "prod"
}

locals {
  prefix_%d = "ml-${var.env_%d}"
}

resource "aws_s3_bucket" "artifacts_%d" {
  bucket = "${local.prefix_%d}-artifacts-%d"
  tags = {
    team  = "ml-platform"
    usage = "model-artifacts"
  }
}

resource "aws_s3_bucket_versioning" "artifacts_%d" {
  bucket = aws_s3_bucket.artifacts_%d.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts_%d" {
  bucket                  = aws_s3_bucket.artifacts_%d.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_security_group" "svc_%d" {
  name   = "ml-svc-%d"
  vpc_id = "vpc-0123456789abcdef0"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
`, i, i, i, i, i, i, i, i, i, i, i, i)
}

func dockerfile(i int) string {
	return fmt.Sprintf(`# syntax=docker/dockerfile:1
FROM python:3.11-slim@sha256:%064d AS build
WORKDIR /src
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .

FROM python:3.11-slim@sha256:%064d
RUN useradd --create-home app
WORKDIR /app
COPY --from=build /usr/local/lib/python3.11 /usr/local/lib/python3.11
COPY --from=build /src /app
USER app
EXPOSE 8080
CMD ["uvicorn", "service_%d.main:app", "--host", "0.0.0.0", "--port", "8080"]
`, i, i, i)
}

// stepImages are the images pipeline steps run: pinned, tagged and latest,
// as found in real repositories.
var stepImages = []string{
	"python:3.10-slim",
	"ghcr.io/acme/ml/train:latest",
	"pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime",
	"ghcr.io/acme/ml/features:1.8.2",
	"ghcr.io/acme/ml/evaluate@sha256:" + strings.Repeat("ab", 32),
	"ghcr.io/acme/ml/serve",
}

func pipeline(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: retrain-%d-
  namespace: ml-pipelines
spec:
  entrypoint: main
  serviceAccountName: pipeline-runner
  templates:
    - name: main
      steps:
`, i)
	steps := []string{"ingest", "validate", "features", "train", "evaluate", "register"}
	for _, s := range steps {
		fmt.Fprintf(&b, "        - - name: %s\n            template: %s\n", s, s)
	}
	for j, s := range steps {
		img := stepImages[(i+j)%len(stepImages)]
		fmt.Fprintf(&b, `    - name: %s
      container:
        image: %s
        command: [python, -m, pipelines.%s]
        args: ["--run-id", "{{workflow.uid}}", "--data", "s3://acme-ml-data/team%d/"]
        resources:
          limits: {cpu: "2", memory: 4Gi}
`, s, img, s, i%8)
	}
	return b.String()
}
