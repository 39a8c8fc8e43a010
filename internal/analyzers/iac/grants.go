package iac

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// grant is one way a bucket is made public.
type grant struct {
	B        *bucket
	At       hcl.Range // where the grant is written
	Expr     hclsyntax.Expression
	Write    bool
	How      string
	Evidence string
	ACL      bool // an ACL grant (neutralised by ignore_public_acls) rather than a policy
}

// checkBucketGrants finds public ACLs, policies and IAM grants on every
// bucket, marks the buckets public, and reports those on ML buckets.
func (c *checker) checkBucketGrants() {
	var gs []grant
	// unresolved values that decide whether an ML bucket is public
	var notes []unresolvedValue
	var noted []*bucket
	note := func(v tfeval.Value, what string, b *bucket) {
		notes, noted = append(notes, unresolvedValue{v, what}), append(noted, b)
	}
	for _, r := range c.m.Resources {
		if r.Data {
			continue
		}
		body := r.Body()
		switch r.Type {
		case "aws_s3_bucket", "aws_s3_bucket_acl":
			b := c.bk.byKey[r.Addr()]
			if r.Type == "aws_s3_bucket_acl" {
				b = c.lookup(body, "bucket", "s3")
			}
			if b == nil {
				continue
			}
			if v := c.m.Eval(body, "acl"); v.Present() {
				if s, ok := v.Str(); ok {
					switch s {
					case "public-read", "authenticated-read":
						gs = append(gs, grant{B: b, At: v.Range(), Expr: v.Attr.Expr, How: "its ACL is " + s, Evidence: v.Source(), ACL: true})
					case "public-read-write":
						gs = append(gs, grant{B: b, At: v.Range(), Expr: v.Attr.Expr, Write: true, How: "its ACL is public-read-write", Evidence: v.Source(), ACL: true})
					}
				} else if b.ML {
					note(v, r.Addr(), b)
				}
			}
			gs = append(gs, c.aclGrants(b, body)...)
			if r.Type == "aws_s3_bucket" {
				gs = append(gs, c.policyGrants(b, r, tfeval.Attr(body, "policy"))...)
			}
		case "aws_s3_bucket_policy":
			if b := c.lookup(body, "bucket", "s3"); b != nil {
				gs = append(gs, c.policyGrants(b, r, tfeval.Attr(body, "policy"))...)
			}
		case "google_storage_bucket_iam_member", "google_storage_bucket_iam_binding":
			b := c.lookup(body, "bucket", "gs")
			if b == nil {
				continue
			}
			role, rok := c.m.Eval(body, "role").Str()
			memberAttr := "member"
			if r.Type == "google_storage_bucket_iam_binding" {
				memberAttr = "members"
			}
			mv := c.m.Eval(body, memberAttr)
			members, mok := tfeval.StringsOf(mv.V)
			for _, mem := range members {
				if mem == "allUsers" || mem == "allAuthenticatedUsers" {
					if !rok {
						if rv := c.m.Eval(body, "role"); b.ML && rv.Present() {
							note(rv, r.Addr(), b)
						}
						continue
					}
					gs = append(gs, grant{B: b, At: mv.Range(), Expr: mv.Attr.Expr, Write: gcsWriteRole(role),
						How: fmt.Sprintf("%s grants %s to %s", r.Addr(), role, mem), Evidence: mv.Source()})
				}
			}
			if (mv.Failed || !mok) && b.ML && mv.Present() {
				note(mv, r.Addr(), b)
			}
		case "google_storage_bucket_acl":
			b := c.lookup(body, "bucket", "gs")
			if b == nil {
				continue
			}
			if v := c.m.Eval(body, "predefined_acl"); v.Present() {
				if s, ok := v.Str(); ok && (s == "publicRead" || s == "publicReadWrite") {
					gs = append(gs, grant{B: b, At: v.Range(), Expr: v.Attr.Expr, Write: s == "publicReadWrite", How: "its predefined ACL is " + s, Evidence: v.Source(), ACL: true})
				}
			}
			if v := c.m.Eval(body, "role_entity"); v.Present() {
				ents, _ := tfeval.StringsOf(v.V)
				for _, e := range ents {
					role, who, _ := strings.Cut(e, ":")
					if who == "allUsers" || who == "allAuthenticatedUsers" {
						gs = append(gs, grant{B: b, At: v.Range(), Expr: v.Attr.Expr, Write: role == "WRITER" || role == "OWNER", How: "its ACL grants " + e, Evidence: v.Source(), ACL: true})
					}
				}
			}
		case "azurerm_storage_container":
			b := c.bk.byKey[r.Addr()]
			v := c.m.Eval(body, "container_access_type")
			if s, ok := v.Str(); ok && (s == "blob" || s == "container") {
				gs = append(gs, grant{B: b, At: v.Range(), Expr: v.Attr.Expr, How: "its container_access_type is " + s + " (anonymous read)", Evidence: v.Source()})
			} else if v.Present() && !v.Resolved() && b.ML {
				note(v, r.Addr(), b)
			}
		}
	}
	for i, u := range notes {
		if loc, ok := c.loc(u.V.Range()); ok {
			c.pass.Report(analysis.Diagnostic{Rule: rules.Unresolved, Location: loc, Evidence: u.V.Source(),
				Message: unresolvedMsg(u.V, rules.BucketPublic, u.What), Assets: sortedIDs(noted[i].AssetID()),
				Related: append(c.bucketRelated(noted[i]), c.definedElsewhere(exprOf(u.V))...)})
		}
	}
	for _, g := range gs {
		by, open := c.neutralisedBy(g)
		if by != "" {
			continue
		}
		g.B.Public = true
		g.B.Write = g.B.Write || g.Write
		g.B.Grants = append(g.B.Grants, g)
		if !g.B.ML {
			continue
		}
		loc, ok := c.loc(g.At)
		if !ok {
			continue
		}
		d := analysis.Diagnostic{Rule: rules.BucketPublic, Location: loc, Evidence: g.Evidence,
			Message: fmt.Sprintf("%s is readable by anyone: %s; it holds training data or models (%s)", g.B.Title(), g.How, g.B.MLWhy),
			Assets:  sortedIDs(g.B.AssetID()),
			Related: append(append(c.bucketRelated(g.B), open...), c.definedElsewhere(g.Expr)...)}
		if g.Write {
			d.Severity, d.SeverityReason = rule.Critical, "anyone can write: training data or models can be replaced"
			d.Message = fmt.Sprintf("%s is writable by anyone: %s; it holds training data or models (%s)", g.B.Title(), g.How, g.B.MLWhy)
		}
		c.pass.Report(d)
	}
}

