package k8s

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
)

// TestExampleProject pins the findings on the example project's Kubernetes
// manifests, which carry deliberate flaws next to correct resources.
func TestExampleProject(t *testing.T) {
	dir := "../../../examples/credit-risk/deploy"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("example project not present")
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s:%d %s %s", strings.TrimPrefix(f.Location.Path, dir+"/"), f.Location.Line, f.RuleID, f.Severity))
	}
	sort.Strings(got)
	want := []string{
		"kserve-inferenceservice.yaml:22 workload/cloud-role-token medium",
		"kserve-inferenceservice.yaml:44 supply-chain/model-fetch-unverified high",
		"minio.yaml:13 secret/default-credentials critical",
		"mlflow.yaml:25 supply-chain/image-not-pinned low", // :latest, but a tracking server is neither serving nor training: the rule's low
		"mlflow.yaml:28 exposure/mlflow-no-auth high",
		"mlflow.yaml:38 secret/credential-in-env high",
		"notebook.yaml:20 workload/cloud-role-token medium",
		"notebook.yaml:20 workload/rbac-excessive high", // notebook-rbac.yaml binds its account to a Role reading minio-credentials
		"notebook.yaml:27 supply-chain/image-not-pinned low",
		"notebook.yaml:31 exposure/jupyter-no-auth high", // a Notebook CR is reached through the Kubeflow gateway, not published: high
		"raycluster.yaml:13 exposure/ray-dashboard critical",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Failed) > 0 {
		t.Errorf("failed files: %v", res.Failed)
	}
}
