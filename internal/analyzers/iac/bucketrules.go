package iac

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// pabFlags are the four S3 Block Public Access settings.
var pabFlags = []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"}

// checkBuckets runs the hygiene rules on the ML buckets declared in this
// file: public access block, versioning, encryption. Buckets declared in
// another file are not checked for missing companions: their versioning
// resource may well live there.
func (c *checker) checkBuckets() {
	for _, b := range c.bk.sorted(c.m) {
		if b.Res == nil {
			continue
		}
		b.Versions = c.checkVersioning(b)
		if !b.ML {
			continue
		}
		if b.Scheme == "s3" {
			c.checkPAB(b)
			c.checkEncryption(b)
		}
	}
}

func (c *checker) checkPAB(b *bucket) {
	pabs := c.companions(b, "aws_s3_bucket_public_access_block")
	if len(pabs) == 0 {
		for _, r := range c.m.OfType("aws_s3_account_public_access_block") {
			if len(c.pabOff(r, b)) == 0 {
				return // the account-wide block covers it
			}
		}
		if loc, ok := c.loc(b.Res.Range()); ok {
			c.pass.Report(analysis.Diagnostic{Rule: rules.BucketPublicAccessBlockOff, Location: loc, Evidence: declaredAs(b.Res),
				Message: fmt.Sprintf("%s holds training data or models (%s) and has no aws_s3_bucket_public_access_block in this directory's Terraform files",
					b.Title(), b.MLWhy),
				Severity: rule.Low, SeverityReason: "no block is declared, rather than one switched off: an account-wide block outside this directory may still apply",
				Assets: sortedIDs(b.AssetID()), Related: c.bucketRelated(b)})
		}
		return
	}
	for _, r := range pabs {
		off := c.pabOff(r, b)
		if len(off) == 0 {
			continue
		}
		at, ev := r.Range(), ""
		var expr hclsyntax.Expression
		for _, f := range off {
			if v := c.m.Eval(r.Body(), f); v.Present() {
				at, ev, expr = v.Range(), v.Source(), v.Attr.Expr
				break
			}
		}
		if loc, ok := c.loc(at); ok {
			c.pass.Report(analysis.Diagnostic{Rule: rules.BucketPublicAccessBlockOff, Location: loc, Evidence: ev,
				Message: fmt.Sprintf("%s leaves %s off for %s, which holds training data or models (%s)",
					r.Addr(), strings.Join(off, ", "), b.Title(), b.MLWhy),
				Assets: sortedIDs(b.AssetID()), Related: append(c.bucketRelated(b), c.definedElsewhere(expr)...)})
		}
	}
}

// pabOff returns the flags of a public access block that are false or
// unset; unresolved flags are noted (for the ML bucket b) and not counted.
func (c *checker) pabOff(r *tfeval.Resource, b *bucket) []string {
	var off []string
	for _, f := range pabFlags {
		v := c.m.Eval(r.Body(), f)
		switch s, ok := v.Str(); {
		case !v.Present():
			off = append(off, f+" (unset)")
		case ok && s == "true":
		case ok:
			off = append(off, f)
		default:
			if loc, in := c.loc(v.Range()); in {
				c.pass.Report(analysis.Diagnostic{Rule: rules.Unresolved, Location: loc, Evidence: v.Source(),
					Message: unresolvedMsg(v, rules.BucketPublicAccessBlockOff, r.Addr()), Assets: sortedIDs(b.AssetID()),
					Related: append(c.bucketRelated(b), c.definedElsewhere(v.Attr.Expr)...)})
			}
		}
	}
	return off
}

// versionGap is why a bucket has no versioning: where that shows and what
// to say.
type versionGap struct {
	At       hcl.Range
	Evidence string
	Expr     hclsyntax.Expression // the deciding attribute's, if any
	Why      string
}

// unresolvedValue is a value that decides a rule and could not be
// resolved, on the resource at What.
type unresolvedValue struct {
	V    tfeval.Value
	What string
}

