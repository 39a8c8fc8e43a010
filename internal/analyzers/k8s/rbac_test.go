package k8s

import (
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
