package k8s

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
)

// TestCrossFile checks exposure through Services and Ingresses declared in
// sibling manifests: the exact findings of every file (so nothing is
// reported in a sibling, nor twice), then each finding's severity and the
// sibling its message or Related entries name.
func TestCrossFile(t *testing.T) {
	cases := []struct {
		dir, rule string
		sev       rule.Severity
		msg       string // in the message or a Related entry
	}{
		{"mlflow-lb", "exposure/mlflow-no-auth", rule.Critical, "Service mlflow (LoadBalancer) in service.yaml"},
		{"jupyter-ingress", "exposure/jupyter-no-auth", rule.Critical, "Ingress lab in ingress.yaml"},
		{"minio-nodeport", "secret/default-credentials", rule.Critical, "Service minio-console (NodePort) in service.yaml"},
		// One container, two reasons: TorchServe's command line disables
		// token auth, and a sibling LoadBalancer publishes its management
		// port. One critical finding, the Service a Related entry.
		{"torchserve-lb", "exposure/model-server-admin", rule.Critical, "Service fraud-scorer (LoadBalancer) in service.json"},
		// A Gateway API HTTPRoute in a sibling publishes vLLM through its ClusterIP Service.
		{"vllm-httproute", "exposure/llm-api-no-auth", rule.Critical, "HTTPRoute chat in route.yaml"},
		// Negatives: a ClusterIP sibling, and public Services that select
		// other labels or another namespace, expose nothing.
		{"clusterip", "exposure/mlflow-no-auth", rule.High, ""},
		{"other-labels", "exposure/jupyter-no-auth", rule.High, "no Service or Ingress in this file or its directory"},
	}
	// A public Service for predictions and a ClusterIP one for management:
	// the fixture's exact findings (none) are the assertion.
	analysistest.Run(t, "testdata/xfile/torchserve-inference-only", Analyzer)
	for _, c := range cases {
		t.Run(c.dir+"/"+c.rule, func(t *testing.T) {
			res := analysistest.Run(t, filepath.Join("testdata/xfile", c.dir), Analyzer)
			f := only(t, res.Findings, c.rule)
			if f == nil {
				return
			}
			if f.Severity != c.sev {
				t.Errorf("%s: severity %s, want %s (%s)", c.rule, f.Severity, c.sev, f.Message)
			}
			if !names(f, c.msg) {
				t.Errorf("%s: neither message %q nor related %v names %q", c.rule, f.Message, f.Related, c.msg)
			}
			if c.sev != rule.Critical && strings.Contains(f.Message, "exposed outside the cluster through") {
				t.Errorf("%s: message claims exposure: %q", c.rule, f.Message)
			}
			for _, r := range f.Related {
				if r.Location.Path == f.Location.Path && r.Location.Line == f.Location.Line && r.Message == f.Message {
					t.Errorf("%s: related entry repeats the finding: %+v", c.rule, r)
				}
			}
		})
	}
}

// TestCrossFileRelated checks where the torchserve-lb finding's Related
// entries point: the container port it reaches in the analyzed file, and
// the port of the Service in service.json, on its own line (the sibling is
// parsed a document at a time, so line numbers must be offset back).
func TestCrossFileRelated(t *testing.T) {
	res := analysistest.Run(t, "testdata/xfile/torchserve-lb", Analyzer)
	f := only(t, res.Findings, "exposure/model-server-admin")
	if f == nil {
		return
	}
	if f.Location.Line != 20 || !strings.HasSuffix(f.Location.Path, "/deployment.yaml") {
		t.Errorf("finding at %s, want the container's args at deployment.yaml:20", f.Location)
	}
	want := map[string]bool{"deployment.yaml:23": false, "service.json:10": false}
	for _, r := range f.Related {
		k := fmt.Sprintf("%s:%d", filepath.Base(r.Location.Path), r.Location.Line)
		if _, ok := want[k]; ok {
			want[k] = true
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("no related entry at %s; have %+v", k, f.Related)
		}
	}
}

// names reports whether s is in the finding's message or a Related message.
func names(f *finding.Finding, s string) bool {
	if strings.Contains(f.Message, s) {
		return true
	}
	for _, r := range f.Related {
		if strings.Contains(r.Message, s) {
			return true
		}
	}
	return false
}

// only returns the one finding of rule id, failing when there is not
// exactly one: one subject, one finding, and none in a sibling.
func only(t *testing.T, fs []finding.Finding, id string) *finding.Finding {
	t.Helper()
	var out *finding.Finding
	for i := range fs {
		if fs[i].RuleID == id {
			if out != nil {
				t.Errorf("%s reported twice: %s and %s", id, out.Location, fs[i].Location)
			}
			out = &fs[i]
		}
	}
	if out == nil {
		t.Errorf("no %s finding", id)
	}
	return out
}

