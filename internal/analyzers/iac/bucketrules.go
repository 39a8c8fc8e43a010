package iac

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

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
	assets := []string{b.AssetID()}
	pabs := c.companions(b, "aws_s3_bucket_public_access_block")
	if len(pabs) == 0 {
		for _, r := range c.m.OfType("aws_s3_account_public_access_block") {
			if len(c.pabOff(r)) == 0 {
				return // the account-wide block covers it
			}
		}
		c.reportSev(rules.BucketPublicAccessBlockOff, rule.Low, b.Res.Range(), "resource \""+b.Res.Type+"\" \""+b.Res.Name+"\"",
			fmt.Sprintf("%s holds training data or models (%s) and has no aws_s3_bucket_public_access_block in this directory's Terraform files", b.Title(), b.MLWhy),
			assets)
		return
	}
	for _, r := range pabs {
		off := c.pabOff(r)
		if len(off) == 0 {
			continue
		}
		at, ev := r.Range(), ""
		for _, f := range off {
			if v := c.m.Eval(r.Body(), f); v.Present() {
				at, ev = v.Range(), v.Source()
				break
			}
		}
		c.reportSev(rules.BucketPublicAccessBlockOff, rule.Medium, at, ev,
			fmt.Sprintf("%s leaves %s off for %s, which holds training data or models (%s)",
				r.Addr(), strings.Join(off, ", "), b.Title(), b.MLWhy), assets)
	}
}

// pabOff returns the flags of a public access block that are false or
// unset; unresolved flags are noted and not counted.
func (c *checker) pabOff(r *tfeval.Resource) []string {
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
			c.unresolved(v, rules.BucketPublicAccessBlockOff, r.Addr())
		}
	}
	return off
}

// checkVersioning reports an ML bucket without versioning or object lock
// and returns whether it has one of them.
func (c *checker) checkVersioning(b *bucket) bool {
	body := b.Res.Body()
	report := func(at hcl.Range, ev, why string) {
		if b.ML {
			c.report(rules.BucketNoVersioning, at, ev, "%s holds training data or models (%s) but %s: an overwritten or deleted object cannot be recovered",
				b.Title(), b.MLWhy, why)
		}
	}
	unresolved := false
	switch b.Scheme {
	case "gs":
		vb := tfeval.Block(body, "versioning")
		if vb != nil {
			v := c.m.Eval(vb.Body, "enabled")
			s, ok := v.Str()
			switch {
			case ok && s == "true":
				return true
			case v.Present() && !ok:
				if b.ML {
					c.unresolved(v, rules.BucketNoVersioning, b.Key)
				}
				return false
			case v.Present():
				if tfeval.Block(body, "retention_policy") == nil {
					report(v.Range(), v.Source(), "its versioning is disabled")
				}
				return false
			}
		}
		if rp := tfeval.Block(body, "retention_policy"); rp != nil {
			return true
		}
		if vb != nil {
			report(vb.TypeRange, "versioning { enabled = false }", "versioning is disabled")
		} else {
			report(b.Res.Range(), "resource \""+b.Res.Type+"\" \""+b.Res.Name+"\"", "it has no `versioning { enabled = true }` block")
		}
		return false
	case "s3":
		if vb := tfeval.Block(body, "versioning"); vb != nil {
			if s, ok := c.m.Eval(vb.Body, "enabled").Str(); ok && s == "true" {
				return true
			}
		}
		if s, ok := c.m.Eval(body, "object_lock_enabled").Str(); ok && s == "true" {
			return true
		}
		if tfeval.Block(body, "object_lock_configuration") != nil || len(c.companions(b, "aws_s3_bucket_object_lock_configuration")) > 0 {
			return true
		}
		vers := c.companions(b, "aws_s3_bucket_versioning")
		for _, r := range vers {
			for _, vc := range tfeval.Blocks(r.Body(), "versioning_configuration") {
				v := c.m.Eval(vc.Body, "status")
				s, ok := v.Str()
				switch {
				case ok && s == "Enabled":
					return true
				case ok:
					report(v.Range(), v.Source(), "its versioning status is "+s)
					return false
				case v.Present():
					if b.ML {
						c.unresolved(v, rules.BucketNoVersioning, r.Addr())
					}
					unresolved = true
				}
			}
		}
		if !unresolved {
			report(b.Res.Range(), "resource \""+b.Res.Type+"\" \""+b.Res.Name+"\"",
				"it has no aws_s3_bucket_versioning with status Enabled (nor object lock) in this directory's Terraform files")
		}
	}
	return false
}

func (c *checker) checkEncryption(b *bucket) {
	if tfeval.Block(b.Res.Body(), "server_side_encryption_configuration") != nil ||
		len(c.companions(b, "aws_s3_bucket_server_side_encryption_configuration")) > 0 {
		return
	}
	c.reportSev(rules.BucketNoEncryption, rules.BucketNoEncryption.Severity, b.Res.Range(), "resource \""+b.Res.Type+"\" \""+b.Res.Name+"\"",
		fmt.Sprintf("%s holds training data or models (%s) and has no server-side encryption configuration in this directory's Terraform files", b.Title(), b.MLWhy),
		[]string{b.AssetID()})
}
