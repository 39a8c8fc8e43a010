package tfeval

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Evaluation model. Terraform is not run: an expression is evaluated with
//
//   - var.NAME: the `default` of the module's `variable "NAME"` block; a
//     variable without one (or with a default that is not a literal)
//     evaluates to the placeholder "${var.NAME}";
//   - local.NAME: the module's `locals`, evaluated in a few rounds so locals
//     may use each other;
//   - any other reference (aws_s3_bucket.training.arn, data.x.y.json,
//     module.m.out, each.value, count.index…): the placeholder
//     "${aws_s3_bucket.training.arn}". `count` and `for_each` are never
//     expanded, so `count = 100000000` costs nothing.
//
// Placeholders keep strings partly known ("${var.env}-training-data" still
// names training data) and let callers follow references through evaluated
// values (a bucket policy's Resource), while any value that contains one is
// not Resolved when a caller has to decide on it. A variable or local
// defined in more than one file keeps its first definition, the primary
// file's first.

// maxLocalRounds bounds the fixed-point evaluation of locals that refer to
// each other. A reference cycle (`a = local.b`, `b = local.a`) settles on
// placeholders; a chain longer than this stays partly unresolved instead
// of costing one round per link.
//
// The rounds bound time, not size: a local that interpolates the previous
// one hundreds of times, chained a few deep, multiplies its size each round.
// Every local, default and attribute is therefore estimated before it is
// evaluated and left unevaluated when it would be too large (see bound.go).
const maxLocalRounds = 6

// maxRefDepth bounds how deep the placeholder objects of one reference
// (aws_s3_bucket.training.arn) are modelled; a deeper path is unknown.
const maxRefDepth = 8

// maxValueDepth bounds the recursion into nested evaluated values.
const maxValueDepth = 32

// functions are the pure, bounded functions policies and names commonly
// use. Anything else fails evaluation and makes the value unresolved: in
// particular file(), templatefile() and fileset(), which would read paths
// the scanned repository chooses, and range(), which would allocate a list
// as long as it asks for.
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

// buildContext makes the evaluation context of a module from its bodies,
// the primary file's first, and the sizer its attributes are estimated
// with. A variable or local defined twice keeps its first definition. Every
// default and local is admitted (bound.go) before it is evaluated.
func (m *Module) buildContext(bodies []*hclsyntax.Body) {
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

	// Variables: literal defaults, evaluated without context, so a default
	// cannot refer to anything (Terraform forbids it too).
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
				a := Attr(b.Body, "default")
				if a == nil {
					m.defs["var."+name] = Definition{At: b.DefRange()}
					continue
				}
				m.defs["var."+name] = Definition{At: a.SrcRange, Expr: a.Expr}
				if m.admit(noContext, a.Expr) {
					if v, d := a.Expr.Value(nil); !d.HasErrors() && v.IsWhollyKnown() {
						vs[name] = v
					}
				}
			case b.Type == "locals":
				for _, a := range SortedAttrs(b.Body) {
					if !seenLocal[a.Name] {
						seenLocal[a.Name] = true
						localAttrs = append(localAttrs, a)
						m.defs["local."+a.Name] = Definition{At: a.SrcRange, Expr: a.Expr}
					}
				}
			}
		}
	}
	vars["var"] = cty.ObjectVal(vs)

	// Locals: start as placeholders, then re-evaluate until nothing changes
	// or maxLocalRounds is reached. A local too large to evaluate stays (or
	// turns back into) its placeholder, so the next round builds on a few
	// bytes rather than on its size.
	ls := map[string]cty.Value{}
	shapes := map[string]shape{}
	for _, a := range localAttrs {
		ls[a.Name] = placeholder("local." + a.Name)
		shapes[a.Name] = placeholderShape("local." + a.Name)
	}
	for round := 0; round < maxLocalRounds && len(localAttrs) > 0; round++ {
		// Each round has the whole budget: it replaces the previous
		// round's values, and a local admitted once is admitted again.
		m.budget = maxModuleWork
		vars["local"] = cty.ObjectVal(ls)
		sz := newSizer(ctx, shapes)
		next := make(map[string]cty.Value, len(ls))
		nextShapes := make(map[string]shape, len(ls))
		changed := false
		for _, a := range localAttrs {
			v, sh := placeholder("local."+a.Name), placeholderShape("local."+a.Name)
			if x, ok := m.admitEst(sz, a.Expr); ok {
				if ev, d := a.Expr.Value(ctx); !d.HasErrors() && ev.IsWhollyKnown() {
					v, sh = ev, x.shape
					// The estimate compounds along a chain of locals
					// (upper() counts three bytes a byte); measure the
					// value itself while there are steps left.
					if msh, ok := sz.measure(ev, true); ok && msh.size <= sh.size {
						sh = msh
					}
				}
			}
			next[a.Name], nextShapes[a.Name] = v, sh
			if !v.RawEquals(ls[a.Name]) {
				changed = true
			}
		}
		ls, shapes = next, nextShapes
		if !changed {
			break
		}
	}
	vars["local"] = cty.ObjectVal(ls)
	m.ctx, m.sizer = ctx, newSizer(ctx, shapes)
	m.budget = maxModuleWork // for the attributes
}

