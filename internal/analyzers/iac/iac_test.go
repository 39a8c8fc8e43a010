package iac

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

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

// TestMalformed checks that invalid HCL fails the file with the line of the
// error, and is never reported clean.
func TestMalformed(t *testing.T) {
	res := analysistest.Run(t, "testdata/malformed", Analyzer)
	want := map[string]string{"unclosed.tf": "line 1", "garbage.tf": "line 2"}
	for _, f := range res.Failed {
		name := filepath.Base(f.Path)
		if !strings.Contains(f.Reason, want[name]) {
			t.Errorf("%s: reason %q does not name %s", name, f.Reason, want[name])
		}
	}
}

// TestHostileNesting checks that input nested deep enough to overflow the
// HCL parser's stack is refused before parsing.
func TestHostileNesting(t *testing.T) {
	dir := t.TempDir()
	const n = 100000
	files := map[string]string{
		"brackets.tf":    "locals {\n  x = " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n}\n",
		"blocks.tf":      strings.Repeat("a {\n", n) + strings.Repeat("}\n", n),
		"unary.tf":       "locals {\n  x = " + strings.Repeat("!", n) + "true\n}\n",
		"conditional.tf": "locals {\n  x = " + strings.Repeat("a ? b : ", n) + "c\n}\n",
		"interp.tf":      "locals {\n  x = \"" + strings.Repeat("${\"", n) + strings.Repeat("\"}", n) + "\"\n}\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := scan(t, dir)
	if len(res.Failed) != len(files) {
		t.Fatalf("want %d failed files, got %v", len(files), res.Failed)
	}
	for _, f := range res.Failed {
		if !strings.Contains(f.Reason, "levels deep") {
			t.Errorf("%s: %s", f.Path, f.Reason)
		}
	}
}