// checkVersioning reports an ML bucket without versioning or object lock,
// or notes the values that decide it and could not be resolved, and
// returns whether the bucket has versioning.
func (c *checker) checkVersioning(b *bucket) bool {
	ok, gap, unresolved := c.versioning(b)
	if !b.ML {
		return ok
	}
	for _, u := range unresolved {
		if loc, in := c.loc(u.V.Range()); in {
			c.pass.Report(analysis.Diagnostic{Rule: rules.Unresolved, Location: loc, Evidence: u.V.Source(),
				Message: unresolvedMsg(u.V, rules.BucketNoVersioning, u.What), Assets: sortedIDs(b.AssetID()),
				Related: append(c.bucketRelated(b), c.definedElsewhere(exprOf(u.V))...)})
		}
	}
	if gap == nil {
		return ok
	}
	if loc, in := c.loc(gap.At); in {
		c.pass.Report(analysis.Diagnostic{Rule: rules.BucketNoVersioning, Location: loc, Evidence: gap.Evidence,
			Message: fmt.Sprintf("%s holds training data or models (%s) but %s: an overwritten or deleted object cannot be recovered",
				b.Title(), b.MLWhy, gap.Why),
			Assets: sortedIDs(b.AssetID()), Related: append(c.bucketRelated(b), c.definedElsewhere(gap.Expr)...)})
	}
	return ok
}

// versioning decides whether a declared bucket keeps old versions of its
// objects: ok, or the gap, or nothing but unresolved values.
func (c *checker) versioning(b *bucket) (ok bool, gap *versionGap, unresolved []unresolvedValue) {
	body := b.Res.Body()
	switch b.Scheme {
	case "gs":
		vb := tfeval.Block(body, "versioning")
		if vb != nil {
			v := c.m.Eval(vb.Body, "enabled")
			s, ok := v.Str()
			switch {
			case ok && s == "true":
				return true, nil, nil
			case v.Present() && !ok:
				return false, nil, []unresolvedValue{{v, b.Key}}
			case v.Present():
				if tfeval.Block(body, "retention_policy") != nil {
					return false, nil, nil
				}
				return false, &versionGap{v.Range(), v.Source(), v.Attr.Expr, "its versioning is disabled"}, nil
			}
		}
		if tfeval.Block(body, "retention_policy") != nil {
			return true, nil, nil
		}
		if vb != nil {
			return false, &versionGap{vb.TypeRange, "versioning { enabled = false }", nil, "versioning is disabled"}, nil
		}
		return false, &versionGap{b.Res.Range(), declaredAs(b.Res), nil, "it has no `versioning { enabled = true }` block"}, nil
	case "s3":
		if vb := tfeval.Block(body, "versioning"); vb != nil {
			if s, ok := c.m.Eval(vb.Body, "enabled").Str(); ok && s == "true" {
				return true, nil, nil
			}
		}
		if s, ok := c.m.Eval(body, "object_lock_enabled").Str(); ok && s == "true" {
			return true, nil, nil
		}
		if tfeval.Block(body, "object_lock_configuration") != nil || len(c.companions(b, "aws_s3_bucket_object_lock_configuration")) > 0 {
			return true, nil, nil
		}
		for _, r := range c.companions(b, "aws_s3_bucket_versioning") {
			for _, vc := range tfeval.Blocks(r.Body(), "versioning_configuration") {
				v := c.m.Eval(vc.Body, "status")
				s, ok := v.Str()
				switch {
				case ok && s == "Enabled":
					return true, nil, nil
				case ok:
					return false, &versionGap{v.Range(), v.Source(), v.Attr.Expr, "its versioning status is " + s}, unresolved
				case v.Present():
					unresolved = append(unresolved, unresolvedValue{v, r.Addr()})
				}
			}
		}
		if len(unresolved) > 0 {
			return false, nil, unresolved
		}
		return false, &versionGap{b.Res.Range(), declaredAs(b.Res), nil,
			"it has no aws_s3_bucket_versioning with status Enabled (nor object lock) in this directory's Terraform files"}, nil
	}
	return false, nil, nil
}

func (c *checker) checkEncryption(b *bucket) {
	if tfeval.Block(b.Res.Body(), "server_side_encryption_configuration") != nil ||
		len(c.companions(b, "aws_s3_bucket_server_side_encryption_configuration")) > 0 {
		return
	}
	if loc, ok := c.loc(b.Res.Range()); ok {
		c.pass.Report(analysis.Diagnostic{Rule: rules.BucketNoEncryption, Location: loc, Evidence: declaredAs(b.Res),
			Message: fmt.Sprintf("%s holds training data or models (%s) and has no server-side encryption configuration in this directory's Terraform files",
				b.Title(), b.MLWhy),
			Assets: sortedIDs(b.AssetID()), Related: c.bucketRelated(b)})
	}
}
