package k8s

import (
	"context"
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
// sibling its message names.
func TestCrossFile(t *testing.T) {
	cases := []struct {
		dir, rule string
		sev       rule.Severity
		msg       string // in the message
	}{
		{"mlflow-lb", "exposure/mlflow-no-auth", rule.Critical, "Service mlflow (LoadBalancer) in service.yaml"},
		{"jupyter-ingress", "exposure/jupyter-no-auth", rule.Critical, "Ingress lab in ingress.yaml"},
		{"minio-nodeport", "secret/default-credentials", rule.Critical, "Service minio-console (NodePort) in service.yaml"},
		{"torchserve-lb", "exposure/model-server-admin", rule.Critical, "token authorization disabled"},
		// Negatives: a ClusterIP sibling, and public Services that select
		// other labels or another namespace, expose nothing.
		{"clusterip", "exposure/mlflow-no-auth", rule.High, ""},
		{"other-labels", "exposure/jupyter-no-auth", rule.High, "no Service or Ingress in this file or its directory"},
		// The management port itself, reached only through a sibling Service.
		{"torchserve-lb", "exposure/model-server-admin", rule.High, "TorchServe management API (port 8081) is reachable from outside the cluster through Service fraud-scorer (LoadBalancer) in service.json"},
	}
	// A public Service for predictions and a ClusterIP one for management:
	// the fixture's exact findings (none) are the assertion.
	analysistest.Run(t, "testdata/xfile/torchserve-inference-only", Analyzer)
	for _, c := range cases {
		t.Run(c.dir+"/"+c.rule, func(t *testing.T) {
			res := analysistest.Run(t, filepath.Join("testdata/xfile", c.dir), Analyzer)
			f := only(t, res.Findings, c.rule, c.msg)
			if f == nil {
				return
			}
			if f.Severity != c.sev {
				t.Errorf("%s: severity %s, want %s (%s)", c.rule, f.Severity, c.sev, f.Message)
			}
			if !strings.Contains(f.Message, c.msg) {
				t.Errorf("%s: message %q does not name %q", c.rule, f.Message, c.msg)
			}
			if c.sev != rule.Critical && strings.Contains(f.Message, "exposed outside the cluster through") {
				t.Errorf("%s: message claims exposure: %q", c.rule, f.Message)
			}
		})
	}
}

// only returns the one finding of rule id, failing when there is not one.
// only returns the one finding of rule id whose message contains msg.
func only(t *testing.T, fs []finding.Finding, id, msg string) *finding.Finding {
	t.Helper()
	var out *finding.Finding
	for i := range fs {
		if fs[i].RuleID == id && strings.Contains(fs[i].Message, msg) {
			if out != nil {
				t.Errorf("%s reported twice: %s and %s", id, out.Location.Path, fs[i].Location.Path)
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

// mlflowSeverity scans deployment.yaml of dir alone and returns the
// severity of its mlflow-no-auth finding.
func mlflowSeverity(t *testing.T, dir string) rule.Severity {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{filepath.Join(dir, "deployment.yaml")}, Analyzers: []*analysis.Analyzer{Analyzer}})
	if err != nil {
		t.Fatal(err)
	}
	if f := only(t, res.Findings, "exposure/mlflow-no-auth", ""); f != nil {
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
// when larger than the per-file bound, and not when it is a Helm template.
// Each case is paired with the plain sibling it stands for, so a negative
// cannot pass for a reason other than the bound.
func TestCrossFileBounds(t *testing.T) {
	plain := t.TempDir()
	write(t, filepath.Join(plain, "deployment.yaml"), xfileDeployment)
	write(t, filepath.Join(plain, "service.yaml"), xfileService)
	if got := mlflowSeverity(t, plain); got != rule.Critical {
		t.Fatalf("plain sibling: severity %s, want critical", got)
	}

	t.Run("symlink", func(t *testing.T) {
		dir, outside := t.TempDir(), t.TempDir()
		write(t, filepath.Join(dir, "deployment.yaml"), xfileDeployment)
		write(t, filepath.Join(outside, "service.yaml"), xfileService)
		if err := os.Symlink(filepath.Join(outside, "service.yaml"), filepath.Join(dir, "service.yaml")); err != nil {
			t.Skip("no symlinks:", err)
		}
		if got := mlflowSeverity(t, dir); got != rule.High {
			t.Errorf("symlinked sibling was read: severity %s, want high", got)
		}
	})

	t.Run("oversize", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "deployment.yaml"), xfileDeployment)
		pad := strings.Repeat("# generated by the platform team's manifest renderer\n", (4<<20)/52+1)
		write(t, filepath.Join(dir, "service.yaml"), xfileService+pad)
		if got := mlflowSeverity(t, dir); got != rule.High {
			t.Errorf("sibling over 4 MiB was read: severity %s, want high", got)
		}
	})

	t.Run("helm-template", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "deployment.yaml"), xfileDeployment)
		write(t, filepath.Join(dir, "service.yaml"), strings.Replace(xfileService, "LoadBalancer", "{{ .Values.service.type }}", 1))
		if got := mlflowSeverity(t, dir); got != rule.High {
			t.Errorf("Helm template sibling was read: severity %s, want high", got)
		}
	})

	t.Run("not-a-manifest", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "deployment.yaml"), xfileDeployment)
		// A values file that merely mentions a Service type.
		write(t, filepath.Join(dir, "values.yaml"), "service:\n  kind: Service\n  type: LoadBalancer\n  selector: {app: mlflow}\n")
		if got := mlflowSeverity(t, dir); got != rule.High {
			t.Errorf("non-manifest sibling was read: severity %s, want high", got)
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