// bucketRelated is where a bucket's finding rests when that is in another
// file: the bucket's declaration (a policy in this file names a bucket
// declared in main.tf) and what makes it ML storage (the SageMaker model in
// sagemaker.tf that reads it).
func (c *checker) bucketRelated(b *bucket) []finding.Related {
	var out []finding.Related
	if b.Res != nil {
		msg := b.Key + " is declared here"
		if b.MLAt == b.Res.Range() {
			msg += "; " + b.MLWhy
		}
		out = append(out, c.elsewhere(b.Res.Range(), msg)...)
	}
	if b.MLAt.Filename != "" && (b.Res == nil || b.MLAt != b.Res.Range()) {
		out = append(out, c.elsewhere(b.MLAt, "this is why it holds training data or models: "+b.MLWhy)...)
	}
	return out
}

// aclGrants reads an aws_s3_bucket_acl's access_control_policy grants to
// the AllUsers and AuthenticatedUsers groups.
func (c *checker) aclGrants(b *bucket, body *hclsyntax.Body) []grant {
	var out []grant
	for _, acp := range tfeval.Blocks(body, "access_control_policy") {
		for _, g := range tfeval.Blocks(acp.Body, "grant") {
			for _, ge := range tfeval.Blocks(g.Body, "grantee") {
				uri, _ := c.m.Eval(ge.Body, "uri").Str()
				if !strings.HasSuffix(uri, "/AllUsers") && !strings.HasSuffix(uri, "/AuthenticatedUsers") {
					continue
				}
				perm, _ := c.m.Eval(g.Body, "permission").Str()
				write := perm == "WRITE" || perm == "FULL_CONTROL" || perm == "WRITE_ACP"
				out = append(out, grant{B: b, At: ge.TypeRange, Write: write, ACL: true,
					How:      fmt.Sprintf("its ACL grants %s to %s", perm, uri[strings.LastIndexByte(uri, '/')+1:]),
					Evidence: "uri = " + uri})
			}
		}
	}
	return out
}

