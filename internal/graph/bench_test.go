package graph

import (
	"fmt"
	"testing"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

// project5k is a generated pipeline of 5,000 assets: 500 teams, each with
// training and model buckets, a training step, a model, an endpoint, a
// workflow, credentials; one in five teams has a public bucket, an exposed
// notebook or a workflow that runs fork code.
func project5k() *result.Result {
	r := &result.Result{}
	for t := 0; t < 500; t++ {
		p := func(f string) string { return fmt.Sprintf(f, t) }
		ids := []string{
			p("data-store:s3://team%d-train"), p("data-store:s3://team%d-models"), p("pipeline-step:code:team%d/train.py"),
			p("model:s3://team%d-models/v1"), p("endpoint:k8s:team%d/InferenceService/m"), p("workflow:gh:team%d/train.yml"),
			p("credential:env:TEAM%d_AWS"), p("credential:k8s-service-account:team%d/nb"), p("endpoint:k8s:team%d/Notebook/nb"),
			p("image:ghcr.io/acme/team%d:1"),
		}
		for _, id := range ids {
			r.Assets = append(r.Assets, mkAsset(id))
		}
		r.Edges = append(r.Edges,
			edge(ids[2], "reads", ids[0]), edge(ids[2], "writes", ids[1]), edge(ids[4], "reads", ids[3]),
			edge(ids[5], "can-use-credential", ids[6]), edge(ids[2], "can-use-credential", ids[6]),
			edge(ids[8], "can-use-credential", ids[7]), edge(ids[7], "can-use-credential", ids[6]), edge(ids[8], "deploys", ids[9]))
		switch t % 5 {
		case 0:
			f := find("cloud/bucket-public", rule.High, "anyone can write", ids[0])
			f.Fingerprint = fmt.Sprintf("%032x", t)
			r.Findings = append(r.Findings, f)
		case 1:
			f := find("exposure/jupyter-no-auth", rule.Critical, "no token", ids[8])
			f.Fingerprint = fmt.Sprintf("%032x", t)
			r.Findings = append(r.Findings, f)
		case 2:
			f := find("ci/untrusted-checkout", rule.Critical, "fork code", ids[5])
			f.Fingerprint = fmt.Sprintf("%032x", t)
			r.Findings = append(r.Findings, f)
		}
	}
	return r
}

// BenchmarkAnalyze5k: the graph and every path of a 5,000-asset project.
func BenchmarkAnalyze5k(b *testing.B) {
	base := project5k()
	b.ReportAllocs()
	for b.Loop() {
		r := *base
		r.Findings = append([]finding.Finding(nil), base.Findings...)
		Analyze(&r)
		if len(r.AttackPaths) == 0 {
			b.Fatal("no paths")
		}
	}
}
