package tfeval

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// evalAttrs loads src and evaluates every attribute of resource "t" "r".
func evalAttrs(t *testing.T, src string) (map[string]Value, *Module) {
	t.Helper()
	m := load(t, src)
	r := m.Resource("t.r")
	if r == nil {
		t.Fatal("no resource t.r")
	}
	out := map[string]Value{}
	for _, a := range SortedAttrs(r.Body()) {
		out[a.Name] = m.EvalAttr(a)
	}
	return out, m
}

// TestEval checks the evaluation model: what resolves, and what becomes a
// placeholder, fails or stays partly known.
func TestEval(t *testing.T) {
	vs, _ := evalAttrs(t, `
variable "env" {
  default = "prod"
}
variable "nodefault" {}
variable "computed" {
  default = "${var.env}-x"
}
locals {
  name   = "${local.prefix}-training"
  prefix = "acme-${var.env}"
}
resource "t" "r" {
  lit        = "a"
  num        = 8080
  bool       = true
  vdef       = var.env
  vnodef     = var.nodefault
  vcomputed  = var.computed
  chain      = local.name
  ref        = aws_s3_bucket.b.arn
  indexed    = aws_s3_bucket.c[0].arn
  each       = each.value
  partial    = "${var.nodefault}-data"
  fn         = upper(var.env)
  nofn       = file("/etc/passwd")
  json       = jsonencode({ Resource = aws_s3_bucket.b.arn })
  list       = ["a", var.env]
  unresolved = ["a", var.nodefault]
}
`)
	for name, want := range map[string]struct {
		str      string // "" when Str must fail
		raw      string
		resolved bool
		failed   bool
	}{
		"lit":        {"a", "a", true, false},
		"num":        {"8080", "", true, false},
		"bool":       {"true", "", true, false},
		"vdef":       {"prod", "prod", true, false},
		"vnodef":     {"", "${var.nodefault}", false, false},
		"vcomputed":  {"", "${var.computed}", false, false}, // a default is a literal, not an expression
		"chain":      {"acme-prod-training", "acme-prod-training", true, false},
		"ref":        {"", "${aws_s3_bucket.b.arn}", false, false},
		"indexed":    {"", "", false, false},
		"each":       {"", "${each.value}", false, false},
		"partial":    {"", "${var.nodefault}-data", false, false},
		"fn":         {"PROD", "PROD", true, false},
		"nofn":       {"", "", false, true},
		"json":       {"", `{"Resource":"${aws_s3_bucket.b.arn}"}`, false, false},
		"list":       {"", "", true, false},
		"unresolved": {"", "", false, false},
	} {
		v, ok := vs[name]
		if !ok {
			t.Errorf("%s: not evaluated", name)
			continue
		}
		s, sok := v.Str()
		if sok != (want.str != "") || s != want.str {
			t.Errorf("%s: Str() = %q, %v; want %q", name, s, sok, want.str)
		}
		if got := v.Raw(); got != want.raw {
			t.Errorf("%s: Raw() = %q, want %q", name, got, want.raw)
		}
		if v.Resolved() != want.resolved || v.Failed != want.failed || !v.Present() {
			t.Errorf("%s: resolved %v failed %v present %v; want %v, %v, true", name, v.Resolved(), v.Failed, v.Present(), want.resolved, want.failed)
		}
	}
}

// TestLocalCycle checks that locals referring to each other settle on
// placeholders instead of looping.
func TestLocalCycle(t *testing.T) {
	vs, _ := evalAttrs(t, `
locals {
  a = local.b
  b = local.a
  c = "${local.c}x"
}
resource "t" "r" {
  a = local.a
  c = local.c
}
`)
	if vs["a"].Resolved() || !strings.Contains(vs["a"].Raw(), "${local.") {
		t.Errorf("cycle: %q resolved %v", vs["a"].Raw(), vs["a"].Resolved())
	}
	if vs["c"].Resolved() || !strings.HasPrefix(vs["c"].Raw(), "${local.c}") {
		t.Errorf("self-reference: %q", vs["c"].Raw())
	}
}

// TestLocalRounds checks the bound on chained locals: a chain of
// maxLocalRounds-1 links resolves, a longer one does not.
func TestLocalRounds(t *testing.T) {
	chain := func(n int) string {
		var b strings.Builder
		b.WriteString("locals {\n  l0 = \"x\"\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "  l%d = local.l%d\n", i, i-1)
		}
		fmt.Fprintf(&b, "}\nresource \"t\" \"r\" {\n  v = local.l%d\n}\n", n)
		return b.String()
	}
	if vs, _ := evalAttrs(t, chain(maxLocalRounds-1)); !vs["v"].Resolved() {
		t.Errorf("a chain of %d locals is unresolved: %q", maxLocalRounds-1, vs["v"].Raw())
	}
	if vs, _ := evalAttrs(t, chain(3*maxLocalRounds)); vs["v"].Resolved() {
		t.Errorf("a chain of %d locals resolved past the bound", 3*maxLocalRounds)
	}
}

// TestEvalExpr checks evaluating a jsonencode argument in place, which
// keeps its placeholders as strings inside the structure.
func TestEvalExpr(t *testing.T) {
	m := load(t, `resource "t" "r" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Resource = aws_s3_bucket.b.arn }] })
}
`)
	call := Attr(m.Resource("t.r").Body(), "policy").Expr.(*hclsyntax.FunctionCallExpr)
	v, ok := m.EvalExpr(call.Args[0])
	if !ok {
		t.Fatal("EvalExpr failed")
	}
	want := map[string]any{"Statement": []any{map[string]any{"Effect": "Allow", "Resource": "${aws_s3_bucket.b.arn}"}}}
	if got := ToGo(v); !reflect.DeepEqual(got, want) {
		t.Errorf("ToGo = %#v", got)
	}
}

