package source

import "testing"

func TestClassifyName(t *testing.T) {
	for _, tc := range []struct {
		path  string
		kind  Kind
		needs bool
	}{
		{"train.py", Python, false},
		{"nb/eda.ipynb", Notebook, false},
		{"requirements.txt", Requirements, false},
		{"requirements-dev.txt", Requirements, false},
		{"requirements/base.in", Requirements, false},
		{"ml-requirements.txt", Requirements, false},
		{"pyproject.toml", Pyproject, false},
		{"setup.cfg", SetupCfg, false},
		{"environment.yml", CondaEnv, false},
		{"conda.yaml", CondaEnv, false},
		{"Dockerfile", Dockerfile, false},
		{"docker/Dockerfile.gpu", Dockerfile, false},
		{"serve.dockerfile", Dockerfile, false},
		{"docker-compose.yml", Compose, false},
		{"compose.prod.yaml", Compose, false},
		{".github/workflows/ci.yml", GitHubActions, false},
		{".gitlab-ci.yml", GitLabCI, false},
		{"infra/main.tf", Terraform, false},
		{".dvc/config", DVCConfig, false},
		{".dvc/config.local", DVCConfig, false},
		{"dvc.yaml", DVCPipeline, false},
		{"MLproject", MLproject, false},
		{"jupyter_server_config.py", JupyterConfig, false},
		{"scripts/serve.sh", Shell, false},
		{"deploy/isvc.yaml", YAML, true},
		{"model.pt", Model, true},
		{"weights.bin", Model, true},
		{"model.safetensors", Model, true},
		{"bundle.zip", Archive, true},
		{"logo.png", Unknown, false},
		{"run", Unknown, true},
		{"config", Unknown, true},
	} {
		k, needs := ClassifyName(tc.path)
		if k != tc.kind || needs != tc.needs {
			t.Errorf("%s: got %q/%v, want %q/%v", tc.path, k, needs, tc.kind, tc.needs)
		}
	}
}

func TestRefine(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Kind
		head string
		want Kind
	}{
		{"k8s", YAML, "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n", Kubernetes},
		{"kfp yaml", YAML, "pipelineInfo:\n  name: x\ndeploymentSpec:\n  executors:\n", KFPPipeline},
		{"compose", YAML, "services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow\n", Compose},
		{"jupyterhub values", YAML, "hub:\n  config: {}\nsingleuser:\n  image: {}\n", HelmValues},
		{"plain yaml", YAML, "epochs: 3\n", YAML},
		{"k8s json", JSON, `{"apiVersion": "v1", "kind": "Pod"}`, Kubernetes},
		{"kfp json", JSON, `{"pipelineSpec": {}, "deploymentSpec": {}}`, KFPPipeline},
		{"pickle p2", Unknown, "\x80\x02cos\nsystem\n", Model},
		{"pickle p4 .bin", Model, "\x80\x04\x95", Model},
		{"zip", Unknown, "PK\x03\x04rest", Model},
		{"npy", Unknown, "\x93NUMPY\x01\x00", Model},
		{"7z", Archive, "7z\xbc\xaf\x27\x1c\x00\x04", Model},
		{"python shebang", Unknown, "#!/usr/bin/env python3\nimport os\n", Python},
		{"shell shebang", Unknown, "#!/bin/bash\nset -e\n", Shell},
		{"protocol 0 pickle named .pkl", Model, "cos\nsystem\n(S'id'\ntR.", Model},
		{"unknown stays unknown", Unknown, "hello", Unknown},
	} {
		if got := Refine(tc.in, []byte(tc.head)); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestTorchServeProperties(t *testing.T) {
	if k, needs := ClassifyName("serve/config.properties"); k != Text || !needs {
		t.Fatalf("name: %q %v", k, needs)
	}
	if got := Refine(Text, []byte("inference_address=http://0.0.0.0:8080\nmanagement_address=http://0.0.0.0:8081\n")); got != TorchServeConfig {
		t.Errorf("got %q", got)
	}
	if got := Refine(Text, []byte("log4j.rootLogger=INFO\n")); got != Text {
		t.Errorf("log4j properties: got %q", got)
	}
}
