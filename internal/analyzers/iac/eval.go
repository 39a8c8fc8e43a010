package iac

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Evaluation model. Terraform is not run: an expression is evaluated with
//
//   - var.NAME: the `default` of the file's `variable "NAME"` block; a
//     variable without one evaluates to the placeholder "${var.NAME}";
//   - local.NAME: the file's `locals`, evaluated in a few rounds so locals
//     may use each other;
//   - any other reference (aws_s3_bucket.training.arn, data.x.y.json,
//     module.m.out, each.value…): the placeholder "${aws_s3_bucket.training.arn}".
//
// Placeholders keep strings partly known ("${var.env}-training-data" still
// names training data) and let rules follow references through evaluated
// values (a bucket policy's Resource), while any value that contains one is
// "unresolved" when a rule has to decide on it.

// maxLocalRounds bounds the fixed-point evaluation of locals that refer to
// each other; a chain longer than this stays partly unresolved.
const maxLocalRounds = 6

// functions are the pure, bounded functions policies and names commonly
// use. Anything else fails evaluation and makes the value unresolved.
var functions = map[string]function.Function{
	"jsonencode": stdlib.JSONEncodeFunc,
	"lower":      stdlib.LowerFunc,
	"upper":      stdlib.UpperFunc,
	"join":       stdlib.JoinFunc,
	"concat":     stdlib.ConcatFunc,
	"merge":      stdlib.MergeFunc,
	"coalesce":   stdlib.CoalesceFunc,
	"trimspace":  stdlib.TrimSpaceFunc,
	"replace":    stdlib.ReplaceFunc,
	"tostring":   stdlib.MakeToFunc(cty.String),
	"tolist":     stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	"toset":      stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
	"tobool":     stdlib.MakeToFunc(cty.Bool),
	"tonumber":   stdlib.MakeToFunc(cty.Number),
}

// buildContext makes the evaluation context of a module: the analyzed
// file's body first, then its siblings'. A variable or local defined twice
// keeps its first definition.
func buildContext(bodies []*hclsyntax.Body) *hcl.EvalContext {
	// Placeholders for every non-var, non-local reference in the module.
	tree := &refNode{}
	for _, body := range bodies {
		walkExprs(body, 0, func(e hclsyntax.Expression) {
			for _, t := range e.Variables() {
				if r := t.RootName(); r != "var" && r != "local" {
					tree.add(t)
				}
			}
		})
	}
	vars := map[string]cty.Value{}
	for name, n := range tree.kids {
		vars[name] = n.value(name)
	}
	ctx := &hcl.EvalContext{Variables: vars, Functions: functions}

	// Variables: literal defaults, evaluated without context.
	vs := map[string]cty.Value{}
	var localAttrs []*hclsyntax.Attribute
	seenLocal := map[string]bool{}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			switch {
			case b.Type == "variable" && len(b.Labels) == 1:
				name := b.Labels[0]
				if _, dup := vs[name]; dup {
					continue
				}
				vs[name] = placeholder("var." + name)
				if a := attr(b.Body, "default"); a != nil {
					if v, d := a.Expr.Value(nil); !d.HasErrors() && v.IsWhollyKnown() {
						vs[name] = v
					}
				}
			case b.Type == "locals":
				for _, a := range sortedAttrs(b.Body) {
					if !seenLocal[a.Name] {
						seenLocal[a.Name] = true
						localAttrs = append(localAttrs, a)
					}
				}
			}
		}
	}
	vars["var"] = cty.ObjectVal(vs)

	// Locals: start as placeholders, then re-evaluate until nothing changes.
	ls := map[string]cty.Value{}
	for _, a := range localAttrs {
		ls[a.Name] = placeholder("local." + a.Name)
	}
	for round := 0; round < maxLocalRounds && len(localAttrs) > 0; round++ {
		vars["local"] = cty.ObjectVal(ls)
		next := make(map[string]cty.Value, len(ls))
		changed := false
		for _, a := range localAttrs {
			v, d := a.Expr.Value(ctx)
			if d.HasErrors() || !v.IsWhollyKnown() {
				v = placeholder("local." + a.Name)
			}
			next[a.Name] = v
			if !v.RawEquals(ls[a.Name]) {
				changed = true
			}
		}
		ls = next
		if !changed {
			break
		}
	}
	vars["local"] = cty.ObjectVal(ls)
	return ctx
}

// placeholder is the string standing for a value mlsec cannot know.
func placeholder(ref string) cty.Value { return cty.StringVal("${" + ref + "}") }

// refNode is a tree of the attribute paths a file references, from which
// nested placeholder objects are built: aws_s3_bucket → training → arn.
type refNode struct {
	kids    map[string]*refNode
	dynamic bool // referenced with an index or splat: unknown
}

