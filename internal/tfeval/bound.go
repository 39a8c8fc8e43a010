package tfeval

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Size bounds. Rounds and nesting depth bound how long evaluation runs, but
// not how large a value grows: a few KiB of locals that each interpolate the
// previous one two hundred times, five deep, ask for 10·200⁴ bytes (16 GB),
// and the Go runtime's "out of memory" is fatal, not a panic anyone can
// recover. Checking a value's size after it is evaluated is too late: one
// template of 700 000 `${local.big}` in an 8 MiB file allocates 700 000
// times whatever cap a local has. Numbers are a second trap:
// `"${1e100000000}"` is 16 bytes of source, but turning that number into
// text (templates, jsonencode, upper, map keys all do) writes a hundred
// million digits, which takes minutes.
//
// So every expression is estimated before it is evaluated: the sizer walks
// its syntax tree with the sizes of the values it refers to and returns an
// upper bound of the size of its value and of everything allocated on the
// way (its work). An expression whose work or size exceeds maxEvalWork, or
// whose work would overdraw the budget of maxModuleWork (one for the
// variable defaults, one per round of locals, one for the attributes, so
// that what is held in memory at once stays bounded), is not evaluated: a
// local stays its placeholder, an attribute fails evaluation (Value.Failed
// and TooLarge), and the caller treats it as unresolved.
//
// Sizes count string bytes, the decimal digits a number would print as, and
// elemCost per collection element (a cty element costs tens of bytes of Go
// memory whatever its content).
const (
	maxEvalWork     = 4 << 20   // per evaluated expression
	maxModuleWork   = 128 << 20 // summed over the evaluations of one phase of a module
	maxNumberDigits = 4096      // a number longer than this in decimal is not evaluated
	elemCost        = 32
	// maxMeasureSteps bounds how many values one sizer visits to measure
	// what expressions refer to; past it, coarser bounds are used.
	maxMeasureSteps = 1 << 24
	inf             = int64(1) << 60 // "too large": saturates all arithmetic below
)

func add(a, b int64) int64 {
	if a >= inf-b {
		return inf
	}
	return a + b
}

func mul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a >= inf/b {
		return inf
	}
	return a * b
}

// shape bounds a value: its size; for a collection, how many elements it
// has and how large the largest one is (with its key); and how many digits
// it would have if converted to a number.
type shape struct {
	size, count, elem, num int64
}

// opaque is a value of which only a size bound is known: it may be a
// collection of that many elements, or a string of that many bytes, which
// may spell a number with up to 10^size digits ("1e99999").
func opaque(n int64) shape { return shape{size: n, count: n, elem: n, num: pow10(n)} }

// scalar is a value that is not a collection.
func scalar(n, num int64) shape { return shape{size: n, num: num} }

func pow10(n int64) int64 {
	if n >= 18 {
		return inf
	}
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

func maxShape(a, b shape) shape {
	return shape{size: max(a.size, b.size), count: max(a.count, b.count), elem: max(a.elem, b.elem), num: max(a.num, b.num)}
}

// est is the estimate of one expression: the shape of its value and the
// work of evaluating it.
type est struct {
	shape
	work int64
}

// digitsOf bounds the length of a number's decimal text ('f' format, as cty
// converts numbers to strings) from its binary exponent and precision,
// without printing it.
func digitsOf(v cty.Value) int64 {
	f := v.AsBigFloat()
	if f.IsInf() || f.Sign() == 0 {
		return 4
	}
	e := int64(f.MantExp(nil))
	if e < 0 {
		e = -e
	}
	// log10(2) < 0.30103; a sign, a point and rounding fit in the 3.
	return e*30103/100000 + int64(f.Prec())*30103/100000 + 3
}

// strDigits bounds the digits of the number a string converts to: its own
// length plus its decimal exponent ("1e99999" has 100 000 digits).
func strDigits(s string) int64 {
	if len(s) > maxNumberDigits {
		return inf
	}
	mant, exp, hasExp := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "e")
	d := int64(len(mant)) + 160 // a 512-bit mantissa prints in at most 155 digits
	if !hasExp {
		return d
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(exp, "+"), 10, 64)
	if err != nil {
		return inf
	}
	if n < 0 {
		n = -n
	}
	return add(d, n)
}

// sizer estimates expressions against one evaluation context.
type sizer struct {
	ctx *hcl.EvalContext
	// locals bounds the shape of each local in ctx: measuring a local
	// that aliases a large value anew for every reference would cost more
	// than evaluating it.
	locals map[string]shape
	coarse map[string]shape // "var.x", "aws_s3_bucket.b": measured once
	memo   map[string]shape // full traversals, measured precisely
	steps  int64            // measuring steps left
}

