package tfeval

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// maxWalkDepth bounds how deep walkExprs descends into nested blocks. Parse
// depth is already bounded (limits.go); this keeps every walk of the syntax
// tree bounded too, whatever reaches it.
const maxWalkDepth = 32

// Attr returns the named attribute of body, or nil (also for a nil body).
func Attr(body *hclsyntax.Body, name string) *hclsyntax.Attribute {
	if body == nil {
		return nil
	}
	return body.Attributes[name]
}

// ExprOf returns the expression of the named attribute, or nil.
func ExprOf(body *hclsyntax.Body, name string) hclsyntax.Expression {
	if a := Attr(body, name); a != nil {
		return a.Expr
	}
	return nil
}

// Blocks returns the nested blocks of body with the given type, in source
// order, including the `content` of `dynamic "typ"` blocks (whose values
// usually depend on the iterator and so come out unresolved).
func Blocks(body *hclsyntax.Body, typ string) []*hclsyntax.Block {
	if body == nil {
		return nil
	}
	var out []*hclsyntax.Block
	for _, b := range body.Blocks {
		switch {
		case b.Type == typ:
			out = append(out, b)
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == typ:
			for _, c := range b.Body.Blocks {
				if c.Type == "content" {
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// Block returns the first nested block of the given type, as Blocks finds
// them, or nil.
func Block(body *hclsyntax.Body, typ string) *hclsyntax.Block {
	if bs := Blocks(body, typ); len(bs) > 0 {
		return bs[0]
	}
	return nil
}

// SortedAttrs returns body's attributes in source order: the map HCL
// keeps them in has none, and callers' output must be deterministic.
func SortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

// Refs lists the resource addresses an expression mentions, such as
// "aws_s3_bucket.training" for `aws_s3_bucket.training.id` and
// "data.aws_iam_policy_document.read" for its `.json`. References to
// var, local, module, each, count, self, path and terraform are not
// resource addresses and are left out.
func Refs(expr hclsyntax.Expression) []string {
	if expr == nil {
		return nil
	}
	var out []string
	for _, t := range expr.Variables() {
		if a := traversalAddr(t); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// traversalAddr is the resource address at the head of a traversal, or "".
func traversalAddr(t hcl.Traversal) string {
	root := t.RootName()
	names := traversalNames(t)
	switch {
	case nonResourceRoots[root]:
		return ""
	case root == "data":
		if len(names) == 3 && names[1] != "" && names[2] != "" {
			return strings.Join(names, ".")
		}
	case len(names) >= 2 && names[1] != "":
		return names[0] + "." + names[1]
	}
	return ""
}

// nonResourceRoots are the names a traversal may start with that are not
// resource types.
var nonResourceRoots = map[string]bool{
	"var": true, "local": true, "module": true, "each": true, "count": true, "self": true,
	"path": true, "terraform": true,
}

// walkExprs calls fn on every attribute expression in body, nested blocks
// included, up to maxWalkDepth.
func walkExprs(body *hclsyntax.Body, depth int, fn func(hclsyntax.Expression)) {
	if body == nil || depth > maxWalkDepth {
		return
	}
	for _, a := range body.Attributes {
		fn(a.Expr)
	}
	for _, b := range body.Blocks {
		walkExprs(b.Body, depth+1, fn)
	}
}
