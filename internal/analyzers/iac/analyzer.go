// Package iac checks Terraform for the infrastructure ML pipelines run on:
// SageMaker notebooks and models, Vertex AI and Azure ML workspaces, the
// buckets that hold training data and models, IAM policies on them, and
// firewall rules that open ML service ports to the internet.
//
// Files are never planned or applied. Package tfeval loads and evaluates
// them; this package holds only the security checks. Each file is reported
// on its own, but read with the other .tf files of its directory (its
// module, see siblings.go): `var.*` resolves to the defaults of the
// module's `variable` blocks and `local.*` to its `locals`; everything else
// is a placeholder (see package tfeval). A rule whose deciding value stays
// unresolved reports nothing and records an mlsec/unresolved note instead of
// guessing. Resources of the module are linked by reference (`bucket =
// aws_s3_bucket.training.id`) or by literal bucket name, so a bucket's
// versioning or public access block may live in another file; only what the
// analyzed file declares is reported (see checker.reportSev).
package iac

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// Analyzer is the iac analyzer.
var Analyzer = &analysis.Analyzer{
	Name: "iac",
	Doc: "Checks Terraform (.tf) for ML infrastructure risks: SageMaker notebooks with internet or root access, " +
		"models without network isolation or loaded from public places, public or unversioned buckets holding " +
		"training data or models, IAM wildcards on them, Vertex AI / Azure ML workspaces on public networks, and " +
		"ML service ports (MLflow, Jupyter, Ray, TensorBoard, model servers, MinIO) open to the internet. " +
		"It also records buckets, SageMaker models, endpoints, notebooks and IAM roles as assets with their edges.",
	Kinds: []source.Kind{source.Terraform},
	Rules: Rules,
	Run:   run,
}

// checker carries one file's analysis.
type checker struct {
	pass *analysis.Pass
	m    *tfeval.Module // the analyzed file is its primary file
	bk   *bucketIndex
	uses []use
	// linked caches which bucket a companion's attribute names.
	linked map[*hclsyntax.Attribute]*bucket
	seen   map[string]bool // rule|line|message already reported
}

func run(pass *analysis.Pass) error {
	m, err := tfeval.Load(tfeval.File{Path: pass.File.Path, Content: pass.Content}, siblingFiles(pass))
	if err != nil {
		return err
	}
	c := &checker{pass: pass, m: m, seen: map[string]bool{}, linked: map[*hclsyntax.Attribute]*bucket{}}
	c.bk = c.indexBuckets()
	steps := []func(){
		c.markMLUse,
		c.checkBucketGrants,
		c.checkSageMaker,
		c.checkBuckets,
		c.checkIAM,
		c.checkNetwork,
		c.checkWorkspaces,
		c.recordAssets,
	}
	for _, step := range steps {
		if pass.Canceled() {
			return fmt.Errorf("analysis stopped: %w", pass.Context.Err())
		}
		step()
	}
	return nil
}

// Reporting. Every finding of the analyzer goes through report, reportSev
// or unresolved, which take the position of what they report on (a file and
// a line in it, see tfeval) and drop what is not in the analyzed file.

// report records a finding at a position with the rule's default severity.
func (c *checker) report(r *rule.Rule, at hcl.Range, evidence, format string, args ...any) {
	c.reportSev(r, r.Severity, at, evidence, fmt.Sprintf(format, args...), nil)
}

// reportSev records a finding with an explicit severity and the assets it
// touches. Only positions in the analyzed file are reported: a sibling's
// resource is reported when that file is analyzed itself, so nothing is
// reported twice or on a file that was not asked about. Identical findings
// (same rule, line and message) are reported once, since one policy
// document may be used by several resources.
func (c *checker) reportSev(r *rule.Rule, sev rule.Severity, at hcl.Range, evidence, msg string, assets []string) {
	if !c.m.InPrimary(at) {
		return // declared in a sibling file: reported when that file is analyzed
	}
	line := at.Start.Line
	key := fmt.Sprintf("%s|%d|%s", r.ID, line, msg)
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	sort.Strings(assets)
	c.pass.ReportFinding(finding.Finding{
		Rule:       r,
		Severity:   sev,
		Confidence: r.Confidence,
		Location:   c.pass.Line(line, 0),
		Message:    msg,
		Evidence:   evidence,
		Assets:     assets,
	})
}

// unresolved notes that v decides rule r for what (a resource address) and
// could not be resolved.
func (c *checker) unresolved(v tfeval.Value, r *rule.Rule, what string) {
	c.report(rules.Unresolved, v.Range(), v.Source(),
		"%s: `%s` could not be resolved from this file or its directory (it depends on a variable without a default, a module, "+
			"a data source or another resource); %s was not checked", what, v.Attr.Name, r.ID)
}
