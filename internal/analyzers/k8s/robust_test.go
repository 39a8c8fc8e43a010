package k8s

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// runOn runs the analyzer on content directly, without the engine.
func runOn(t testing.TB, content string, kind source.Kind) ([]finding.Finding, []finding.Asset, []finding.Edge, error) {
	t.Helper()
	var fs []finding.Finding
	var as []finding.Asset
	var es []finding.Edge
	p := analysis.NewPass(context.Background(), Analyzer, source.Entry{Path: "m.yaml", Size: int64(len(content))}, kind, nil, nil, analysis.Sinks{
		Finding: func(f finding.Finding) { fs = append(fs, f) },
		Asset:   func(a finding.Asset) { as = append(as, a) },
		Edge:    func(e finding.Edge) { es = append(es, e) }})
	p.Content = []byte(content)
	err := Analyzer.Run(p)
	return fs, as, es, err
}

func TestMalformedNamesLine(t *testing.T) {
	_, _, _, err := runOn(t, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: {a: b\n", source.Kubernetes)
	if err == nil || !strings.Contains(err.Error(), "line ") {
		t.Fatalf("want an error naming the line, got %v", err)
	}
}

func TestHelmTemplateError(t *testing.T) {
	_, _, _, err := runOn(t, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n  labels:\n{{ toYaml .Values.labels | indent 4 }}\n", source.Kubernetes)
	if err == nil || !strings.Contains(err.Error(), "helm template") {
		t.Fatalf("want an unrendered-template error, got %v", err)
	}
}

// TestAliasBomb checks that a billion-laughs document whose aliases stand
// where the walker looks (containers, env) costs no more than its text.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\nx:\n")
	b.WriteString("  c0: &c0 {name: c, image: busybox, env: [{name: HF_TOKEN, value: hf_aaaaaaaaaaaaaaaaaaaaaaaa}]}\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  c%d: &c%d [", i, i)
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*c%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("spec:\n  containers: *c9\n  initContainers: [*c0, *c0, *c0, *c0, *c0, *c0, *c0, *c0]\n")
	start := time.Now()
	fs, _, _, err := runOn(t, b.String(), source.Kubernetes)
	// A hang guard, not a speed target: expanded, the bomb is 9^9 containers.
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("alias bomb took %v", d)
	}
	if err != nil {
		t.Fatal(err)
	}
	// The one container node is checked once however many aliases point at it.
	n := 0
	for _, f := range fs {
		if f.RuleID == rules.CredentialInEnv.ID {
			n++
		}
	}
	if n != 1 {
		t.Errorf("got %d plaintext-credential findings for one aliased container, want 1", n)
	}
}

func TestManyDocuments(t *testing.T) {
	doc := "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox\n"
	content := strings.Repeat(doc, 3000)
	start := time.Now()
	fs, _, _, err := runOn(t, content, source.Kubernetes)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("3000 documents took %v", d)
	}
	// Run-as-root per pod, and the one image they share once, with its
	// other places capped.
	if len(fs) != 3000+1 {
		t.Errorf("got %d findings, want %d", len(fs), 3000+1)
	}
	for _, f := range fs {
		if f.RuleID != rules.ImageNotPinned.ID {
			continue
		}
		if len(f.Related) != maxRelated || !strings.Contains(f.Message, "(and 2979 more places)") {
			t.Errorf("image finding has %d related entries, message %q; want %d and the rest counted", len(f.Related), f.Message, maxRelated)
		}
	}
}

// TestOneFindingPerImage checks that an image run by several containers
// of a file is one finding, led by the place where it matters most, with
// every other container as a Related place and every workload among its
// assets.
func TestOneFindingPerImage(t *testing.T) {
	content := `apiVersion: apps/v1
kind: Deployment
metadata: {name: tools}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers: [{name: a, image: "ghcr.io/acme/app:latest"}, {name: b, image: "ghcr.io/acme/app"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers: [{name: vllm, image: "ghcr.io/acme/app:latest", args: [vllm, serve, --api-key, $(VLLM_KEY)]}]
`
	fs, _, _, err := runOn(t, content, source.Kubernetes)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1: %v", len(fs), fs)
	}
	f := fs[0]
	if f.Location.Line != 17 || f.Severity != rule.Medium || !strings.Contains(f.SeverityReason, "serving workload Deployment api") {
		t.Errorf("finding at line %d, %s (%s); want line 17, medium, for the serving Deployment", f.Location.Line, f.Severity, f.SeverityReason)
	}
	if len(f.Related) != 2 || f.Related[0].Location.Line != 8 || f.Related[1].Location.Line != 8 {
		t.Errorf("related %+v, want the two containers of line 8", f.Related)
	}
	for _, id := range []string{"image:ghcr.io/acme/app:latest", "endpoint:k8s:default/Deployment/api", "endpoint:k8s:default/Deployment/tools"} {
		if !slices.Contains(f.Assets, id) {
			t.Errorf("assets %v lack %s", f.Assets, id)
		}
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := analysis.NewPass(ctx, Analyzer, source.Entry{Path: "m.yaml"}, source.Kubernetes, nil, nil, analysis.Sinks{})
	p.Content = []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: busybox}]}\n")
	if err := Analyzer.Run(p); err == nil {
		t.Fatal("want an error from a cancelled pass")
	}
}