func newSizer(ctx *hcl.EvalContext, locals map[string]shape) *sizer {
	return &sizer{ctx: ctx, locals: locals, coarse: map[string]shape{}, memo: map[string]shape{}, steps: maxMeasureSteps}
}

// env binds the iterators of enclosing for and splat expressions to the
// shape of one element of what they iterate.
type env struct {
	vars map[string]shape
	anon shape
}

func (en env) with(names []string, sh shape) env {
	vars := make(map[string]shape, len(en.vars)+len(names))
	for k, v := range en.vars {
		vars[k] = v
	}
	for _, n := range names {
		if n != "" {
			vars[n] = sh
		}
	}
	return env{vars: vars, anon: en.anon}
}

// bound estimates e and reports whether it may be evaluated.
func (s *sizer) bound(e hclsyntax.Expression) (est, bool) {
	x := s.expr(e, env{})
	return x, x.work <= maxEvalWork && x.size <= maxEvalWork
}

// expr estimates an expression. Any expression type it does not know is
// taken to be too large: refusing a value is safe, underestimating is not.
func (s *sizer) expr(e hclsyntax.Expression, en env) est {
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		sh, ok := s.measure(e.Val, false)
		if !ok {
			return est{opaque(inf), inf}
		}
		return est{sh, 1}
	case *hclsyntax.TemplateWrapExpr:
		return s.expr(e.Wrapped, en)
	case *hclsyntax.ParenthesesExpr:
		return s.expr(e.Expression, en)
	case *hclsyntax.ScopeTraversalExpr:
		sh, work := s.traversal(e.Traversal, en)
		return est{sh, work}
	case *hclsyntax.RelativeTraversalExpr:
		src := s.expr(e.Source, en)
		// A part of a value is no larger than the value.
		return est{src.shape, add(src.work, keyWork(e.Traversal))}
	case *hclsyntax.AnonSymbolExpr:
		return est{en.anon, 1}
	case *hclsyntax.TemplateExpr:
		var size, work int64
		for _, p := range e.Parts {
			x := s.expr(p, en)
			size, work = add(size, x.size), add(work, x.work)
		}
		return est{opaque(size), add(work, size)}
	case *hclsyntax.TemplateJoinExpr:
		x := s.expr(e.Tuple, en)
		return est{opaque(x.size), add(x.work, x.size)}
	case *hclsyntax.TupleConsExpr:
		sh, work := shape{size: elemCost, num: 1}, int64(elemCost)
		for _, item := range e.Exprs {
			x := s.expr(item, en)
			sh.size = add(sh.size, add(x.size, elemCost))
			sh.count++
			sh.elem = max(sh.elem, x.size)
			work = add(work, add(x.work, elemCost))
		}
		return est{sh, work}
	case *hclsyntax.ObjectConsExpr:
		sh, work := shape{size: elemCost, num: 1}, int64(elemCost)
		for _, item := range e.Items {
			k, v := s.expr(item.KeyExpr, en), s.expr(item.ValueExpr, en)
			sh.size = add(sh.size, add(add(k.size, v.size), elemCost))
			sh.count++
			sh.elem = max(sh.elem, add(k.size, v.size))
			work = add(work, add(add(k.work, v.work), add(k.size, elemCost)))
		}
		return est{sh, work}
	case *hclsyntax.ObjectConsKeyExpr:
		if kw := hcl.ExprAsKeyword(e.Wrapped); kw != "" && !e.ForceNonLiteral {
			return est{scalar(int64(len(kw)), 1), 1}
		}
		return s.expr(e.Wrapped, en)
	case *hclsyntax.FunctionCallExpr:
		return s.call(e, en)
	case *hclsyntax.ConditionalExpr:
		c, t, f := s.expr(e.Condition, en), s.expr(e.TrueResult, en), s.expr(e.FalseResult, en)
		sh := maxShape(t.shape, f.shape)
		// Both results are evaluated, and one may be converted to the
		// other's type.
		return est{sh, add(add(c.work, add(t.work, f.work)), sh.size)}
	case *hclsyntax.IndexExpr:
		c, k := s.expr(e.Collection, en), s.expr(e.Key, en)
		// A map key is converted to a string: a number key prints its digits.
		return est{opaque(c.elem), add(add(c.work, k.work), k.size)}
	case *hclsyntax.ForExpr:
		return s.forExpr(e, en)
	case *hclsyntax.SplatExpr:
		src := s.expr(e.Source, en)
		// A splat over a value that is not a list iterates that one value;
		// either way no element is larger than the source.
		each := s.expr(e.Each, env{vars: en.vars, anon: opaque(src.size)})
		n := max(src.count, 1)
		sh := shape{size: add(elemCost, mul(n, add(each.size, elemCost))), count: n, elem: each.size, num: 1}
		return est{sh, add(add(src.work, mul(n, add(each.work, elemCost))), sh.size)}
	case *hclsyntax.BinaryOpExpr:
		l, r := s.expr(e.LHS, en), s.expr(e.RHS, en)
		// Comparing walks both operands.
		work := add(add(l.work, r.work), add(l.size, r.size))
		switch e.Op {
		case hclsyntax.OpEqual, hclsyntax.OpNotEqual, hclsyntax.OpLogicalAnd, hclsyntax.OpLogicalOr:
			return est{scalar(5, 5), add(work, 5)}
		}
		// Arithmetic and ordering convert both operands to numbers.
		if l.num > maxNumberDigits || r.num > maxNumberDigits {
			return est{opaque(inf), inf}
		}
		switch e.Op {
		case hclsyntax.OpAdd, hclsyntax.OpSubtract, hclsyntax.OpMultiply, hclsyntax.OpDivide, hclsyntax.OpModulo:
			// Exponents add under * and /; + and - are no worse.
			d := l.num + r.num + 160
			if d > maxNumberDigits {
				return est{opaque(inf), inf}
			}
			return est{scalar(d, d), add(work, d)}
		}
		return est{scalar(5, 5), add(work, 5)}
	case *hclsyntax.UnaryOpExpr:
		v := s.expr(e.Val, en)
		if e.Op == hclsyntax.OpNegate {
			if v.num > maxNumberDigits {
				return est{opaque(inf), inf}
			}
			return est{scalar(v.num+1, v.num+1), add(v.work, v.num+1)}
		}
		return est{scalar(5, 5), add(v.work, 5)}
	case *hclsyntax.ExprSyntaxError:
		return est{scalar(1, 1), 1}
	}
	return est{opaque(inf), inf}
}

