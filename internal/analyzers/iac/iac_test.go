package iac

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/tfeval"
)

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

// TestMalformed checks that invalid HCL is reported as not analyzed, with
// the line of the error, and never clean.
func TestMalformed(t *testing.T) {
	res := analysistest.Run(t, "testdata/malformed", Analyzer)
	want := map[string]string{"unclosed.tf": "line 1", "garbage.tf": "line 2"}
	got := map[string]string{}
	for _, f := range res.NotAnalyzed {
		got[filepath.Base(f.Path)] = f.Reason
	}
	for name, line := range want {
		if !strings.Contains(got[name], line) {
			t.Errorf("%s: reason %q does not name %s", name, got[name], line)
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

func scan(t testing.TB, dir string) *result.Result {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// findingsAt indexes findings by "file:line rule".
func findingsAt(res *result.Result) map[string]finding.Finding {
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

// TestAssets checks the asset graph of the pipeline fixture: buckets by
// name (a variable default resolves one), the pipeline by its SageMaker
// name, a role the module does not declare by its address.
func TestAssets(t *testing.T) {
	res := scan(t, "testdata/err/s3_hygiene.tf")
	edges := map[string]bool{}
	for _, e := range res.Edges {
		edges[e.From+" "+string(e.Kind)+" "+e.To] = true
	}
	for _, want := range []string{
		"pipeline-step:sagemaker:pipeline/recsys-retrain reads data-store:s3://acme-recsys-staging",
		"pipeline-step:sagemaker:pipeline/recsys-retrain writes data-store:s3://acme-team-scratch",
		"pipeline-step:sagemaker:pipeline/recsys-retrain can-use-credential credential:unresolved:aws_iam_role.pipeline",
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
	// The Terraform bucket is the asset a DVC remote or a URL in code on
	// the same bucket is, so the analyzers' graphs join.
	for _, uri := range []string{"s3://acme-mlflow-artifacts/dvc", "https://acme-mlflow-artifacts.s3.eu-west-1.amazonaws.com/run/model.pkl"} {
		if other, ok := asset.DataStore(uri); !ok || assets[other.ID].ID == "" {
			t.Errorf("%s is %q, not the Terraform bucket's asset", uri, other.ID)
		}
	}
	for _, f := range res.Findings {
		if len(f.Assets) == 0 && f.RuleID != "mlsec/unresolved" {
			t.Errorf("%s:%d %s carries no asset", f.Location.Path, f.Location.Line, f.RuleID)
		}
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
		"endpoint:sagemaker:endpoint/credit-risk deploys model:sagemaker:model/credit-risk-xgb",
		"model:sagemaker:model/credit-risk-xgb reads data-store:s3://acme-credit-risk-models-prod",
		"pipeline-step:sagemaker:notebook-instance/credit-risk-exploration can-use-credential credential:iam-role:credit-risk-sagemaker-execution",
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

// TestUnresolvedAbsent checks the note's message for a value that is not
// there: a rule without from_port, an allow block without protocol once
// dereferenced the missing attribute and crashed the analysis.
func TestUnresolvedAbsent(t *testing.T) {
	msg := unresolvedMsg(tfeval.Value{}, rules.PortOpenToWorld, "aws_security_group_rule.x")
	if !strings.Contains(msg, "`(unset)`") {
		t.Errorf("message %q", msg)
	}
	// Nor may an absent value's zero position be reported.
	if _, ok := (&checker{m: mustLoad(t, "")}).loc(tfeval.Value{}.Range()); ok {
		t.Error("an absent value has a location")
	}
}

func mustLoad(t *testing.T, src string) *tfeval.Module {
	t.Helper()
	m, err := tfeval.Load(tfeval.File{Path: "main.tf", Content: []byte(src)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSizeBomb scans the review's reproducer, generated here: 9 KB of
// locals, each interpolating the previous one 200 times, five deep, naming
// a bucket. It once asked for 16 GB and killed the process with a fatal
// "out of memory" the engine cannot recover. Now the file is reported as
// not fully analyzed (a bound was hit), quickly, and what could be checked
// is still reported: the bucket's name stays unresolved but its resource
// name says it holds training data.
func TestSizeBomb(t *testing.T) {
	dir := t.TempDir()
	refs := func(name string) string {
		return strings.TrimSuffix(strings.Repeat("${local."+name+"} ", 200), " ")
	}
	src := "locals {\n  a = \"xxxxxxxxxx\"\n" +
		"  b = \"" + refs("a") + "\"\n  c = \"" + refs("b") + "\"\n  d = \"" + refs("c") + "\"\n  e = \"" + refs("d") + "\"\n}\n" +
		"resource \"aws_s3_bucket\" \"training\" {\n  bucket = local.e\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "bomb.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res := scan(t, dir)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("scan took %s", d)
	}
	if len(res.Failed) != 1 || !strings.Contains(res.Failed[0].Reason, "too large to evaluate") {
		t.Errorf("failed: %v, want bomb.tf not fully analyzed for its size bound", res.Failed)
	}
	got := findingsAt(res)
	for _, key := range []string{"bomb.tf:8 cloud/bucket-no-versioning", "bomb.tf:8 cloud/bucket-no-encryption"} {
		if _, ok := got[key]; !ok {
			t.Errorf("no finding %s; have %v", key, got)
		}
	}
	for _, a := range res.Assets {
		if a.ID != "data-store:unresolved:aws_s3_bucket.training" {
			t.Errorf("asset %s, want the bucket by address", a.ID)
		}
	}
}

// TestRelated checks that a finding whose reason lives in another file of
// the module points there: the variable default that decides a value, the
// public access block that fails to block, the bucket a block names, the
// ACL that makes a model's bucket public. Related never repeats the
// analyzed file, whose text the finding already shows.
func TestRelated(t *testing.T) {
	res := scan(t, "testdata/module/err")
	got := map[string][]string{}
	for _, f := range res.Findings {
		key := fmt.Sprintf("%s:%d %s", filepath.Base(f.Location.Path), f.Location.Line, f.RuleID)
		for _, r := range f.Related {
			if r.Location.Path == f.Location.Path {
				t.Errorf("%s: related place in its own file: %+v", key, r)
			}
			got[key] = append(got[key], fmt.Sprintf("%s:%d %s", filepath.Base(r.Location.Path), r.Location.Line, r.Message))
		}
	}
	for key, want := range map[string][]string{
		"main.tf:13 cloud/bucket-public": {
			"storage.tf:27 aws_s3_bucket_public_access_block.datasets does not set ignore_public_acls or block_public_acls to true",
			"variables.tf:15 `var.dataset_acl` is set here: default = \"public-read\"",
		},
		"main.tf:22 cloud/sagemaker-notebook-direct-internet": {
			"variables.tf:10 `var.notebook_internet` is set here: default = \"Enabled\"",
		},
		"storage.tf:29 cloud/bucket-public-access-block-off": {
			"main.tf:7 aws_s3_bucket.datasets is declared here; its name or tags mention \"dataset\"",
		},
		"models.tf:10 cloud/sagemaker-model-public-source": {
			"main.tf:7 aws_s3_bucket.datasets is declared here; its name or tags mention \"dataset\"",
			"main.tf:13 aws_s3_bucket.datasets is made public here: its ACL is public-read",
		},
	} {
		if strings.Join(got[key], "\n") != strings.Join(want, "\n") {
			t.Errorf("%s related:\n%s\nwant:\n%s", key, strings.Join(got[key], "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestRelatedRedacted checks that a variable default quoted in related
// information is redacted like a message: the engine masks messages and
// evidence, and a default may hold a credential.
func TestRelatedRedacted(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"main.tf": "resource \"aws_sagemaker_model\" \"m\" {\n  name = \"m\"\n  enable_network_isolation = true\n" +
			"  primary_container {\n    model_data_url = var.url\n  }\n}\n",
		"variables.tf": "variable \"url\" {\n  default = \"https://deploy:hunter2hunter2@models.example.com/m.tar.gz\"\n}\n",
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := scan(t, dir)
	var related []finding.Related
	for _, f := range res.Findings {
		related = append(related, f.Related...)
	}
	if len(related) != 1 || !strings.Contains(related[0].Message, "var.url") {
		t.Fatalf("related: %+v", related)
	}
	if strings.Contains(related[0].Message, "hunter2") {
		t.Errorf("related message leaks the password: %s", related[0].Message)
	}
}