// TestSeverities checks the severities raised or lowered from the rule's default.
func TestSeverities(t *testing.T) {
	tests := []struct {
		name, content, rule string
		want                rule.Severity
	}{
		{"minio exposed", `apiVersion: apps/v1
kind: Deployment
metadata: {name: minio}
spec:
  template:
    metadata: {labels: {app: minio}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: minio
          image: minio/minio@sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb
          env: [{name: MINIO_ROOT_PASSWORD, value: minio123}]
---
apiVersion: v1
kind: Service
metadata: {name: minio}
spec: {type: NodePort, selector: {app: minio}, ports: [{port: 9000}]}
`, rules.DefaultCredentials.ID, rule.Critical},
		{"secret default, reader exposed by ingress", `apiVersion: v1
kind: Secret
metadata: {name: mlflow-db}
stringData: {POSTGRES_PASSWORD: password}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: mlflow}
spec:
  template:
    metadata: {labels: {app: mlflow}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: mlflow
          image: ghcr.io/mlflow/mlflow@sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb
          envFrom: [{secretRef: {name: mlflow-db}}]
---
apiVersion: v1
kind: Service
metadata: {name: mlflow}
spec: {selector: {app: mlflow}, ports: [{port: 5000}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: mlflow}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: mlflow, port: {number: 5000}}}}
`, rules.DefaultCredentials.ID, rule.Critical},
		{"ray nodeport", `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: r}
spec:
  headGroupSpec:
    serviceType: NodePort
`, rules.RayDashboard.ID, rule.High},
		{"containerd socket", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  volumes: [{name: s, hostPath: {path: /run/containerd/containerd.sock}}]
`, rules.HostPath.ID, rule.Critical},
		{"missing runAsNonRoot", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: "busybox@sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"}]
`, rules.RunsAsRoot.ID, rule.Low},
		{"latest image, generic pod", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  containers: [{name: c, image: "busybox:latest"}]
`, rules.ImageNotPinned.ID, rule.Low},
		{"latest image, training job", `apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  template:
    spec:
      securityContext: {runAsNonRoot: true}
      containers: [{name: c, image: "ghcr.io/acme/train:latest"}]
`, rules.ImageNotPinned.ID, rule.Medium},
		{"explicit root, serving", `apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm}
spec:
  template:
    spec:
      securityContext: {runAsUser: 0}
      containers: [{name: c, image: "vllm/vllm-openai@sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"}]
`, rules.RunsAsRoot.ID, rule.Low},
		{"severe capability", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true}
  containers: [{name: c, image: "busybox@sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb", securityContext: {capabilities: {add: [NET_RAW, SYS_ADMIN]}}}]
`, rules.AddedCapabilities.ID, rule.High},
	}
	for _, tt := range tests {
		fs, _, _, err := runOn(t, tt.content, source.Kubernetes)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var got []string
		n := 0
		for _, f := range fs {
			got = append(got, f.RuleID+"/"+f.Severity.String())
			if f.RuleID != tt.rule {
				continue
			}
			n++
			if f.Severity != tt.want {
				t.Errorf("%s: %s severity %s, want %s (%s)", tt.name, tt.rule, f.Severity, tt.want, f.Message)
			}
			// A severity other than the rule's says why.
			if (f.Severity != f.Rule.Severity) != (f.SeverityReason != "") {
				t.Errorf("%s: severity %s (rule %s) with reason %q", tt.name, f.Severity, f.Rule.Severity, f.SeverityReason)
			}
		}
		if n != 1 {
			t.Errorf("%s: %d %s findings, want 1; got %v", tt.name, n, tt.rule, got)
		}
	}
}

func TestAssets(t *testing.T) {
	content := `apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, namespace: models, annotations: {iam.gke.io/gcp-service-account: reader@p.iam.gserviceaccount.com}}
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: iris, namespace: models}
spec:
  predictor:
    serviceAccountName: sa
    model:
      modelFormat: {name: sklearn}
      storageUri: gs://acme-models/iris/v3
      env: [{name: X, valueFrom: {secretKeyRef: {name: hf, key: t}}}]
`
	_, as, es, err := runOn(t, content, source.Kubernetes)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, a := range as {
		ids[a.ID] = true
	}
	ep := "endpoint:k8s:models/InferenceService/iris"
	role := "credential:gcp-service-account:reader@p.iam.gserviceaccount.com"
	for _, id := range []string{ep, "model:gs://acme-models/iris/v3", "data-store:gs://acme-models", "credential:k8s:models/hf", role} {
		if !ids[id] {
			t.Errorf("missing asset %s; have %v", id, ids)
		}
	}
	edges := map[finding.Edge]bool{}
	for _, e := range es {
		edges[e] = true
	}
	for _, e := range []finding.Edge{
		{From: ep, To: "data-store:gs://acme-models", Kind: finding.EdgeReads},
		{From: ep, To: "model:gs://acme-models/iris/v3", Kind: finding.EdgeReads},
		{From: ep, To: "credential:k8s:models/hf", Kind: finding.EdgeUsesSecret},
		{From: ep, To: role, Kind: finding.EdgeUsesSecret},
	} {
		if !edges[e] {
			t.Errorf("missing edge %v; have %v", e, es)
		}
	}
}