func scan(t testing.TB, dir string) *engine.Result {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// findingsAt indexes findings by "file:line rule".
func findingsAt(res *engine.Result) map[string]finding.Finding {
	out := map[string]finding.Finding{}
	for _, f := range res.Findings {
		out[fmt.Sprintf("%s:%d %s", filepath.Base(f.Location.Path), f.Location.Line, f.RuleID)] = f
	}
	return out
}

// TestSeverities checks where findings are raised above or lowered below
// their rule's default.
func TestSeverities(t *testing.T) {
	got := findingsAt(scan(t, "testdata/err"))
	for key, want := range map[string]rule.Severity{
		"sagemaker_model.tf:29 cloud/bucket-public":                    rule.Critical, // public-read-write ACL
		"s3_public.tf:25 cloud/bucket-public":                          rule.Critical, // Principal AWS:* PutObject
		"s3_public.tf:62 cloud/bucket-public":                          rule.High,     // read only
		"s3_public.tf:101 cloud/bucket-public":                         rule.High,
		"s3_public.tf:2 cloud/bucket-public-access-block-off":          rule.Low, // absent
		"s3_public.tf:93 cloud/bucket-public-access-block-off":         rule.Medium,
		"gcs.tf:10 cloud/bucket-public":                                rule.High,     // objectViewer
		"gcs.tf:25 cloud/bucket-public":                                rule.Critical, // objectCreator
		"azure.tf:4 cloud/bucket-public":                               rule.High,
		"network.tf:10 exposure/port-open-to-world":                    rule.Critical, // Jupyter
		"network.tf:18 exposure/port-open-to-world":                    rule.High,     // TensorBoard
		"network.tf:43 exposure/port-open-to-world":                    rule.Critical, // Ray dashboard
		"network.tf:52 exposure/port-open-to-world":                    rule.High,     // every port
		"network.tf:123 exposure/port-open-to-world":                   rule.Critical, // Azure, 8888
		"sagemaker_model.tf:18 cloud/sagemaker-model-public-source":    rule.Critical,
		"sagemaker_notebook.tf:2 cloud/sagemaker-notebook-root-access": rule.Medium,
		"unresolved.tf:18 mlsec/unresolved":                            rule.Info,
	} {
		f, ok := got[key]
		if !ok {
			t.Errorf("no finding %s", key)
			continue
		}
		if f.Severity != want {
			t.Errorf("%s: severity %s, want %s (%s)", key, f.Severity, want, f.Message)
		}
	}
	// The signed URL's query string is not repeated in the message.
	if f := got["sagemaker_model.tf:18 cloud/sagemaker-model-public-source"]; strings.Contains(f.Message, "Signature") {
		t.Errorf("message leaks the query string: %s", f.Message)
	}
}

// TestAssets checks the asset graph of the pipeline fixture.
func TestAssets(t *testing.T) {
	res := scan(t, "testdata/err/s3_hygiene.tf")
	edges := map[string]bool{}
	for _, e := range res.Edges {
		edges[e.From+" "+string(e.Kind)+" "+e.To] = true
	}
	for _, want := range []string{
		"pipeline-step:tf:aws_sagemaker_pipeline.retrain reads data-store:s3://acme-recsys-staging",
		"pipeline-step:tf:aws_sagemaker_pipeline.retrain writes data-store:s3://acme-team-scratch",
		"pipeline-step:tf:aws_sagemaker_pipeline.retrain can-use-credential credential:tf:aws_iam_role.pipeline",
	} {
		if !edges[want] {
			t.Errorf("missing edge %s; have %v", want, res.Edges)
		}
	}
	assets := map[string]finding.Asset{}
	for _, a := range res.Assets {
		assets[a.ID] = a
	}
	a, ok := assets["data-store:s3://acme-mlflow-artifacts"]
	if !ok || a.Attrs["versioning"] != "true" || a.Attrs["ml"] != "true" || a.Attrs["public"] != "false" {
		t.Errorf("mlflow bucket asset: %+v", a)
	}
}

// TestExample pins the findings on the example project's infrastructure,
// which the end-to-end test of examples/credit-risk relies on.
func TestExample(t *testing.T) {
	dir := "../../../examples/credit-risk/infra"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("example project not present")
	}
	res := scan(t, dir)
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s:%d %s %s", filepath.Base(f.Location.Path), f.Location.Line, f.RuleID, f.Severity))
	}
	want := []string{
		"network.tf:12 exposure/port-open-to-world high",
		"s3.tf:19 cloud/bucket-public high",
		"s3.tf:6 cloud/bucket-no-versioning medium",
		"s3.tf:6 cloud/bucket-public-access-block-off low",
		"sagemaker.tf:10 cloud/sagemaker-notebook-direct-internet high",
	}
	if strings.Join(sorted(got), "\n") != strings.Join(want, "\n") {
		t.Errorf("example findings:\n%s\nwant:\n%s", strings.Join(sorted(got), "\n"), strings.Join(want, "\n"))
	}
	if len(res.Failed) > 0 {
		t.Errorf("failed: %v", res.Failed)
	}
	edges := map[string]bool{}
	for _, e := range res.Edges {
		edges[e.From+" "+string(e.Kind)+" "+e.To] = true
	}
	for _, want := range []string{
		"endpoint:tf:aws_sagemaker_endpoint.credit_risk deploys model:tf:aws_sagemaker_model.credit_risk",
		"model:tf:aws_sagemaker_model.credit_risk reads data-store:s3://acme-credit-risk-models-prod",
		"pipeline-step:tf:aws_sagemaker_notebook_instance.exploration can-use-credential credential:tf:aws_iam_role.sagemaker_execution",
	} {
		if !edges[want] {
			t.Errorf("missing edge %s", want)
		}
	}
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestModule checks that the .tf files of one directory are read together:
// variables, locals and companion resources from siblings count, and each
// finding is reported once, on the file that declares the resource.
func TestModule(t *testing.T) {
	analysistest.Run(t, "testdata/module/err", Analyzer)
	analysistest.Run(t, "testdata/module/ok", Analyzer)
}

// TestSiblingsBounded checks that sibling .tf files reached through a
// symbolic link (which may point out of the scan root) are not read.
func TestSiblingsBounded(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	main := "resource \"aws_sagemaker_notebook_instance\" \"nb\" {\n" +
		"  name                   = \"research\"\n" +
		"  role_arn               = \"arn:aws:iam::111122223333:role/sm\"\n" +
		"  instance_type          = \"ml.t3.medium\"\n" +
		"  kms_key_id             = \"arn:aws:kms:eu-west-1:111122223333:key/k\"\n" +
		"  root_access            = \"Disabled\"\n" +
		"  direct_internet_access = var.internet\n}\n"
	vars := "variable \"internet\" {\n  default = \"Enabled\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "vars.tf"), []byte(vars), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "vars.tf"), filepath.Join(dir, "vars.tf")); err != nil {
		t.Skip("no symlinks:", err)
	}
	got := findingsAt(scan(t, filepath.Join(dir, "main.tf")))
	if _, ok := got["main.tf:7 mlsec/unresolved"]; !ok || len(got) != 1 {
		t.Errorf("want only the unresolved note, got %v", got)
	}
}
