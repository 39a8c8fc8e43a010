package tfeval

import (
	"bytes"
	"testing"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// fuzzSeeds are small modules in the shapes Load and the evaluator handle:
// variables, chained and cyclic locals, references, companions in a
// sibling, policies, dynamic blocks, templates and heredocs.
var fuzzSeeds = [][2]string{
	{`variable "env" {
  default = "prod"
}
locals {
  name = "${var.env}-training"
}
resource "aws_s3_bucket" "b" {
  bucket = local.name
  tags   = { Purpose = "ml" }
}
`, `resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}
`},
	{`resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = ["s3:GetObject"], Resource = "${aws_s3_bucket.b.arn}/*" }]
  })
}
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.b.arn]
  }
}
`, `resource "aws_s3_bucket" "b" {
  bucket = "acme-models"
}
`},
	{`locals {
  a = local.b
  b = local.a
  c = [for s in var.list : upper(s)]
  d = var.x ? "a" : "b"
}
resource "aws_security_group" "sg" {
  count = 100000000
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.port
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
`, `variable "list" {
  default = ["a", "b"]
}
`},
	{`resource "aws_iam_policy" "p" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
EOF
  name = "p-${count.index}"
}
`, `resource "broken" {`},
	{`locals {
  list = ["a", "bb", "ccc"]
  m    = { a = "x", b = ["y", "z"] }
  n    = 12.5
}
resource "t" "r" {
  tmpl   = "%{for s in local.list}${upper(s)}-%{endfor}${local.n * 3}"
  for    = { for k, v in local.m : k => v }
  group  = { for s in local.list : substr(s, 0, 1) => s... }
  splat  = local.list[*]
  cond   = local.n > 3 ? join(",", local.list) : replace(local.list[0], "", "--")
  index  = local.m["b"][1]
  json   = jsonencode({ a = local.list, n = -local.n, b = !true })
  num    = tonumber("1e3") + 1
  merged = merge(local.m, { c = "w" })
  coal   = coalesce("", "x")
}
`, ""},
	{"", ""},
}

// FuzzLoad loads a primary file with one sibling and evaluates every
// attribute. It must not panic or hang on any input (a file Load rejects is
// fine), every position it hands out must name the file it is in and a
// real line of that file, and no evaluated value may be larger than its
// estimate (bound.go).
//
//	go test -run '^$' -fuzz FuzzLoad -fuzztime 60s ./internal/tfeval
func FuzzLoad(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, primary, sibling []byte) {
		files := map[string][]byte{"main.tf": primary, "sib.tf": sibling}
		m, err := Load(File{Path: "main.tf", Content: primary}, []File{{Path: "sib.tf", Content: sibling}})
		if err != nil {
			return
		}
		check := func(what string, a *hclsyntax.Attribute, v Value) {
			r := v.Range()
			src, ok := files[r.Filename]
			if !ok {
				t.Fatalf("%s: position in unknown file %q", what, r.Filename)
			}
			if m.InPrimary(r) != (r.Filename == "main.tf") {
				t.Fatalf("%s: InPrimary wrong for %s", what, r.Filename)
			}
			if r.Start.Line < 1 || r.Start.Line > bytes.Count(src, []byte("\n"))+1 {
				t.Fatalf("%s: line %d is not a line of %s", what, r.Start.Line, r.Filename)
			}
			if r.End.Byte <= len(src) && r.Start.Byte <= r.End.Byte {
				if got := v.Source(); len(got) > 0 && !bytes.HasPrefix(src[r.Start.Byte:], []byte(a.Name)) {
					t.Fatalf("%s: Source %q is not the attribute's own text", what, got)
				}
			}
			v.Str()
			v.Raw()
			v.Resolved()
			ToGo(v.V)
			StringsOf(v.V)
		}
		var walk func(body *hclsyntax.Body, depth int)
		walk = func(body *hclsyntax.Body, depth int) {
			if body == nil || depth > maxWalkDepth {
				return
			}
			for _, a := range SortedAttrs(body) {
				v := m.EvalAttr(a)
				check(a.Name, a, v)
				checkBound(t, m, a, v)
				Refs(a.Expr)
			}
			for _, b := range body.Blocks {
				walk(b.Body, depth+1)
			}
		}
		for _, r := range m.Resources {
			if _, ok := files[r.Range().Filename]; !ok {
				t.Fatalf("%s declared in unknown file %q", r.Addr(), r.Range().Filename)
			}
			walk(r.Body(), 0)
		}
	})
}

// checkBound fails when an evaluated value is larger than the sizer said
// it could be: an underestimate is how a size bomb gets through.
func checkBound(t *testing.T, m *Module, a *hclsyntax.Attribute, v Value) {
	t.Helper()
	if v.Failed {
		return
	}
	x := m.sizer.expr(a.Expr, env{})
	got, ok := newSizer(nil, nil).measure(v.V, true)
	if ok && got.size > x.size {
		t.Fatalf("%s: value of size %d, estimated at most %d", a.Name, got.size, x.size)
	}
}
