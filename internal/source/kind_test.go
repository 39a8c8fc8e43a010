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

func TestRefineStructure(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Kind
		head string
		want Kind
	}{
		// The case: JupyterHub values that mention services and image.
		{"jupyterhub values with services and image", YAML, `# zero-to-jupyterhub values
hub:
  services:
    grafana:
      apiToken: x
  image:
    name: jupyterhub/k8s-hub
proxy:
  secretToken: abc
singleuser:
  image:
    name: jupyter/datascience-notebook
`, HelmValues},
		{"jupyterhub hub+proxy", YAML, "hub:\n  config:\n    JupyterHub:\n      authenticator_class: dummy\nproxy:\n  service:\n    type: LoadBalancer\n", HelmValues},
		{"compose with extension and top-level volumes", YAML, "x-common: &c\n  restart: always\nservices:\n  ray:\n    <<: *c\n    image: rayproject/ray\nvolumes:\n  data: {}\n", Compose},
		{"compose quoted keys and comments", YAML, "# c\n\"services\":\n  # svc\n  'web':\n    \"build\": .\n", Compose},
		{"compose with tabs after colon", YAML, "version: '3'\nservices:\n  a:\n    command: [\"mlflow\", \"server\"]\n", Compose},
		{"services map of names only is not compose", YAML, "services:\n  web: enabled\n  api: disabled\nimage: foo\n", YAML},
		{"app config with services and other keys", YAML, "logging:\n  level: info\nservices:\n  db:\n    image: postgres\n", YAML},
		{"image inside block scalar does not count", YAML, "script: |\n  services:\n    a:\n      image: x\n", YAML},
		{"kind inside block scalar does not count", YAML, "notes: >-\n  apiVersion: v1\n  kind: Pod\nepochs: 3\n", YAML},
		{"nested apiVersion and kind are not a manifest", YAML, "template:\n  apiVersion: v1\n  kind: Pod\n", YAML},
		{"k8s after leading comment and marker", YAML, "# Source: chart/templates/svc.yaml\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n", Kubernetes},
		{"k8s in second document", YAML, "epochs: 3\n---\napiVersion: apps/v1\nkind: Deployment\n", Kubernetes},
		{"k8s quoted keys", YAML, "\"apiVersion\": v1\n\"kind\": Pod\n", Kubernetes},
		{"k8s flow style", YAML, "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"x\"}}\n", Kubernetes},
		{"argo workflow", YAML, "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  templates: []\n", Kubernetes},
		{"k8s truncated head", YAML, "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \"unterminated", Kubernetes},
		{"kfp ir", YAML, "components:\n  comp-train: {}\ndeploymentSpec:\n  executors:\n    exec-train: {}\npipelineInfo:\n  name: p\nroot: {}\n", KFPPipeline},
		{"github workflow outside .github", YAML, "name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: []\n", GitHubActions},
		{"gitlab ci include file", YAML, "stages: [train]\ntrain:\n  stage: train\n  image: python:3.12\n  script:\n    - python train.py\n", GitLabCI},
		{"alias bomb is not expanded", YAML, "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n", YAML},
		{"sequence at top", YAML, "- name: a\n  image: x\n- services:\n    a:\n      image: y\n", YAML},
		{"kubernetes json with nested kind only", JSON, `{"spec": {"apiVersion": "v1", "kind": "Pod"}}`, JSON},
		{"kubernetes json truncated", JSON, `{"apiVersion": "v1", "kind": "List", "items": [{"a": `, Kubernetes},
		{"empty", YAML, "", YAML},
		{"k8s flow with plain keys", YAML, "{apiVersion: v1, kind: Pod, metadata: {name: x}}\n", Kubernetes},
		{"k8s with BOM and CRLF", YAML, "\xef\xbb\xbfapiVersion: v1\r\nkind: Service\r\n", Kubernetes},
		{"k8s tab after colon", YAML, "apiVersion:\tv1\nkind:\tPod\n", Kubernetes},
		{"only comments", YAML, "# apiVersion: v1\n# kind: Pod\n", YAML},
	} {
		if got := Refine(tc.in, []byte(tc.head)); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestScanYAMLKeysBounded(t *testing.T) {
	// A head of 8 KiB of deeply nested and very many keys stays bounded.
	var b []byte
	for i := 0; len(b) < 8<<10; i++ {
		b = append(b, []byte("k"+string(rune('a'+i%26))+":\n")...)
		for j := 0; j < 40 && len(b) < 8<<10; j++ {
			b = append(b, ' ')
		}
	}
	if got := Refine(YAML, b); got != YAML {
		t.Errorf("got %q", got)
	}
}

func FuzzRefineYAML(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\n"))
	f.Add([]byte("services:\n  a:\n    image: x\n"))
	f.Add([]byte("\"a\": |\n  x\n- y\n'"))
	f.Fuzz(func(t *testing.T, head []byte) {
		_ = Refine(YAML, head)
		_ = Refine(JSON, head)
	})
}

func BenchmarkRefineYAML(b *testing.B) {
	var head []byte
	for len(head) < 6<<10 {
		head = append(head, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  labels: {app: x}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: ghcr.io/acme/app:1.0\n          command: |\n            python serve.py --port 8080\n---\n"...)
	}
	b.SetBytes(int64(len(head)))
	for b.Loop() {
		Refine(YAML, head)
	}
}