func (s *sizer) forExpr(e *hclsyntax.ForExpr, en env) est {
	coll := s.expr(e.CollExpr, en)
	// A key is an index (a few digits) or a map key, counted in elem.
	inner := en.with([]string{e.KeyVar, e.ValVar}, opaque(add(coll.elem, 20)))
	var key, val, cond est
	if e.KeyExpr != nil {
		key = s.expr(e.KeyExpr, inner)
	}
	val = s.expr(e.ValExpr, inner)
	if e.CondExpr != nil {
		cond = s.expr(e.CondExpr, inner)
	}
	n := coll.count
	per := add(add(key.size, val.size), elemCost)
	sh := shape{size: add(elemCost, mul(n, per)), count: n, elem: per, num: 1}
	if e.Group {
		sh.elem = sh.size // grouped values gather into one list per key
	}
	body := add(add(key.work, val.work), add(cond.work, elemCost))
	return est{sh, add(add(coll.work, mul(n, body)), sh.size)}
}

// call estimates a call to one of the functions of eval.go.
func (s *sizer) call(e *hclsyntax.FunctionCallExpr, en env) est {
	args := make([]est, len(e.Args))
	var sum, work, count, elem, num int64
	for i, a := range e.Args {
		args[i] = s.expr(a, en)
		sum, work = add(sum, args[i].size), add(work, args[i].work)
		count, elem, num = add(count, args[i].count), max(elem, args[i].elem), max(num, args[i].num)
	}
	var sh shape
	switch {
	case e.ExpandFinal:
		// f(list...): the final list's elements become arguments.
		sh = opaque(mul(sum, sum))
	case e.Name == "lower" || e.Name == "upper":
		sh = opaque(mul(3, sum)) // a case mapping can triple a character's UTF-8 length
	case e.Name == "jsonencode":
		sh = opaque(add(mul(6, sum), 2)) // "\u003c" for every "<"
	case e.Name == "join" && len(args) > 0:
		// The separator is written between every two elements.
		var lists, n int64
		for _, a := range args[1:] {
			lists, n = add(lists, a.size), add(n, a.count)
		}
		sh = opaque(add(lists, mul(args[0].size, n)))
	case e.Name == "replace" && len(args) == 3:
		// An empty or regexp search may match at every position.
		sh = opaque(mul(add(args[0].size, 1), add(args[2].size, 1)))
	case e.Name == "tonumber":
		if num > maxNumberDigits {
			return est{opaque(inf), inf}
		}
		sh = scalar(num, num)
	case e.Name == "concat" || e.Name == "merge" || e.Name == "coalesce" || e.Name == "tolist" || e.Name == "toset":
		sh = shape{size: sum, count: count, elem: max(elem, sum/max(count, 1)), num: num}
		if e.Name == "coalesce" {
			sh.elem = max(sh.elem, sum) // a scalar argument is the result
		}
	case e.Name == "tostring" || e.Name == "tobool" || e.Name == "trimspace":
		sh = shape{size: sum, count: sum, elem: sum, num: num}
	default:
		sh = opaque(sum)
	}
	return est{sh, add(work, sh.size)}
}