func (n *refNode) add(t hcl.Traversal) {
	for i, step := range t {
		var name string
		switch s := step.(type) {
		case hcl.TraverseRoot:
			name = s.Name
		case hcl.TraverseAttr:
			name = s.Name
		default:
			n.dynamic = true
			return
		}
		if n.kids == nil {
			n.kids = map[string]*refNode{}
		}
		k := n.kids[name]
		if k == nil {
			k = &refNode{}
			n.kids[name] = k
		}
		n = k
		if i >= 8 { // deeper paths are not worth modelling
			n.dynamic = true
			return
		}
	}
}

func (n *refNode) value(path string) cty.Value {
	switch {
	case n.dynamic:
		return cty.DynamicVal
	case len(n.kids) == 0:
		return placeholder(path)
	}
	obj := make(map[string]cty.Value, len(n.kids))
	for name, k := range n.kids {
		obj[name] = k.value(path + "." + name)
	}
	return cty.ObjectVal(obj)
}

// walkExprs calls fn on every attribute expression in body, nested blocks
// included, up to a fixed depth.
func walkExprs(body *hclsyntax.Body, depth int, fn func(hclsyntax.Expression)) {
	if body == nil || depth > 32 {
		return
	}
	for _, a := range body.Attributes {
		fn(a.Expr)
	}
	for _, b := range body.Blocks {
		walkExprs(b.Body, depth+1, fn)
	}
}

// value is an evaluated attribute.
type value struct {
	V      cty.Value
	Attr   *hclsyntax.Attribute // nil when absent
	Failed bool                 // evaluation failed: unresolved
}

// Present reports whether the attribute is set.
func (v value) Present() bool { return v.Attr != nil }

// Resolved reports whether the value is fully known: set, evaluated, and
// free of placeholders.
func (v value) Resolved() bool {
	return v.Attr != nil && !v.Failed && v.V.IsWhollyKnown() && !hasPlaceholder(v.V, 0)
}

// Str returns the value as a string when it is a resolved primitive.
func (v value) Str() (string, bool) {
	if !v.Resolved() || v.V.IsNull() {
		return "", false
	}
	switch v.V.Type() {
	case cty.String:
		return v.V.AsString(), true
	case cty.Bool:
		if v.V.True() {
			return "true", true
		}
		return "false", true
	case cty.Number:
		return v.V.AsBigFloat().Text('f', -1), true
	}
	return "", false
}

// Raw returns the string value even when it holds placeholders (for
// names and references), or "" when it is not a known string.
func (v value) Raw() string {
	if v.Attr == nil || v.Failed || !v.V.IsKnown() || v.V.IsNull() || v.V.Type() != cty.String {
		return ""
	}
	return v.V.AsString()
}

// Line is the attribute's line, or 0 when absent.
func (v value) Line() int {
	if v.Attr == nil {
		return 0
	}
	return v.Attr.SrcRange.Start.Line
}

// Source is the attribute as written, for evidence.
func (v value) Source(src []byte) string {
	if v.Attr == nil {
		return ""
	}
	r := v.Attr.SrcRange
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	s := string(src[r.Start.Byte:r.End.Byte])
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}

// eval evaluates the named attribute of body.
func (m *module) eval(body *hclsyntax.Body, name string) value {
	a := attr(body, name)
	if a == nil {
		return value{}
	}
	return m.evalAttr(a)
}

func (m *module) evalAttr(a *hclsyntax.Attribute) value {
	if v, ok := m.memo[a]; ok {
		return v
	}
	v, d := a.Expr.Value(m.ctx)
	out := value{Attr: a, V: v}
	if d.HasErrors() {
		out = value{Attr: a, Failed: true, V: cty.DynamicVal}
	}
	m.memo[a] = out
	return out
}

// hasPlaceholder reports whether a value holds a "${…}" placeholder.
func hasPlaceholder(v cty.Value, depth int) bool {
	if depth > 32 || !v.IsKnown() || v.IsNull() {
		return false
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return strings.Contains(v.AsString(), "${")
	case t.IsListType() || t.IsSetType() || t.IsTupleType() || t.IsMapType() || t.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if hasPlaceholder(e, depth+1) {
				return true
			}
		}
	}
	return false
}

// strings returns a list-like value's known string elements; a single
// string is a list of one. The bool is false when any element is unresolved.
func stringsOf(v cty.Value) ([]string, bool) {
	if !v.IsKnown() {
		return nil, false
	}
	if v.IsNull() {
		return nil, true
	}
	t := v.Type()
	if t == cty.String {
		s := v.AsString()
		return []string{s}, !strings.Contains(s, "${")
	}
	if !(t.IsListType() || t.IsSetType() || t.IsTupleType()) {
		return nil, false
	}
	var out []string
	ok := true
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsKnown() || e.IsNull() || e.Type() != cty.String {
			ok = false
			continue
		}
		s := e.AsString()
		if strings.Contains(s, "${") {
			ok = false
		}
		out = append(out, s)
	}
	return out, ok
}