// policyGrants reads a bucket policy and returns its unconditional
// statements that allow anyone to read or write.
func (c *checker) policyGrants(b *bucket, r *tfeval.Resource, a *hclsyntax.Attribute) []grant {
	if a == nil {
		return nil
	}
	sts, ok := c.policyStatements(a)
	if !ok {
		if loc, in := c.loc(a.SrcRange); in && b.ML {
			c.pass.Report(analysis.Diagnostic{Rule: rules.Unresolved, Location: loc, Evidence: c.m.Source(a.SrcRange),
				Message: fmt.Sprintf("%s: the `policy` document could not be read from this directory's Terraform files; %s was not checked",
					r.Addr(), rules.BucketPublic.ID),
				Assets: sortedIDs(b.AssetID()), Related: append(c.bucketRelated(b), c.definedElsewhere(a.Expr)...)})
		}
		return nil
	}
	var out []grant
	for _, st := range sts {
		if !st.Allow || st.Condition {
			continue
		}
		if st.Unresolved {
			if loc, in := c.loc(st.At); in && b.ML && (st.AnyoneCan || !st.Principal) {
				c.pass.Report(analysis.Diagnostic{Rule: rules.Unresolved, Location: loc,
					Message: fmt.Sprintf("%s: a policy statement's effect, principal or actions could not be resolved; %s was not checked for it",
						r.Addr(), rules.BucketPublic.ID),
					Assets: sortedIDs(b.AssetID()), Related: c.bucketRelated(b)})
			}
			continue
		}
		if !st.AnyoneCan {
			continue
		}
		ev := "Principal: * Action: " + strings.Join(st.Actions, ",")
		if st.NotAction {
			ev = "Principal: * NotAction: " + strings.Join(st.Actions, ",")
		}
		switch {
		case st.grants(writeActions):
			out = append(out, grant{B: b, At: st.At, Expr: a.Expr, Write: true, Evidence: ev,
				How: fmt.Sprintf("%s allows %s to Principal \"*\" without a condition", r.Addr(), actionList(st))})
		case st.grants(readActions):
			out = append(out, grant{B: b, At: st.At, Expr: a.Expr, Evidence: ev,
				How: fmt.Sprintf("%s allows %s to Principal \"*\" without a condition", r.Addr(), actionList(st))})
		}
	}
	return out
}

func actionList(st statement) string {
	s := strings.Join(st.Actions, ", ")
	if st.NotAction {
		return "every action except " + s
	}
	return s
}

// gcsWriteRole reports whether a Cloud Storage role can create, change or
// delete objects.
func gcsWriteRole(role string) bool {
	r := strings.ToLower(role)
	for _, w := range []string{"admin", "creator", "writer", "owner", "objectuser", "editor"} {
		if strings.Contains(r, w) {
			return true
		}
	}
	return false
}

// neutralisedBy returns the public access block that makes an S3 grant
// ineffective, or "". A block the file leaves unresolved neutralises
// nothing. When none does, open lists the blocks in other files that leave
// the deciding flags off: the reason the grant takes effect.
func (c *checker) neutralisedBy(g grant) (by string, open []finding.Related) {
	if g.B.Scheme != "s3" {
		return "", nil
	}
	flags := []string{"restrict_public_buckets", "block_public_policy"}
	if g.ACL {
		flags = []string{"ignore_public_acls", "block_public_acls"}
	}
	check := func(r *tfeval.Resource) string {
		for _, f := range flags {
			if s, ok := c.m.Eval(r.Body(), f).Str(); ok && s == "true" {
				return r.Addr() + "." + f
			}
		}
		return ""
	}
	blocks := append(append([]*tfeval.Resource(nil), c.companions(g.B, "aws_s3_bucket_public_access_block")...),
		c.m.OfType("aws_s3_account_public_access_block")...)
	for _, r := range blocks {
		if by := check(r); by != "" {
			return by, nil
		}
		open = append(open, c.elsewhere(r.Range(), fmt.Sprintf("%s does not set %s to true", r.Addr(), strings.Join(flags, " or ")))...)
	}
	return "", open
}