// keyWork is what converting a traversal's index keys costs: a number key
// on a map is printed.
func keyWork(t hcl.Traversal) int64 {
	var w int64
	for _, step := range t {
		if ix, ok := step.(hcl.TraverseIndex); ok && ix.Key.IsKnown() && !ix.Key.IsNull() && ix.Key.Type() == cty.Number {
			d := digitsOf(ix.Key)
			if d > maxNumberDigits {
				return inf
			}
			w = add(w, d)
		}
	}
	return add(w, 1)
}

// traversal estimates a reference. Referring to a value allocates nothing;
// its shape is measured, precisely while steps are left, else from the
// bound of the local or variable it starts in.
func (s *sizer) traversal(t hcl.Traversal, en env) (shape, int64) {
	work := keyWork(t)
	if work >= inf {
		return opaque(inf), inf
	}
	root := t.RootName()
	if sh, ok := en.vars[root]; ok {
		return sh, work // an iterator: no part of it is larger than it
	}
	if s.ctx == nil {
		return scalar(1, 1), work // a variable default: it may refer to nothing
	}
	if _, ok := s.ctx.Variables[root]; !ok {
		return scalar(1, 1), work // evaluation fails: unknown variable
	}
	head, name := root, ""
	if len(t) > 1 {
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			name = a.Name
			head += "." + name
		}
	}
	base, ok := s.coarse[head]
	if !ok {
		if sh, isLocal := s.locals[name]; root == "local" && isLocal {
			base = sh
		} else {
			prefix := t[:1]
			if name != "" {
				prefix = t[:2]
			}
			// An undeclared variable fails evaluation and allocates
			// nothing; a value too large to measure is too large.
			base = scalar(1, 1)
			if v, d := prefix.TraverseAbs(s.ctx); !d.HasErrors() {
				sh, ok := s.measure(v, true)
				if !ok {
					sh = opaque(inf)
				}
				base = sh
			}
		}
		s.coarse[head] = base
	}
	if (name != "" && len(t) == 2) || len(t) == 1 {
		return base, work
	}
	key, ok := traversalKey(t)
	if !ok {
		return base, work
	}
	if sh, ok := s.memo[key]; ok {
		return sh, work
	}
	sh := base
	if v, d := t.TraverseAbs(s.ctx); !d.HasErrors() {
		if m, ok := s.measure(v, true); ok && m.size <= base.size {
			sh = m
		}
	}
	s.memo[key] = sh
	return sh, work
}

// traversalKey spells a traversal for the memo; ok is false for one that
// cannot be spelled cheaply.
func traversalKey(t hcl.Traversal) (string, bool) {
	var b strings.Builder
	for _, step := range t {
		switch st := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(st.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + st.Name)
		case hcl.TraverseIndex:
			k := st.Key
			switch {
			case !k.IsKnown() || k.IsNull():
				return "", false
			case k.Type() == cty.String:
				b.WriteString("." + k.AsString())
			case k.Type() == cty.Number:
				b.WriteString("[" + k.AsBigFloat().Text('g', 20) + "]")
			default:
				return "", false
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

// measure returns a value's shape. Counted measuring stops when the sizer's
// steps run out (ok false); uncounted measuring is for literals, which are
// primitives.
func (s *sizer) measure(v cty.Value, counted bool) (shape, bool) {
	if counted {
		if s.steps <= 0 {
			return shape{}, false
		}
		s.steps--
	}
	if !v.IsKnown() || v.IsNull() {
		return scalar(1, 1), true
	}
	t := v.Type()
	switch {
	case t == cty.String:
		str := v.AsString()
		return scalar(int64(len(str)), strDigits(str)), true
	case t == cty.Number:
		d := digitsOf(v)
		if d > maxNumberDigits {
			return shape{}, false
		}
		return scalar(d, d), true
	case t == cty.Bool:
		return scalar(5, 5), true
	case t.IsListType() || t.IsSetType() || t.IsTupleType() || t.IsMapType() || t.IsObjectType():
		if !counted {
			return shape{}, false
		}
		sh := shape{size: elemCost, num: 1}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			es, ok := s.measure(e, true)
			if !ok {
				return shape{}, false
			}
			var kl int64
			if k.Type() == cty.String {
				kl = int64(len(k.AsString()))
			}
			sh.size = add(sh.size, add(add(kl, es.size), elemCost))
			sh.count++
			sh.elem = max(sh.elem, add(kl, es.size))
		}
		return sh, true
	}
	return scalar(1, 1), true
}
