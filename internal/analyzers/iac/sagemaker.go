package iac

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// mlPrefixes are the resource type prefixes of ML services; a bucket they
// reference holds training data or models.
var mlPrefixes = []string{"aws_sagemaker_", "google_vertex_ai_", "google_notebooks_", "google_workbench_",
	"google_ml_engine_", "azurerm_machine_learning_"}

func isMLType(t string) bool {
	for _, p := range mlPrefixes {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// use is an ML resource reading or writing a bucket.
type use struct {
	From  *tfeval.Resource
	B     *bucket
	At    hcl.Range // the attribute that names the bucket
	Write bool
}

// writeKeys in an attribute or key path mean the service writes there.
var writeKeys = []string{"output", "destination", "capture", "checkpoint", "offline_store"}

// markMLUse finds the buckets ML resources use, marks them as ML buckets
// and records the uses for the asset graph.
func (c *checker) markMLUse() {
	c.uses = nil
	seen := map[string]bool{}
	for _, r := range c.m.Resources {
		if r.Data || !isMLType(r.Type) {
			continue
		}
		c.walkAttrs(r.Body(), "", 0, func(keyPath string, a *hclsyntax.Attribute) {
			var found []*bucket
			if v, ok := c.evalJSONish(a); ok {
				eachString(v, keyPath, 0, func(kp, s string) {
					for _, b := range c.bucketsIn(s) {
						found = append(found, b)
						c.addUse(use{From: r, B: b, At: a.SrcRange, Write: isWriteKey(kp)}, seen)
					}
				})
			}
			if len(found) == 0 {
				for _, addr := range tfeval.Refs(a.Expr) {
					if b := c.bucketByAddr(addr); b != nil {
						c.addUse(use{From: r, B: b, At: a.SrcRange, Write: isWriteKey(keyPath)}, seen)
					}
				}
			}
		})
	}
}

// evalJSONish evaluates an attribute to plain Go values; a jsonencode call
// is evaluated through its argument and a JSON document in a string is
// decoded, so key paths inside pipeline definitions are kept.
func (c *checker) evalJSONish(a *hclsyntax.Attribute) (any, bool) {
	if call, ok := a.Expr.(*hclsyntax.FunctionCallExpr); ok && call.Name == "jsonencode" && len(call.Args) == 1 {
		v, ok := c.m.EvalExpr(call.Args[0])
		if !ok {
			return nil, false
		}
		return tfeval.ToGo(v), true
	}
	v := c.m.EvalAttr(a)
	if v.Failed {
		return nil, false
	}
	g := tfeval.ToGo(v.V)
	if s, ok := g.(string); ok && strings.HasPrefix(strings.TrimSpace(s), "{") {
		var doc any
		if json.Unmarshal([]byte(s), &doc) == nil {
			return doc, true
		}
	}
	return g, true
}

func (c *checker) addUse(u use, seen map[string]bool) {
	key := fmt.Sprintf("%s|%s|%v", u.From.Addr(), u.B.Key, u.Write)
	if seen[key] {
		return
	}
	seen[key] = true
	if !u.B.ML {
		u.B.ML, u.B.MLWhy, u.B.MLAt = true, "it is used by "+u.From.Addr(), u.At
	}
	c.uses = append(c.uses, u)
}

func isWriteKey(kp string) bool {
	kp = strings.ToLower(kp)
	for _, k := range writeKeys {
		if strings.Contains(kp, k) {
			return true
		}
	}
	return false
}

// walkAttrs calls fn for every attribute in body and its nested blocks in
// source order, with the dotted path of block types and attribute name.
func (c *checker) walkAttrs(body *hclsyntax.Body, prefix string, depth int, fn func(string, *hclsyntax.Attribute)) {
	if body == nil || depth > 16 {
		return
	}
	for _, a := range tfeval.SortedAttrs(body) {
		fn(prefix+a.Name, a)
	}
	for _, b := range body.Blocks {
		c.walkAttrs(b.Body, prefix+b.Type+".", depth+1, fn)
	}
}

// eachString calls fn for every string inside v with its key path.
func eachString(v any, kp string, depth int, fn func(string, string)) {
	if depth > 32 {
		return
	}
	switch v := v.(type) {
	case string:
		fn(kp, v)
	case map[string]any:
		for _, k := range sortedKeys(v) {
			eachString(v[k], kp+"."+k, depth+1, fn)
		}
	case []any:
		for _, e := range v {
			eachString(e, kp, depth+1, fn)
		}
	}
}

// sortedKeys returns a map's keys in order, for deterministic output.
func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkSageMaker runs the SageMaker rules.
func (c *checker) checkSageMaker() {
	for _, r := range c.m.Resources {
		if r.Data {
			continue
		}
		body := r.Body()
		switch r.Type {
		case "aws_sagemaker_notebook_instance":
			c.defaultEnabled(r, "direct_internet_access", rules.SageMakerNotebookDirectInternet,
				"gives the notebook a route to the internet outside the VPC")
			c.defaultEnabled(r, "root_access", rules.SageMakerNotebookRootAccess, "makes every notebook user root on the instance")
			c.requireKey(r, "kms_key_id", "the notebook's ML storage volume")
		case "aws_sagemaker_domain":
			c.requireKey(r, "kms_key_id", "the domain's EFS home directories")
		case "aws_sagemaker_endpoint_configuration":
			c.requireKey(r, "kms_key_arn", "the endpoint instances' storage volumes")
		case "aws_sagemaker_model":
			c.checkIsolation(r)
			for _, name := range []string{"primary_container", "container"} {
				for _, cb := range tfeval.Blocks(body, name) {
					c.checkModelSource(r, cb.Body)
				}
			}
		}
	}
}

// assetsOf is the asset ID of r, as a finding's Assets, if r is an asset.
func (c *checker) assetsOf(r *tfeval.Resource) []string {
	if a, ok := c.resourceAsset(r); ok {
		return []string{a.ID}
	}
	return nil
}

// defaultEnabled reports an attribute that is "Enabled" or unset (the
// provider's default is Enabled).
func (c *checker) defaultEnabled(r *tfeval.Resource, name string, rl *rule.Rule, effect string) {
	v := c.m.Eval(r.Body(), name)
	s, ok := v.Str()
	at, d := v.Range(), analysis.Diagnostic{Rule: rl, Evidence: v.Source(), Assets: c.assetsOf(r)}
	switch {
	case !v.Present():
		at, d.Evidence = r.Range(), declaredAs(r)
		d.Message = fmt.Sprintf("%s does not set %s, which defaults to \"Enabled\" and %s", r.Addr(), name, effect)
	case !ok:
		d.Rule, d.Message = rules.Unresolved, unresolvedMsg(v, rl, r.Addr())
	case s == "Enabled":
		d.Message = fmt.Sprintf("%s sets %s = \"Enabled\", which %s", r.Addr(), name, effect)
	default:
		return
	}
	if loc, in := c.loc(at); in {
		d.Location, d.Related = loc, c.definedElsewhere(exprOf(v))
		c.pass.Report(d)
	}
}

// requireKey reports a SageMaker resource without a customer-managed key.
func (c *checker) requireKey(r *tfeval.Resource, name, what string) {
	if tfeval.Attr(r.Body(), name) != nil {
		return
	}
	if loc, ok := c.loc(r.Range()); ok {
		c.pass.Report(analysis.Diagnostic{Rule: rules.SageMakerNoKMS, Location: loc, Evidence: declaredAs(r),
			Message: fmt.Sprintf("%s has no %s: an AWS-managed key encrypts %s", r.Addr(), name, what),
			Assets:  c.assetsOf(r)})
	}
}

// checkIsolation reports a model with neither network isolation nor a VPC.
func (c *checker) checkIsolation(r *tfeval.Resource) {
	if tfeval.Block(r.Body(), "vpc_config") != nil {
		return
	}
	v := c.m.Eval(r.Body(), "enable_network_isolation")
	s, ok := v.Str()
	at, d := v.Range(), analysis.Diagnostic{Rule: rules.SageMakerNoNetworkIsolation, Evidence: v.Source(), Assets: c.assetsOf(r)}
	switch {
	case !v.Present():
		at, d.Evidence = r.Range(), declaredAs(r)
		d.Message = fmt.Sprintf("%s sets neither enable_network_isolation = true nor a vpc_config: its containers have outbound internet access", r.Addr())
	case !ok:
		d.Rule, d.Message = rules.Unresolved, unresolvedMsg(v, rules.SageMakerNoNetworkIsolation, r.Addr())
	case s != "true":
		d.Message = fmt.Sprintf("%s sets enable_network_isolation = %s and has no vpc_config: its containers have outbound internet access", r.Addr(), s)
	default:
		return
	}
	if loc, in := c.loc(at); in {
		d.Location, d.Related = loc, c.definedElsewhere(exprOf(v))
		c.pass.Report(d)
	}
}

// checkModelSource reports a model container whose artifact comes from a
// public bucket or a web URL.
func (c *checker) checkModelSource(r *tfeval.Resource, body *hclsyntax.Body) {
	vals := []tfeval.Value{c.m.Eval(body, "model_data_url")}
	for _, ds := range tfeval.Blocks(body, "model_data_source") {
		for _, s3 := range tfeval.Blocks(ds.Body, "s3_data_source") {
			vals = append(vals, c.m.Eval(s3.Body, "s3_uri"))
		}
	}
	for _, v := range vals {
		loc, ok := c.loc(v.Range())
		if !ok {
			continue // absent, or written in another file
		}
		raw := v.Raw()
		bs := c.bucketsIn(raw)
		lower := strings.ToLower(raw)
		d := analysis.Diagnostic{Rule: rules.SageMakerModelPublicSource, Location: loc, Evidence: v.Source(),
			Assets: c.assetsOf(r), Related: c.definedElsewhere(v.Attr.Expr)}
		switch {
		case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
			d.Message = fmt.Sprintf("%s loads its model artifact from the web URL %s, outside the team's access control", r.Addr(), redactURL(raw))
			c.pass.Report(d)
		case len(bs) > 0:
			for _, b := range bs {
				if !b.Public {
					continue
				}
				how := "readable"
				if b.Write {
					how = "writable"
				}
				var related []finding.Related
				for _, g := range b.Grants {
					related = append(related, c.elsewhere(g.At, b.Key+" is made public here: "+g.How)...)
				}
				bd := d
				bd.Message = fmt.Sprintf("%s loads its model artifact from %s, which this configuration makes publicly %s", r.Addr(), b.Title(), how)
				bd.Assets = sortedIDs(append(bd.Assets, b.AssetID())...)
				bd.Related = dedupeRelated(append(append(append([]finding.Related(nil), d.Related...), c.bucketRelated(b)...), related...))
				c.pass.Report(bd)
			}
		case !v.Resolved():
			d.Rule, d.Message = rules.Unresolved, unresolvedMsg(v, rules.SageMakerModelPublicSource, r.Addr())
			c.pass.Report(d)
		}
	}
}

// redactURL drops user information and query strings (signed URLs carry
// credentials there) from a URL shown in a message.
func redactURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if scheme, rest, ok := strings.Cut(u, "://"); ok {
		if at := strings.IndexByte(rest, '@'); at >= 0 && at < strings.IndexByte(rest+"/", '/') {
			rest = rest[at+1:]
		}
		u = scheme + "://" + rest
	}
	return u
}

// checkWorkspaces runs the Vertex AI and Azure ML network rule.
func (c *checker) checkWorkspaces() {
	for _, r := range c.m.Resources {
		if r.Data {
			continue
		}
		body := r.Body()
		switch r.Type {
		case "google_notebooks_instance":
			c.mustBeTrue(r, body, "no_public_ip", r.Range(), "has a public IP address")
		case "google_workbench_instance":
			gce := tfeval.Block(body, "gce_setup")
			if gce != nil {
				c.mustBeTrue(r, gce.Body, "disable_public_ip", gce.TypeRange, "gets a public IP address")
			} else if loc, ok := c.loc(r.Range()); ok {
				c.pass.Report(analysis.Diagnostic{Rule: rules.WorkspacePublicNetwork, Location: loc, Evidence: declaredAs(r),
					Message: fmt.Sprintf("%s has no gce_setup { disable_public_ip = true }: the instance gets a public IP address", r.Addr()),
					Assets:  c.assetsOf(r)})
			}
		case "azurerm_machine_learning_workspace":
			v := c.m.Eval(body, "public_network_access_enabled")
			s, ok := v.Str()
			at, d := v.Range(), analysis.Diagnostic{Rule: rules.WorkspacePublicNetwork, Evidence: v.Source(), Assets: c.assetsOf(r)}
			switch {
			case !v.Present():
				at, d.Evidence = r.Range(), declaredAs(r)
				d.Message = fmt.Sprintf("%s does not set public_network_access_enabled = false (the default is true): the workspace is reachable from any network", r.Addr())
			case !ok:
				d.Rule, d.Message = rules.Unresolved, unresolvedMsg(v, rules.WorkspacePublicNetwork, r.Addr())
			case s == "true":
				d.Message = fmt.Sprintf("%s sets public_network_access_enabled = true: the workspace is reachable from any network", r.Addr())
			default:
				continue
			}
			if loc, in := c.loc(at); in {
				d.Location, d.Related = loc, c.definedElsewhere(exprOf(v))
				c.pass.Report(d)
			}
		}
	}
}

// mustBeTrue reports a boolean attribute that is not set to true; at is
// where an unset one is reported.
func (c *checker) mustBeTrue(r *tfeval.Resource, body *hclsyntax.Body, name string, at hcl.Range, effect string) {
	v := c.m.Eval(body, name)
	s, ok := v.Str()
	d := analysis.Diagnostic{Rule: rules.WorkspacePublicNetwork, Evidence: v.Source(), Assets: c.assetsOf(r)}
	switch {
	case !v.Present():
		d.Evidence = declaredAs(r)
		d.Message = fmt.Sprintf("%s does not set %s = true: the instance %s", r.Addr(), name, effect)
	case !ok:
		at, d.Rule, d.Message = v.Range(), rules.Unresolved, unresolvedMsg(v, rules.WorkspacePublicNetwork, r.Addr())
	case s != "true":
		at, d.Message = v.Range(), fmt.Sprintf("%s sets %s = %s: the instance %s", r.Addr(), name, s, effect)
	default:
		return
	}
	if loc, in := c.loc(at); in {
		d.Location, d.Related = loc, c.definedElsewhere(exprOf(v))
		c.pass.Report(d)
	}
}
