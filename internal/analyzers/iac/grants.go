package iac

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// grant is one way a bucket is made public.
type grant struct {
	B        *bucket
	At       hcl.Range // where the grant is written
	Write    bool
	How      string
	Evidence string
	ACL      bool // an ACL grant (neutralised by ignore_public_acls) rather than a policy
}

// checkBucketGrants finds public ACLs, policies and IAM grants on every
// bucket, marks the buckets public, and reports those on ML buckets.
func (c *checker) checkBucketGrants() {
	var gs []grant
	note := func(at hcl.Range, ev, what, attrName string) {
		c.report(rules.Unresolved, at, ev, "%s: `%s` could not be resolved from this directory's Terraform files; %s was not checked",
			what, attrName, rules.BucketPublic.ID)
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
						gs = append(gs, grant{B: b, At: v.Range(), How: "its ACL is " + s, Evidence: v.Source(), ACL: true})
					case "public-read-write":
						gs = append(gs, grant{B: b, At: v.Range(), Write: true, How: "its ACL is public-read-write", Evidence: v.Source(), ACL: true})
					}
				} else if b.ML {
					note(v.Range(), v.Source(), r.Addr(), "acl")
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
						if b.ML {
							note(mv.Range(), mv.Source(), r.Addr(), "role")
						}
						continue
					}
					gs = append(gs, grant{B: b, At: mv.Range(), Write: gcsWriteRole(role),
						How: fmt.Sprintf("%s grants %s to %s", r.Addr(), role, mem), Evidence: mv.Source()})
				}
			}
			if (mv.Failed || !mok) && b.ML && mv.Present() {
				note(mv.Range(), mv.Source(), r.Addr(), memberAttr)
			}
		case "google_storage_bucket_acl":
			b := c.lookup(body, "bucket", "gs")
			if b == nil {
				continue
			}
			if v := c.m.Eval(body, "predefined_acl"); v.Present() {
				if s, ok := v.Str(); ok && (s == "publicRead" || s == "publicReadWrite") {
					gs = append(gs, grant{B: b, At: v.Range(), Write: s == "publicReadWrite", How: "its predefined ACL is " + s, Evidence: v.Source(), ACL: true})
				}
			}
			if v := c.m.Eval(body, "role_entity"); v.Present() {
				ents, _ := tfeval.StringsOf(v.V)
				for _, e := range ents {
					role, who, _ := strings.Cut(e, ":")
					if who == "allUsers" || who == "allAuthenticatedUsers" {
						gs = append(gs, grant{B: b, At: v.Range(), Write: role == "WRITER" || role == "OWNER", How: "its ACL grants " + e, Evidence: v.Source(), ACL: true})
					}
				}
			}
		case "azurerm_storage_container":
			b := c.bk.byKey[r.Addr()]
			v := c.m.Eval(body, "container_access_type")
			if s, ok := v.Str(); ok && (s == "blob" || s == "container") {
				gs = append(gs, grant{B: b, At: v.Range(), How: "its container_access_type is " + s + " (anonymous read)", Evidence: v.Source()})
			} else if v.Present() && !v.Resolved() && b.ML {
				note(v.Range(), v.Source(), r.Addr(), "container_access_type")
			}
		}
	}
	for _, g := range gs {
		if by := c.neutralisedBy(g); by != "" {
			continue
		}
		g.B.Public = true
		g.B.Write = g.B.Write || g.Write
		if !g.B.ML {
			continue
		}
		sev, what := rule.High, "readable"
		if g.Write {
			sev, what = rule.Critical, "writable"
		}
		c.reportSev(rules.BucketPublic, sev, g.At, g.Evidence,
			fmt.Sprintf("%s is %s by anyone: %s; it holds training data or models (%s)", g.B.Title(), what, g.How, g.B.MLWhy),
			[]string{g.B.AssetID()})
	}
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
		if b.ML {
			c.report(rules.Unresolved, a.SrcRange, c.m.Source(a.SrcRange),
				"%s: the `policy` document could not be read from this directory's Terraform files; %s was not checked", r.Addr(), rules.BucketPublic.ID)
		}
		return nil
	}
	var out []grant
	for _, st := range sts {
		if !st.Allow || st.Condition {
			continue
		}
		if st.Unresolved {
			if b.ML && (st.AnyoneCan || !st.Principal) {
				c.report(rules.Unresolved, st.At, "", "%s: a policy statement's effect, principal or actions could not be resolved; %s was not checked for it",
					r.Addr(), rules.BucketPublic.ID)
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
			out = append(out, grant{B: b, At: st.At, Write: true, Evidence: ev,
				How: fmt.Sprintf("%s allows %s to Principal \"*\" without a condition", r.Addr(), actionList(st))})
		case st.grants(readActions):
			out = append(out, grant{B: b, At: st.At, Evidence: ev,
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
// ineffective, or "". A block the file leaves unresolved neutralises nothing.
func (c *checker) neutralisedBy(g grant) string {
	if g.B.Scheme != "s3" {
		return ""
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
	for _, r := range c.companions(g.B, "aws_s3_bucket_public_access_block") {
		if by := check(r); by != "" {
			return by
		}
	}
	for _, r := range c.m.OfType("aws_s3_account_public_access_block") {
		if by := check(r); by != "" {
			return by
		}
	}
	return ""
}
