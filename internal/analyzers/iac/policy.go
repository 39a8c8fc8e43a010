package iac

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mlsec/mlsec/internal/tfeval"
)

// statement is one IAM or bucket policy statement, reduced to what the
// rules need.
type statement struct {
	At          hcl.Range // the statement, or the attribute holding a JSON policy
	Allow       bool
	AnyoneCan   bool // Principal "*" or {"AWS": "*"}
	Principal   bool // a Principal or principals block is present
	Actions     []string
	NotAction   bool // Actions lists NotAction entries
	Resources   []string
	Condition   bool
	Unresolved  bool // effect, principal or action could not be resolved
	FromDataDoc bool
}

// policyStatements reads the policy an attribute holds: a jsonencode({…})
// call, a JSON string or heredoc, or a reference to a
// data "aws_iam_policy_document" block of the module. ok is false when the
// policy could not be read at all.
func (c *checker) policyStatements(a *hclsyntax.Attribute) (sts []statement, ok bool) {
	if a == nil {
		return nil, false
	}
	at := a.SrcRange
	// jsonencode: evaluate the argument so that placeholders inside it stay
	// strings rather than making the whole document unknown.
	if call, isCall := a.Expr.(*hclsyntax.FunctionCallExpr); isCall && call.Name == "jsonencode" && len(call.Args) == 1 {
		v, ok := c.m.EvalExpr(call.Args[0])
		if !ok {
			return nil, false
		}
		return statementsOf(tfeval.ToGo(v), at), true
	}
	v := c.m.EvalAttr(a)
	s := v.Raw()
	if s == "" {
		return nil, false
	}
	if addr, ok := tfeval.PlaceholderRef(s); ok && strings.HasPrefix(addr, "data.aws_iam_policy_document.") {
		doc := c.m.Resource(addr)
		if doc == nil {
			return nil, false
		}
		return c.documentStatements(doc), true
	}
	var doc any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return nil, false
	}
	return statementsOf(doc, at), true
}

// documentStatements reads a data "aws_iam_policy_document" block.
func (c *checker) documentStatements(doc *tfeval.Resource) []statement {
	var out []statement
	for _, b := range tfeval.Blocks(doc.Body(), "statement") {
		st := statement{At: b.TypeRange, Allow: true, FromDataDoc: true}
		if v := c.m.Eval(b.Body, "effect"); v.Present() {
			if s, ok := v.Str(); ok {
				st.Allow = strings.EqualFold(s, "Allow")
			} else {
				st.Unresolved = true
			}
		}
		for _, name := range []string{"actions", "not_actions"} {
			v := c.m.Eval(b.Body, name)
			if !v.Present() {
				continue
			}
			acts, ok := tfeval.StringsOf(v.V)
			if v.Failed || !ok {
				st.Unresolved = true
			}
			st.Actions = append(st.Actions, acts...)
			st.NotAction = name == "not_actions"
		}
		for _, name := range []string{"resources", "not_resources"} {
			if v := c.m.Eval(b.Body, name); v.Present() && !v.Failed {
				rs, _ := tfeval.StringsOf(v.V)
				st.Resources = append(st.Resources, rs...)
			}
		}
		for _, p := range tfeval.Blocks(b.Body, "principals") {
			st.Principal = true
			typ, tok := c.m.Eval(p.Body, "type").Str()
			ids := c.m.Eval(p.Body, "identifiers")
			list, iok := tfeval.StringsOf(ids.V)
			if !tok || ids.Failed || !iok {
				st.Unresolved = true
				continue
			}
			if typ == "*" || typ == "AWS" {
				for _, id := range list {
					if id == "*" {
						st.AnyoneCan = true
						st.At = p.TypeRange
					}
				}
			}
		}
		st.Condition = len(tfeval.Blocks(b.Body, "condition")) > 0
		out = append(out, st)
	}
	return out
}

// statementsOf reads the statements of a decoded JSON policy document.
func statementsOf(doc any, at hcl.Range) []statement {
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil
	}
	var raw []any
	switch s := obj["Statement"].(type) {
	case []any:
		raw = s
	case map[string]any:
		raw = []any{s}
	}
	var out []statement
	for _, r := range raw {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		st := statement{At: at, Allow: true}
		switch e := m["Effect"].(type) {
		case string:
			st.Allow = strings.EqualFold(e, "Allow")
		case nil:
		default:
			st.Unresolved = true
		}
		if p, has := m["Principal"]; has {
			st.Principal = true
			anyone, ok := wildcardPrincipal(p)
			st.AnyoneCan = anyone
			st.Unresolved = st.Unresolved || !ok
		}
		for _, key := range []string{"Action", "NotAction"} {
			if v, has := m[key]; has {
				acts, ok := jsonStrings(v)
				st.Actions = append(st.Actions, acts...)
				st.NotAction = key == "NotAction"
				st.Unresolved = st.Unresolved || !ok
			}
		}
		for _, key := range []string{"Resource", "NotResource"} {
			rs, _ := jsonStrings(m[key])
			st.Resources = append(st.Resources, rs...)
		}
		_, st.Condition = m["Condition"]
		out = append(out, st)
	}
	return out
}

// wildcardPrincipal reports whether a JSON Principal means everyone; ok is
// false when part of it could not be resolved.
func wildcardPrincipal(p any) (anyone, ok bool) {
	switch v := p.(type) {
	case string:
		if tfeval.ContainsPlaceholder(v) {
			return false, false
		}
		return v == "*", true
	case map[string]any:
		ok = true
		for k, ids := range v {
			list, lok := jsonStrings(ids)
			ok = ok && lok
			if k != "AWS" {
				continue
			}
			for _, id := range list {
				if id == "*" {
					anyone = true
				}
			}
		}
		return anyone, ok
	case tfeval.Unknown:
		return false, false
	}
	return false, true
}

// jsonStrings reads a JSON string or list of strings; ok is false when an
// element is unresolved.
func jsonStrings(v any) (out []string, ok bool) {
	ok = true
	add := func(e any) {
		s, isStr := e.(string)
		if !isStr || tfeval.ContainsPlaceholder(s) {
			ok = false
		}
		if isStr {
			out = append(out, s)
		}
	}
	switch v := v.(type) {
	case nil:
	case []any:
		for _, e := range v {
			add(e)
		}
	default:
		add(v)
	}
	return out, ok
}

// writeActions are the S3 actions that change data, policies or versions.
var writeActions = []string{"s3:putobject", "s3:deleteobject", "s3:deleteobjectversion", "s3:putobjectacl",
	"s3:putbucketpolicy", "s3:putbucketacl", "s3:putbucketversioning", "s3:deletebucket", "s3:putlifecycleconfiguration"}

// readActions are the S3 actions that read data.
var readActions = []string{"s3:getobject", "s3:getobjectversion", "s3:listbucket"}

// grants reports whether the statement's actions cover any of the given
// actions, honouring wildcards and NotAction.
func (st statement) grants(actions []string) bool {
	for _, want := range actions {
		matched := false
		for _, pat := range st.Actions {
			if ok, _ := path.Match(strings.ToLower(pat), want); ok {
				matched = true
				break
			}
		}
		if matched != st.NotAction {
			return true
		}
	}
	return false
}

// fullAccess reports whether the statement allows "*" or "s3:*".
func (st statement) fullAccess() bool {
	if st.NotAction {
		return false
	}
	for _, a := range st.Actions {
		if a == "*" || strings.EqualFold(a, "s3:*") {
			return true
		}
	}
	return false
}
