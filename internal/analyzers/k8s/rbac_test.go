package k8s

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/finding"
)

// TestRBACEdges checks the graph of the RBAC findings: each workload can
// use its ServiceAccount's permissions, which reach the Secrets they read
// (the named one, or every Secret of the namespace the manifests declare).
func TestRBACEdges(t *testing.T) {
	res := analysistest.Run(t, "testdata/rbac", Analyzer)
	edges := map[finding.Edge]bool{}
	for _, e := range res.Edges {
		edges[finding.Edge{From: e.From, To: e.To, Kind: e.Kind}] = true
	}
	assets := map[string]finding.Asset{}
	for _, a := range res.Assets {
		assets[a.ID] = a
	}
	for _, want := range []finding.Edge{
		{From: "endpoint:k8s:ml/InferenceService/scorer", To: "credential:k8s-service-account:ml/scorer", Kind: finding.EdgeUsesSecret},
		{From: "credential:k8s-service-account:ml/scorer", To: "credential:k8s:ml/model-key", Kind: finding.EdgeUsesSecret},
		{From: "credential:k8s-service-account:team-a/default-editor", To: "credential:k8s:team-a/s3-creds", Kind: finding.EdgeUsesSecret},
	} {
		if !edges[want] {
			t.Errorf("missing edge %s -%s-> %s", want.From, want.Kind, want.To)
		}
	}
	if a, ok := assets["credential:k8s-service-account:ml/trainer"]; !ok || a.Attrs["permissions"] == "" {
		t.Errorf("trainer permission asset: %+v", a)
	}
	if _, ok := assets["credential:k8s-service-account:ml/web"]; ok {
		t.Errorf("a non-ML workload got a permission asset")
	}
}

// TestRBACCrossFile checks bindings and roles read from sibling manifests:
// the exact findings of every file (annotations), each reported at the
// workload with the sibling's binding (and Role) as Related places, and the
// edges from the workload to the account and on to the Secret it reads.
func TestRBACCrossFile(t *testing.T) {
	for _, c := range []struct {
		dir     string
		related []string // sibling paths' base names Related entries must point into
		edges   []finding.Edge
	}{
		{dir: "notebook-secret", related: []string{"rbac.yaml"}, edges: []finding.Edge{
			{From: "credential:k8s-service-account:ml/eda-notebook", To: "credential:k8s:ml/mlflow-credentials", Kind: finding.EdgeUsesSecret},
		}},
		{dir: "training-clusterrole", related: []string{"bindings.json"}},
		{dir: "role-in-sibling", related: []string{"roles.yaml"}},
		{dir: "default-account", related: []string{"rbac.yaml"}},
		// Negatives: the fixtures' exact findings (none) are the assertion.
		{dir: "other-account"},
		{dir: "no-automount"},
		{dir: "harmless-role"},
		{dir: "web-app"},
		{dir: "default-other-ns"},
	} {
		t.Run(c.dir, func(t *testing.T) {
			res := analysistest.Run(t, filepath.Join("testdata/rbacx", c.dir), Analyzer)
			for _, f := range res.Findings {
				if f.RuleID != "workload/rbac-excessive" {
					continue
				}
				if filepath.Base(f.Location.Path) == "rbac.yaml" || filepath.Base(f.Location.Path) == "bindings.json" || filepath.Base(f.Location.Path) == "roles.yaml" {
					t.Errorf("finding located in a sibling: %+v", f.Location)
				}
				for _, want := range c.related {
					ok := false
					for _, r := range f.Related {
						if filepath.Base(r.Location.Path) == want && r.Location.Line > 0 && strings.Contains(r.Message, " in "+want) {
							ok = true
						}
					}
					if !ok {
						t.Errorf("no related entry in %s: %+v", want, f.Related)
					}
				}
			}
			edges := map[finding.Edge]bool{}
			for _, e := range res.Edges {
				edges[finding.Edge{From: e.From, To: e.To, Kind: e.Kind}] = true
			}
			for _, want := range c.edges {
				if !edges[want] {
					t.Errorf("missing edge %s -%s-> %s", want.From, want.Kind, want.To)
				}
			}
		})
	}
}
