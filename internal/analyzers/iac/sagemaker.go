package iac

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

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
						c.addUse(r, b, isWriteKey(kp), seen)
					}
				})
			}
			if len(found) == 0 {
				for _, addr := range tfeval.Refs(a.Expr) {
					if b := c.bucketByAddr(addr); b != nil {
						c.addUse(r, b, isWriteKey(keyPath), seen)
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

func (c *checker) addUse(r *tfeval.Resource, b *bucket, write bool, seen map[string]bool) {
	key := fmt.Sprintf("%s|%s|%v", r.Addr(), b.Key, write)
	if seen[key] {
		return
	}
	seen[key] = true
	if !b.ML {
		b.ML, b.MLWhy = true, "it is used by "+r.Addr()
	}
	c.uses = append(c.uses, use{From: r, B: b, Write: write})
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

// defaultEnabled reports an attribute that is "Enabled" or unset (the
// provider's default is Enabled).
func (c *checker) defaultEnabled(r *tfeval.Resource, name string, rl *rule.Rule, effect string) {
	v := c.m.Eval(r.Body(), name)
	s, ok := v.Str()
	switch {
	case !v.Present():
		c.report(rl, r.Range(), "resource \""+r.Type+"\" \""+r.Name+"\"",
			"%s does not set %s, which defaults to \"Enabled\" and %s", r.Addr(), name, effect)
	case !ok:
		c.unresolved(v, rl, r.Addr())
	case s == "Enabled":
		c.report(rl, v.Range(), v.Source(), "%s sets %s = \"Enabled\", which %s", r.Addr(), name, effect)
	}
}

// requireKey reports a SageMaker resource without a customer-managed key.
func (c *checker) requireKey(r *tfeval.Resource, name, what string) {
	if tfeval.Attr(r.Body(), name) != nil {
		return
	}
	c.report(rules.SageMakerNoKMS, r.Range(), "resource \""+r.Type+"\" \""+r.Name+"\"",
		"%s has no %s: %s is encrypted with an AWS-managed key", r.Addr(), name, what)
}

// checkIsolation reports a model with neither network isolation nor a VPC.
func (c *checker) checkIsolation(r *tfeval.Resource) {
	if tfeval.Block(r.Body(), "vpc_config") != nil {
		return
	}
	v := c.m.Eval(r.Body(), "enable_network_isolation")
	s, ok := v.Str()
	switch {
	case !v.Present():
		c.report(rules.SageMakerNoNetworkIsolation, r.Range(), "resource \""+r.Type+"\" \""+r.Name+"\"",
			"%s sets neither enable_network_isolation = true nor a vpc_config: its containers have outbound internet access", r.Addr())
	case !ok:
		c.unresolved(v, rules.SageMakerNoNetworkIsolation, r.Addr())
	case s != "true":
		c.report(rules.SageMakerNoNetworkIsolation, v.Range(), v.Source(),
			"%s sets enable_network_isolation = %s and has no vpc_config: its containers have outbound internet access", r.Addr(), s)
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
		if !v.Present() {
			continue
		}
		raw := v.Raw()
		bs := c.bucketsIn(raw)
		lower := strings.ToLower(raw)
		switch {
		case strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://"):
			c.reportSev(rules.SageMakerModelPublicSource, rules.SageMakerModelPublicSource.Severity, v.Range(), v.Source(),
				fmt.Sprintf("%s loads its model artifact from the web URL %s, outside the team's access control", r.Addr(), redactURL(raw)), nil)
		case len(bs) > 0:
			for _, b := range bs {
				if b.Public {
					how := "readable"
					if b.Write {
						how = "writable"
					}
					c.reportSev(rules.SageMakerModelPublicSource, rules.SageMakerModelPublicSource.Severity, v.Range(), v.Source(),
						fmt.Sprintf("%s loads its model artifact from %s, which this configuration makes publicly %s", r.Addr(), b.Title(), how),
						[]string{b.AssetID()})
				}
			}
		case !v.Resolved():
			c.unresolved(v, rules.SageMakerModelPublicSource, r.Addr())
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
		ev := "resource \"" + r.Type + "\" \"" + r.Name + "\""
		switch r.Type {
		case "google_notebooks_instance":
			c.mustBeTrue(r, body, "no_public_ip", r.Range(), "has a public IP address")
		case "google_workbench_instance":
			gce := tfeval.Block(body, "gce_setup")
			if gce == nil {
				c.report(rules.WorkspacePublicNetwork, r.Range(), ev,
					"%s has no gce_setup { disable_public_ip = true }: the instance gets a public IP address", r.Addr())
				continue
			}
			c.mustBeTrue(r, gce.Body, "disable_public_ip", gce.TypeRange, "gets a public IP address")
		case "azurerm_machine_learning_workspace":
			v := c.m.Eval(body, "public_network_access_enabled")
			s, ok := v.Str()
			switch {
			case !v.Present():
				c.report(rules.WorkspacePublicNetwork, r.Range(), ev,
					"%s does not set public_network_access_enabled = false (the default is true): the workspace is reachable from any network", r.Addr())
			case !ok:
				c.unresolved(v, rules.WorkspacePublicNetwork, r.Addr())
			case s == "true":
				c.report(rules.WorkspacePublicNetwork, v.Range(), v.Source(),
					"%s sets public_network_access_enabled = true: the workspace is reachable from any network", r.Addr())
			}
		}
	}
}

// mustBeTrue reports a boolean attribute that is not set to true.
func (c *checker) mustBeTrue(r *tfeval.Resource, body *hclsyntax.Body, name string, at hcl.Range, effect string) {
	v := c.m.Eval(body, name)
	s, ok := v.Str()
	switch {
	case !v.Present():
		c.report(rules.WorkspacePublicNetwork, at, "resource \""+r.Type+"\" \""+r.Name+"\"",
			"%s does not set %s = true: the instance %s", r.Addr(), name, effect)
	case !ok:
		c.unresolved(v, rules.WorkspacePublicNetwork, r.Addr())
	case s != "true":
		c.report(rules.WorkspacePublicNetwork, v.Range(), v.Source(), "%s sets %s = %s: the instance %s", r.Addr(), name, s, effect)
	}
}