// TestRefs checks which traversals name resources.
func TestRefs(t *testing.T) {
	m := load(t, `resource "t" "r" {
  a = [aws_s3_bucket.b.id, data.aws_iam_policy_document.d.json, var.x, local.y, module.m.out, each.key, count.index, aws_iam_role.r[0].arn, data.x]
}
`)
	got := Refs(ExprOf(m.Resource("t.r").Body(), "a"))
	want := []string{"aws_s3_bucket.b", "data.aws_iam_policy_document.d", "aws_iam_role.r"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Refs = %v, want %v", got, want)
	}
	if Refs(nil) != nil || ExprOf(nil, "a") != nil || Attr(nil, "a") != nil {
		t.Error("nil body or expression")
	}
}

// TestBlocks checks that dynamic blocks' content counts as the block.
func TestBlocks(t *testing.T) {
	m := load(t, `resource "t" "r" {
  ingress {
    a = 1
  }
  dynamic "ingress" {
    for_each = var.rules
    content {
      a = ingress.value
    }
  }
  egress {}
}
`)
	body := m.Resource("t.r").Body()
	if n := len(Blocks(body, "ingress")); n != 2 {
		t.Errorf("%d ingress blocks, want 2", n)
	}
	if Block(body, "egress") == nil || Block(body, "none") != nil {
		t.Error("Block")
	}
}

func TestPlaceholderHelpers(t *testing.T) {
	s := "arn:${aws_s3_bucket.b.arn}/*, ${data.aws_iam_policy_document.d.json} ${var.x}"
	if got := PlaceholderRefs(s, 8); !reflect.DeepEqual(got, []string{"aws_s3_bucket.b", "data.aws_iam_policy_document.d"}) {
		t.Errorf("PlaceholderRefs = %v", got)
	}
	if got := PlaceholderRefs("${var.x} ${local.y} ${each.value} ${module.m.o}", 8); got != nil {
		t.Errorf("PlaceholderRefs of non-resources = %v", got)
	}
	if got := PlaceholderRefs(s, 1); len(got) != 1 {
		t.Errorf("PlaceholderRefs bounded to 1 = %v", got)
	}
	for in, want := range map[string]string{
		" ${data.aws_iam_policy_document.d.json}\n": "data.aws_iam_policy_document.d",
		"${aws_s3_bucket.b}":                        "aws_s3_bucket.b",
		"x${aws_s3_bucket.b.arn}":                   "",
		"${aws_s3_bucket.b.arn}${aws_s3_bucket.c}":  "",
		"${var.x}": "",
	} {
		if got, ok := PlaceholderRef(in); got != want || ok != (want != "") {
			t.Errorf("PlaceholderRef(%q) = %q, %v", in, got, ok)
		}
	}
	if got := StripPlaceholders("${var.env}-training-${local.x}"); got != " -training- " {
		t.Errorf("StripPlaceholders = %q", got)
	}
	if !ContainsPlaceholder("a${b}") || ContainsPlaceholder("a$b") {
		t.Error("ContainsPlaceholder")
	}
}

func TestStringsOf(t *testing.T) {
	for _, tc := range []struct {
		v    cty.Value
		want []string
		ok   bool
	}{
		{cty.StringVal("a"), []string{"a"}, true},
		{cty.StringVal("${var.x}"), []string{"${var.x}"}, false},
		{cty.NullVal(cty.String), nil, true},
		{cty.UnknownVal(cty.String), nil, false},
		{cty.NumberIntVal(1), nil, false},
		{cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}), []string{"a", "b"}, true},
		{cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.NumberIntVal(1)}), []string{"a"}, false},
		{cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("${x.y}")}), []string{"a", "${x.y}"}, false},
	} {
		got, ok := StringsOf(tc.v)
		if !reflect.DeepEqual(got, tc.want) || ok != tc.ok {
			t.Errorf("StringsOf(%#v) = %v, %v; want %v, %v", tc.v, got, ok, tc.want, tc.ok)
		}
	}
}

func TestToGo(t *testing.T) {
	v := cty.ObjectVal(map[string]cty.Value{
		"s": cty.StringVal("x"),
		"n": cty.NumberIntVal(2),
		"b": cty.True,
		"z": cty.NullVal(cty.String),
		"u": cty.UnknownVal(cty.String),
		"l": cty.TupleVal([]cty.Value{cty.StringVal("a")}),
	})
	want := map[string]any{"s": "x", "n": 2.0, "b": true, "z": nil, "u": Unknown{}, "l": []any{"a"}}
	if got := ToGo(v); !reflect.DeepEqual(got, want) {
		t.Errorf("ToGo = %#v", got)
	}
	// Deeper than maxValueDepth: Unknown, not unbounded recursion.
	deep := cty.StringVal("x")
	for range maxValueDepth + 4 {
		deep = cty.TupleVal([]cty.Value{deep})
	}
	g := ToGo(deep)
	for range maxValueDepth + 1 {
		g = g.([]any)[0]
	}
	if _, ok := g.(Unknown); !ok {
		t.Errorf("past the depth bound: %#v", g)
	}
}
