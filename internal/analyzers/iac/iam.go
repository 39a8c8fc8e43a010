package iac

import (
	"fmt"
	"strings"

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
			c.checkIdentityStatements(r.Addr(), c.documentStatements(r))
		case !r.Data && iamPolicyTypes[r.Type]:
			if sts, ok := c.policyStatements(tfeval.Attr(r.Body(), "policy")); ok {
				c.checkIdentityStatements(r.Addr(), sts)
			}
		case !r.Data && r.Type == "aws_iam_role":
			for _, ip := range tfeval.Blocks(r.Body(), "inline_policy") {
				if sts, ok := c.policyStatements(tfeval.Attr(ip.Body, "policy")); ok {
					c.checkIdentityStatements(r.Addr(), sts)
				}
			}
		}
	}
}

func (c *checker) checkIdentityStatements(owner string, sts []statement) {
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
		var assets []string
		for _, res := range st.Resources {
			if res == "*" || res == "arn:aws:s3:::*" {
				targets = append(targets, fmt.Sprintf("%q (every resource)", res))
				continue
			}
			for _, b := range c.bucketsIn(res) {
				if b.ML {
					targets = append(targets, fmt.Sprintf("%s, which holds training data or models (%s)", b.Title(), b.MLWhy))
					assets = append(assets, b.AssetID())
				}
			}
		}
		if len(targets) == 0 {
			continue
		}
		c.reportSev(rules.IAMWildcard, rules.IAMWildcard.Severity, st.At, "Action: "+acts,
			fmt.Sprintf("%s allows %s on %s", owner, acts, strings.Join(dedupe(targets), "; ")), dedupe(assets))
	}
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
