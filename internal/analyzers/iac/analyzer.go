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
// versioning or public access block may live in another file. Only what the
// analyzed file declares is reported (see checker.loc); the places in other
// files a finding rests on (the bucket a policy names, the variable default
// that decides a value) are its Related information.
package iac

import (
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/bounds"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/redact"
	"github.com/mlsec/mlsec/internal/rule"
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
}

func run(pass *analysis.Pass) error {
	m, err := tfeval.Load(tfeval.File{Path: pass.File.Path, Content: pass.Content}, siblingFiles(pass))
	if err != nil {
		return err
	}
	c := &checker{pass: pass, m: m, linked: map[*hclsyntax.Attribute]*bucket{}}
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
	if n := m.Refused(); n > 0 {
		// Values that large are built, not written: what they decide was
		// noted as unresolved or not checked, and the file may hide
		// something behind them. The findings so far are kept.
		return bounds.Exceeded("%d expressions were too large to evaluate and were left unresolved", n)
	}
	return nil
}

// Positions. Every finding is located at what it reports on, a position
// tfeval hands out (a file and a line in it). Only positions in the
// analyzed file are reported: a sibling's resource is reported when that
// file is analyzed itself, so nothing is reported twice or on a file that
// was not asked about. The engine folds findings of one rule at one place
// into one, so a policy document used by several resources is one finding.

// loc is the location of a position in the analyzed file; ok is false for
// a position in a sibling file or in none.
func (c *checker) loc(r hcl.Range) (finding.Location, bool) {
	if !c.m.InPrimary(r) {
		return finding.Location{}, false
	}
	return place(r), true
}

// place is the location of a position in any file of the module.
func place(r hcl.Range) finding.Location {
	l := finding.Location{Path: r.Filename, Line: r.Start.Line, Column: r.Start.Column}
	if r.End.Line > r.Start.Line {
		l.EndLine = r.End.Line
	}
	return l
}

// elsewhere is r as related information when it lies in a sibling file:
// part of a finding's reason that the analyzed file does not show.
func (c *checker) elsewhere(r hcl.Range, msg string) []finding.Related {
	if r.Filename == "" || c.m.InPrimary(r) {
		return nil
	}
	return []finding.Related{{Location: place(r), Message: msg}}
}

// definedElsewhere returns, for the variables and locals an expression
// refers to (and those their locals refer to, a few levels deep), the
// definitions that live in a sibling file: the default in variables.tf
// that makes `direct_internet_access = var.internet` "Enabled".
func (c *checker) definedElsewhere(expr hclsyntax.Expression) []finding.Related {
	var out []finding.Related
	seen := map[string]bool{}
	var walk func(e hclsyntax.Expression, depth int)
	walk = func(e hclsyntax.Expression, depth int) {
		if e == nil || depth > 4 {
			return
		}
		for _, t := range e.Variables() {
			root := t.RootName()
			if root != "var" && root != "local" || len(t) < 2 {
				continue
			}
			attr, ok := t[1].(hcl.TraverseAttr)
			if !ok {
				continue
			}
			ref := root + "." + attr.Name
			if seen[ref] {
				continue
			}
			seen[ref] = true
			d, ok := c.m.Definition(ref)
			if !ok {
				continue
			}
			// The engine redacts a finding's message and evidence, not its
			// related messages; a default may be a credential.
			msg := fmt.Sprintf("`%s` is set here: %s", ref, redact.String(c.m.Source(d.At)))
			if root == "var" && d.Expr == nil {
				msg = fmt.Sprintf("`%s` is declared here without a default", ref)
			}
			out = append(out, c.elsewhere(d.At, msg)...)
			walk(d.Expr, depth+1)
		}
	}
	walk(expr, 0)
	return out
}

// exprOf is the expression of an evaluated value, nil when absent.
func exprOf(v tfeval.Value) hclsyntax.Expression {
	if v.Attr == nil {
		return nil
	}
	return v.Attr.Expr
}

// unresolvedMsg is the message of an mlsec/unresolved note: v decides rule
// r for what (a resource address) and could not be resolved. Callers note
// only values that are present; an absent one is reported as "(unset)"
// rather than crashing the analysis.
func unresolvedMsg(v tfeval.Value, r *rule.Rule, what string) string {
	name := "(unset)"
	if v.Attr != nil {
		name = v.Attr.Name
	}
	why := "could not be resolved from this file or its directory (it depends on a variable without a default, a module, " +
		"a data source or another resource)"
	if v.TooLarge {
		why = "was not evaluated: its value would exceed the evaluator's size bounds"
	}
	return fmt.Sprintf("%s: `%s` %s; %s was not checked", what, name, why, r.ID)
}

// declaredAs is the evidence for a finding on a whole resource.
func declaredAs(r *tfeval.Resource) string {
	return "resource \"" + r.Type + "\" \"" + r.Name + "\""
}

// sortedIDs returns asset IDs sorted, without duplicates or blanks.
func sortedIDs(ids ...string) []string {
	var out []string
	for _, id := range dedupe(ids) {
		if id != "" {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
