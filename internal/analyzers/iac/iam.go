package iac

import (
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// iamPolicyTypes are the resources whose `policy` is an identity policy.
var iamPolicyTypes = map[string]bool{
	"aws_iam_policy": true, "aws_iam_role_policy": true, "aws_iam_user_policy": true, "aws_iam_group_policy": true,
}

// checkIAM reports identity policies that allow "*" or "s3:*" on every
// resource or on an ML bucket.
func (c *checker) checkIAM() {
	// Policy documents used as bucket or trust policies are not identity
	// policies; every other document in the file is checked where it is
	// written, whichever file attaches it.
	notIdentity := map[string]bool{}
	for _, r := range c.m.Resources {
		if r.Data {
			continue
		}
		for _, name := range []string{"policy", "assume_role_policy"} {
			if name == "policy" && iamPolicyTypes[r.Type] {
				continue
			}
			if a := tfeval.Attr(r.Body(), name); a != nil {
				for _, addr := range tfeval.Refs(a.Expr) {
					notIdentity[addr] = true
				}
			}
		}
	}
	for _, r := range c.m.Resources {
		switch {
		case r.Data && r.Type == "aws_iam_policy_document" && !notIdentity[r.Addr()]:
			c.checkIdentityStatements(r.Addr(), "", c.documentStatements(r))
		case !r.Data && iamPolicyTypes[r.Type]:
			if sts, ok := c.policyStatements(tfeval.Attr(r.Body(), "policy")); ok {
				c.checkIdentityStatements(r.Addr(), c.attachedRole(r), sts)
			}
		case !r.Data && r.Type == "aws_iam_role":
			for _, ip := range tfeval.Blocks(r.Body(), "inline_policy") {
				if sts, ok := c.policyStatements(tfeval.Attr(ip.Body, "policy")); ok {
					c.checkIdentityStatements(r.Addr(), c.roleAsset(r.Addr()).ID, sts)
				}
			}
		}
	}
}

// attachedRole is the asset ID of the role an aws_iam_role_policy is
// attached to by reference (`role = aws_iam_role.x.id`), or "".
func (c *checker) attachedRole(r *tfeval.Resource) string {
	if r.Type != "aws_iam_role_policy" {
		return ""
	}
	for _, addr := range tfeval.Refs(tfeval.ExprOf(r.Body(), "role")) {
		if strings.HasPrefix(addr, "aws_iam_role.") {
			return c.roleAsset(addr).ID
		}
	}
	return ""
}

// checkIdentityStatements reports the statements of owner's policy that
// allow everything on every resource or on an ML bucket; role is the asset
// ID of the role the policy is attached to, if known.
func (c *checker) checkIdentityStatements(owner, role string, sts []statement) {
	for _, st := range sts {
		if st.FromDataDoc && !strings.HasPrefix(owner, "data.") {
			continue // the document is checked (and reported) where it is written
		}
		if !st.Allow || st.Principal {
			continue
		}
		if st.Unresolved {
			continue // an action list built from variables: nothing to say with confidence
		}
		if !st.fullAccess() {
			continue
		}
		acts := strings.Join(st.Actions, ", ")
		var targets []string
		assets := []string{role}
		var related []finding.Related
		for _, res := range st.Resources {
			if res == "*" || res == "arn:aws:s3:::*" {
				targets = append(targets, fmt.Sprintf("%q (every resource)", res))
				continue
			}
			for _, b := range c.bucketsIn(res) {
				if b.ML {
					targets = append(targets, fmt.Sprintf("%s, which holds training data or models (%s)", b.Title(), b.MLWhy))
					assets = append(assets, b.AssetID())
					related = append(related, c.bucketRelated(b)...)
				}
			}
		}
		loc, ok := c.loc(st.At)
		if len(targets) == 0 || !ok {
			continue
		}
		c.pass.Report(analysis.Diagnostic{Rule: rules.IAMWildcard, Location: loc, Evidence: "Action: " + acts,
			Message: fmt.Sprintf("%s allows %s on %s", owner, acts, strings.Join(dedupe(targets), "; ")),
			Assets:  sortedIDs(assets...), Related: dedupeRelated(related)})
	}
}

// dedupeRelated drops repeated related places, keeping the first.
func dedupeRelated(rs []finding.Related) []finding.Related {
	seen := map[finding.Related]bool{}
	var out []finding.Related
	for _, r := range rs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