// Manifests for the bound tests: an MLflow server without authentication,
// and a LoadBalancer Service for it in a sibling.
const (
	xfileDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: mlflow
spec:
  selector:
    matchLabels: {app: mlflow}
  template:
    metadata:
      labels: {app: mlflow}
    spec:
      containers:
        - name: mlflow
          image: ghcr.io/mlflow/mlflow:v2.14.1@sha256:3b4f7a8d5c1e2f6a9b0c7d8e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c
          args: ["mlflow", "server", "--host", "0.0.0.0"]
          securityContext: {runAsNonRoot: true}
`
	xfileService = `apiVersion: v1
kind: Service
metadata:
  name: mlflow
spec:
  type: LoadBalancer
  selector: {app: mlflow}
  ports: [{port: 80, targetPort: 5000}]
`
)

// mlflowSeverity scans dir, with the scan options opts, and returns the
// severity of the mlflow-no-auth finding of its deployment.yaml. Siblings
// come from the scan's own index, so the directory is what is scanned.
func mlflowSeverity(t *testing.T, dir string, opts engine.Options) rule.Severity {
	t.Helper()
	opts.Paths, opts.Analyzers = []string{dir}, []*analysis.Analyzer{Analyzer}
	res, err := engine.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if f := only(t, res.Findings, "exposure/mlflow-no-auth"); f != nil {
		if !strings.HasSuffix(f.Location.Path, "/deployment.yaml") {
			t.Errorf("finding in %s, want deployment.yaml", f.Location.Path)
		}
		return f.Severity
	}
	return rule.Info
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCrossFileBounds checks that a sibling is read only within the bounds:
// not through a symbolic link (it may point out of the scan root), not
// when larger than the scan's size limit for text files, not when it is a
// Helm template, and not when it is not a manifest. Each case is paired
// with the plain sibling it stands for, so a negative cannot pass for a
// reason other than the bound.
func TestCrossFileBounds(t *testing.T) {
	plain := t.TempDir()
	write(t, filepath.Join(plain, "deployment.yaml"), xfileDeployment)
	write(t, filepath.Join(plain, "service.yaml"), xfileService)
	if got := mlflowSeverity(t, plain, engine.Options{}); got != rule.Critical {
		t.Fatalf("plain sibling: severity %s, want critical", got)
	}

	t.Run("symlink", func(t *testing.T) {
		dir, outside := t.TempDir(), t.TempDir()
		write(t, filepath.Join(dir, "deployment.yaml"), xfileDeployment)
		write(t, filepath.Join(outside, "service.yaml"), xfileService)
		if err := os.Symlink(filepath.Join(outside, "service.yaml"), filepath.Join(dir, "service.yaml")); err != nil {
			t.Skip("no symlinks:", err)
		}
		if got := mlflowSeverity(t, dir, engine.Options{}); got != rule.High {
			t.Errorf("symlinked sibling was read: severity %s, want high", got)
		}
	})

	t.Run("oversize", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "deployment.yaml"), xfileDeployment)
		pad := strings.Repeat("# generated by the platform team's manifest renderer\n", 100)
		write(t, filepath.Join(dir, "service.yaml"), xfileService+pad)
		limit := engine.Options{MaxTextSize: int64(len(xfileDeployment) + 100)}
		if got := mlflowSeverity(t, dir, limit); got != rule.High {
			t.Errorf("sibling over the text size limit was read: severity %s, want high", got)
		}
		// The same sibling within the limit is read: the bound, not the
		// padding, made the difference.
		if got := mlflowSeverity(t, dir, engine.Options{}); got != rule.Critical {
			t.Errorf("padded sibling within the limit: severity %s, want critical", got)
		}
	})

	t.Run("helm-template", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "deployment.yaml"), xfileDeployment)
		write(t, filepath.Join(dir, "service.yaml"), strings.Replace(xfileService, "LoadBalancer", "{{ .Values.service.type }}", 1))
		if got := mlflowSeverity(t, dir, engine.Options{}); got != rule.High {
			t.Errorf("Helm template sibling was read: severity %s, want high", got)
		}
	})

	t.Run("not-a-manifest", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "deployment.yaml"), xfileDeployment)
		// A values file that merely mentions a Service type.
		write(t, filepath.Join(dir, "values.yaml"), "service:\n  kind: Service\n  type: LoadBalancer\n  selector: {app: mlflow}\n")
		if got := mlflowSeverity(t, dir, engine.Options{}); got != rule.High {
			t.Errorf("non-manifest sibling was read: severity %s, want high", got)
		}
	})

	t.Run("json", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "deployment.yaml"), xfileDeployment)
		write(t, filepath.Join(dir, "service.json"), `{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "mlflow"},
  "spec": {"type": "LoadBalancer", "selector": {"app": "mlflow"}, "ports": [{"port": 80, "targetPort": 5000}]}}`)
		if got := mlflowSeverity(t, dir, engine.Options{}); got != rule.Critical {
			t.Errorf("JSON Service sibling was not read: severity %s, want critical", got)
		}
	})
}

// TestDocuments checks the split of a sibling into YAML documents.
func TestDocuments(t *testing.T) {
	src := "a: 1\n---\nb: |\n  ---not a marker\n--- # c\nc: 3\n---\r\nd: 4"
	got := documents([]byte(src))
	want := []string{"a: 1\n", "---\nb: |\n  ---not a marker\n", "--- # c\nc: 3\n", "---\r\nd: 4"}
	if len(got) != len(want) {
		t.Fatalf("got %d documents %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("document %d: %q, want %q", i, got[i], want[i])
		}
	}
}
