package graph

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

func mkAsset(id string, attrs ...string) finding.Asset {
	kind, name, _ := strings.Cut(id, ":")
	a := finding.Asset{ID: id, Kind: finding.AssetKind(kind), Name: name, Locations: []finding.Location{{Path: "f/" + kind + ".yaml", Line: 1}}}
	for i := 0; i+1 < len(attrs); i += 2 {
		if a.Attrs == nil {
			a.Attrs = map[string]string{}
		}
		a.Attrs[attrs[i]] = attrs[i+1]
	}
	return a
}

func edge(from, kind, to string) finding.Edge {
	return finding.Edge{From: from, To: to, Kind: finding.EdgeKind(kind)}
}

func find(ruleID string, sev rule.Severity, msg string, assets ...string) finding.Finding {
	return finding.Finding{RuleID: ruleID, Severity: sev, Message: msg, Assets: assets, Techniques: []string{"AML.T0049"},
		Phase: rule.Operations, Fingerprint: fmt.Sprintf("%032x", len(ruleID)*7919+len(msg)+len(assets)), Location: finding.Location{Path: "f/" + ruleID, Line: 3}}
}

// chains renders paths as "entry > impact: asset[foothold] > …", sorted.
func chains(ps []result.AttackPath) []string {
	var out []string
	for _, p := range ps {
		var hs []string
		for _, h := range p.Hops {
			hs = append(hs, h.Asset+"["+h.Foothold+"]")
		}
		out = append(out, p.Entry+" > "+p.Impact+": "+strings.Join(hs, " > "))
	}
	sort.Strings(out)
	return out
}

func analyze(assets []finding.Asset, edges []finding.Edge, fs ...finding.Finding) []string {
	r := &result.Result{Assets: assets, Edges: edges, Findings: fs}
	Analyze(r)
	return chains(r.AttackPaths)
}