func placeholderShape(ref string) shape {
	n := int64(len(ref) + 3)
	return scalar(n, n)
}

// noContext sizes variable defaults, which are evaluated without context.
// With no context and no measuring steps it is never written to, so
// concurrent analyses may share it.
var noContext = &sizer{}

// admit reports whether e may be evaluated, charging its work to the
// current budget: the variable defaults', one round of locals' or the
// attributes'.
func (m *Module) admit(s *sizer, e hclsyntax.Expression) bool {
	_, ok := m.admitEst(s, e)
	return ok
}

func (m *Module) admitEst(s *sizer, e hclsyntax.Expression) (est, bool) {
	x, ok := s.bound(e)
	if !ok || x.work > m.budget {
		m.refused[e] = true
		return x, false
	}
	m.budget -= x.work
	return x, true
}

// placeholder is the string standing for a value tfeval cannot know.
func placeholder(ref string) cty.Value { return cty.StringVal("${" + ref + "}") }

// refNode is a tree of the attribute paths a module references, from which
// nested placeholder objects are built: aws_s3_bucket → training → arn.
type refNode struct {
	kids    map[string]*refNode
	dynamic bool // referenced with an index or splat, or too deep: unknown
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
		if i >= maxRefDepth { // deeper paths are not worth modelling
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

// Value is an evaluated attribute.
type Value struct {
	V      cty.Value
	Attr   *hclsyntax.Attribute // nil when absent
	Failed bool                 // evaluation failed (an unsupported function, a type error, too large): unresolved
	// TooLarge says the attribute was not evaluated because its value, or
	// the work of computing it, would exceed the bounds of bound.go.
	TooLarge bool
	src      []byte // the content of the attribute's file, for Source
}

// Present reports whether the attribute is set.
func (v Value) Present() bool { return v.Attr != nil }

// Resolved reports whether the value is fully known: set, evaluated, and
// free of placeholders.
func (v Value) Resolved() bool {
	return v.Attr != nil && !v.Failed && v.V.IsWhollyKnown() && !hasPlaceholder(v.V, 0)
}

// Str returns the value as a string when it is a resolved primitive
// (booleans as "true"/"false", numbers in decimal).
func (v Value) Str() (string, bool) {
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
		// Printing a number with a huge exponent writes every digit and
		// takes minutes; EvalAttr refuses such values, this keeps a Value
		// built some other way from doing it.
		if digitsOf(v.V) > maxNumberDigits {
			return "", false
		}
		return v.V.AsBigFloat().Text('f', -1), true
	}
	return "", false
}

// Raw returns the string value even when it holds placeholders (for
// names and references), or "" when it is not a known string.
func (v Value) Raw() string {
	if v.Attr == nil || v.Failed || !v.V.IsKnown() || v.V.IsNull() || v.V.Type() != cty.String {
		return ""
	}
	return v.V.AsString()
}

// Range is where the attribute is written: its file and its lines in that
// file. It is the zero Range, in no file, when the attribute is absent.
func (v Value) Range() hcl.Range {
	if v.Attr == nil {
		return hcl.Range{}
	}
	return v.Attr.SrcRange
}

// Source is the attribute as written in its own file, cut at the first
// line break, for evidence; "" when absent.
func (v Value) Source() string {
	if v.Attr == nil {
		return ""
	}
	return sourceText(v.src, v.Attr.SrcRange)
}

// hasPlaceholder reports whether a value holds a "${…}" placeholder.
func hasPlaceholder(v cty.Value, depth int) bool {
	if depth > maxValueDepth || !v.IsKnown() || v.IsNull() {
		return false
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return ContainsPlaceholder(v.AsString())
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

// ContainsPlaceholder reports whether an evaluated string holds a
// placeholder, so is only partly known.
func ContainsPlaceholder(s string) bool { return strings.Contains(s, "${") }

// placeholderRE matches any placeholder.
var placeholderRE = regexp.MustCompile(`\$\{[^}]*\}`)

// StripPlaceholders replaces every placeholder in s with a space, leaving
// the parts of a partly known string that are known.
func StripPlaceholders(s string) string { return placeholderRE.ReplaceAllString(s, " ") }

// refRE matches a placeholder of a dotted reference; its first group is
// the address it starts with ("aws_s3_bucket.b", "data.x.y", but also
// "var.x"; see isResourceAddr).
var refRE = regexp.MustCompile(`\$\{((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)(?:\.[A-Za-z0-9_.-]+)?\}`)

// isResourceAddr reports whether an address refRE found names a resource
// or data source rather than a variable, local, module output or iterator.
func isResourceAddr(addr string) bool {
	root, _, _ := strings.Cut(addr, ".")
	return !nonResourceRoots[root]
}

// PlaceholderRefs returns the resource addresses ("aws_s3_bucket.b",
// "data.aws_iam_policy_document.d") of the resource placeholders among the
// first n placeholders of an evaluated string. n bounds the work on a
// string that repeats placeholders.
func PlaceholderRefs(s string, n int) []string {
	var out []string
	for _, m := range refRE.FindAllStringSubmatch(s, n) {
		if isResourceAddr(m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// PlaceholderRef returns the resource address when s, spaces trimmed, is
// exactly one resource placeholder, such as the evaluated
// `data.aws_iam_policy_document.read.json`.
func PlaceholderRef(s string) (string, bool) {
	s = strings.TrimSpace(s)
	m := refRE.FindStringSubmatch(s)
	if m == nil || s != m[0] || !isResourceAddr(m[1]) {
		return "", false
	}
	return m[1], true
}

// StringsOf returns a list-like value's known string elements; a single
// string is a list of one and null an empty list. ok is false when any
// element is unknown, not a string, or holds a placeholder.
func StringsOf(v cty.Value) (out []string, ok bool) {
	if !v.IsKnown() {
		return nil, false
	}
	if v.IsNull() {
		return nil, true
	}
	t := v.Type()
	if t == cty.String {
		s := v.AsString()
		return []string{s}, !ContainsPlaceholder(s)
	}
	if !(t.IsListType() || t.IsSetType() || t.IsTupleType()) {
		return nil, false
	}
	ok = true
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if !e.IsKnown() || e.IsNull() || e.Type() != cty.String {
			ok = false
			continue
		}
		s := e.AsString()
		if ContainsPlaceholder(s) {
			ok = false
		}
		out = append(out, s)
	}
	return out, ok
}

// Unknown stands, in the result of ToGo, for a value that could not be
// evaluated.
type Unknown struct{}

// ToGo converts an evaluated value to the shapes encoding/json decodes
// into (string, bool, float64, map[string]any, []any, nil), with Unknown
// for what could not be evaluated and for values nested deeper than
// maxValueDepth.
func ToGo(v cty.Value) any { return toGo(v, 0) }

func toGo(v cty.Value, depth int) any {
	if depth > maxValueDepth || !v.IsKnown() {
		return Unknown{}
	}
	if v.IsNull() {
		return nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Bool:
		return v.True()
	case t == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f
	case t.IsObjectType() || t.IsMapType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out[k.AsString()] = toGo(e, depth+1)
		}
		return out
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		var out []any
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, toGo(e, depth+1))
		}
		return out
	}
	return Unknown{}
}

// Definition is where a variable or local is given its value.
type Definition struct {
	// At is the variable's `default` attribute, or its block header when
	// it has none; for a local, its attribute.
	At hcl.Range
	// Expr is the default's or the local's expression; nil for a variable
	// without a default.
	Expr hclsyntax.Expression
}

// Definition returns where "var.NAME" or "local.NAME" is defined in the
// module: the definition that evaluation uses, the primary file's first.
func (m *Module) Definition(ref string) (Definition, bool) {
	d, ok := m.defs[ref]
	return d, ok
}

// Refused is how many expressions (defaults, locals, attributes) were left
// unevaluated because they would exceed the size bounds of bound.go. Real
// modules never come near them: a caller should treat a module with
// refusals as not fully analyzed.
func (m *Module) Refused() int { return len(m.refused) }