func same(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paths:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// The research's example: anyone can write the training bucket, the
// nightly job reads it and writes the model bucket, the endpoint serves
// from it.
func pipeline() ([]finding.Asset, []finding.Edge) {
	return []finding.Asset{
			mkAsset("data-store:s3://train", "ml", "true"),
			mkAsset("data-store:s3://models", "ml", "true"),
			mkAsset("pipeline-step:code:train.py"),
			mkAsset("model:s3://models/churn/v3"),
			mkAsset("endpoint:k8s:prod/InferenceService/churn"),
		}, []finding.Edge{
			edge("pipeline-step:code:train.py", "reads", "data-store:s3://train"),
			edge("pipeline-step:code:train.py", "writes", "data-store:s3://models"),
			edge("endpoint:k8s:prod/InferenceService/churn", "reads", "model:s3://models/churn/v3"),
		}
}

func TestPoisonedTrainingReachesProduction(t *testing.T) {
	a, e := pipeline()
	a[0].Attrs["public_write"] = "true"
	got := analyze(a, e, find("cloud/bucket-public", rule.High, "anyone can write objects", "data-store:s3://train"))
	same(t, got, []string{
		"internet > production-model: data-store:s3://train[write] > data-store:s3://models[model-control] > model:s3://models/churn/v3[model-control] > endpoint:k8s:prod/InferenceService/churn[model-control]",
		"internet > training-data: data-store:s3://train[write]",
	})
}

func TestPrivateBucketIsNoPath(t *testing.T) {
	a, e := pipeline()
	// Versioning off is a finding, but it gives nobody a foothold.
	same(t, analyze(a, e, find("cloud/bucket-no-versioning", rule.Medium, "no versioning", "data-store:s3://train")), nil)
}

func TestPublicReadLeaksButDoesNotPoison(t *testing.T) {
	a, e := pipeline()
	got := analyze(a, e, find("cloud/bucket-public", rule.High, "readable by anyone", "data-store:s3://train"))
	same(t, got, []string{"internet > data-exposure: data-store:s3://train[read]"})
}

func TestCodeExecutionUsesCredentials(t *testing.T) {
	assets := []finding.Asset{
		mkAsset("endpoint:k8s:ml/Deployment/airflow"), mkAsset("credential:env:AWS_SECRET_ACCESS_KEY"),
		mkAsset("pipeline-step:sagemaker:job"), mkAsset("data-store:s3://train"),
	}
	edges := []finding.Edge{
		edge("endpoint:k8s:ml/Deployment/airflow", "can-use-credential", "credential:env:AWS_SECRET_ACCESS_KEY"),
		edge("pipeline-step:sagemaker:job", "can-use-credential", "credential:env:AWS_SECRET_ACCESS_KEY"),
		edge("pipeline-step:sagemaker:job", "writes", "data-store:s3://train"),
	}
	got := analyze(assets, edges, find("exposure/orchestrator-no-auth", rule.High, "API without auth", "endpoint:k8s:ml/Deployment/airflow"))
	same(t, got, []string{
		"internet > credentials: endpoint:k8s:ml/Deployment/airflow[code-execution] > credential:env:AWS_SECRET_ACCESS_KEY[credential]",
		"internet > training-data: endpoint:k8s:ml/Deployment/airflow[code-execution] > credential:env:AWS_SECRET_ACCESS_KEY[credential] > data-store:s3://train[write]",
	})
}

func TestLeakedStoreKeyOpensTheStore(t *testing.T) {
	assets := []finding.Asset{mkAsset("data-store:s3://train", "dvc-remote", "origin"), mkAsset("credential:leaked:aws:AKIA****#1")}
	f := find("secret/dvc-remote-credential", rule.Critical, "key in .dvc/config", "data-store:s3://train", "credential:leaked:aws:AKIA****#1")
	same(t, analyze(assets, nil, f), []string{
		"insider > training-data: credential:leaked:aws:AKIA****#1[credential] > data-store:s3://train[write]",
	})
}

func TestModelControlRunsCodeWhereLoaded(t *testing.T) {
	assets := []finding.Asset{mkAsset("external:hf://acme/bert"), mkAsset("credential:env:HF_TOKEN")}
	load := find("code/trust-remote-code", rule.High, "runs the repo's code", "external:hf://acme/bert")
	load.Location = finding.Location{Path: "src/train.py", Line: 9}
	hub := find("code/hf-download-unpinned", rule.Medium, "no revision", "external:hf://acme/bert")
	r := &result.Result{Assets: assets, Findings: []finding.Finding{load, hub},
		Edges: []finding.Edge{edge("pipeline-step:code:src/train.py", "can-use-credential", "credential:env:HF_TOKEN")}}
	Analyze(r)
	same(t, chains(r.AttackPaths), []string{
		"hub-download > credentials: external:hf://acme/bert[model-control] > pipeline-step:code:src/train.py[code-execution] > credential:env:HF_TOKEN[credential]",
	})
	// The loader finding carries the path: it gains the impact as reach.
	for _, f := range r.Findings {
		if len(f.Reach) != 1 || f.Reach[0] != result.ImpactCredentials {
			t.Errorf("%s reach = %v", f.RuleID, f.Reach)
		}
	}
}

func TestEndpointServingFromWrittenStore(t *testing.T) {
	assets := []finding.Asset{mkAsset("registry:k8s:ml/Deployment/mlflow"), mkAsset("data-store:s3://artifacts"),
		mkAsset("endpoint:k8s:ml/InferenceService/fraud")}
	edges := []finding.Edge{
		edge("registry:k8s:ml/Deployment/mlflow", "writes", "data-store:s3://artifacts"),
		edge("endpoint:k8s:ml/InferenceService/fraud", "reads", "data-store:s3://artifacts"),
	}
	// Write access to the registry alone reaches nothing by itself here;
	// code execution in it writes the artifact store the endpoint serves.
	same(t, analyze(assets, edges, find("exposure/mlflow-no-auth", rule.High, "no auth", "registry:k8s:ml/Deployment/mlflow")), nil)
	got := analyze(assets, edges, find("exposure/orchestrator-no-auth", rule.High, "no auth", "registry:k8s:ml/Deployment/mlflow"))
	same(t, got, []string{
		"internet > production-model: registry:k8s:ml/Deployment/mlflow[code-execution] > data-store:s3://artifacts[write] > endpoint:k8s:ml/InferenceService/fraud[model-control]",
	})
}

// TestOpeningsAreRules: every rule the table names exists.
func TestOpeningsAreRules(t *testing.T) {
	for id := range openings {
		if rules.Lookup(id) == nil {
			t.Errorf("openings names %s, which is not a rule", id)
		}
	}
}

func TestPathIDsStable(t *testing.T) {
	a, e := pipeline()
	a[0].Attrs["public_write"] = "true"
	f := find("cloud/bucket-public", rule.High, "anyone can write objects", "data-store:s3://train")
	r1 := &result.Result{Assets: a, Edges: e, Findings: []finding.Finding{f}}
	r2 := &result.Result{Assets: a, Edges: e, Findings: []finding.Finding{f}}
	Analyze(r1)
	Analyze(r2)
	if len(r1.AttackPaths) == 0 || !reflect.DeepEqual(r1.AttackPaths, r2.AttackPaths) {
		t.Fatalf("paths differ between runs or are empty")
	}
	if r1.AttackPaths[0].Impact != result.ImpactProductionModel {
		t.Errorf("the production path should rank first: %+v", r1.AttackPaths[0])
	}
}

// TestForkPullRequestReachesProduction: code execution in a CI job that a
// fork's pull request starts uses the job's secrets and runs the training
// script, whose output the endpoint serves.
func TestForkPullRequestReachesProduction(t *testing.T) {
	job := "pipeline-step:ci:.github/workflows/retrain.yml#train"
	assets := []finding.Asset{mkAsset(job), mkAsset("credential:github:AWS_SECRET_ACCESS_KEY"),
		mkAsset("pipeline-step:code:pipeline/train.py"), mkAsset("data-store:s3://models"), mkAsset("endpoint:k8s:prod/InferenceService/m")}
	edges := []finding.Edge{
		edge(job, "can-use-credential", "credential:github:AWS_SECRET_ACCESS_KEY"),
		edge(job, "triggers", "pipeline-step:code:pipeline/train.py"),
		edge("pipeline-step:code:pipeline/train.py", "writes", "data-store:s3://models"),
		edge("endpoint:k8s:prod/InferenceService/m", "reads", "data-store:s3://models"),
	}
	got := analyze(assets, edges, find("ci/untrusted-checkout", rule.Critical, "runs fork code", job))
	same(t, got, []string{
		"fork-pull-request > credentials: " + job + "[code-execution] > credential:github:AWS_SECRET_ACCESS_KEY[credential]",
		"fork-pull-request > production-model: " + job + "[code-execution] > pipeline-step:code:pipeline/train.py[code-execution] > data-store:s3://models[write] > endpoint:k8s:prod/InferenceService/m[model-control]",
	})
}
