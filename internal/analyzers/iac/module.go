package iac

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// maxBlocks bounds how many top-level blocks one file may declare; a real
// Terraform file has dozens, a hostile one may have millions.
const maxBlocks = 20000

// resource is one `resource` or `data` block.
type resource struct {
	Type, Name string
	Data       bool
	Block      *hclsyntax.Block
}

// Addr is the resource's Terraform address: "aws_s3_bucket.training" or
// "data.aws_iam_policy_document.read".
func (r *resource) Addr() string {
	if r.Data {
		return "data." + r.Type + "." + r.Name
	}
	return r.Type + "." + r.Name
}

// Body is the resource's body.
func (r *resource) Body() *hclsyntax.Body { return r.Block.Body }

// Line is the line of the block header.
func (r *resource) Line() int { return r.Block.TypeRange.Start.Line }

// module is one parsed Terraform file with its evaluation context.
type module struct {
	resources []*resource
	byAddr    map[string]*resource
	byType    map[string][]*resource
	ctx       *hcl.EvalContext
	memo      map[*hclsyntax.Attribute]value // evaluated attributes
}

// parseModule parses src and indexes its resources, with those of the
// sibling files of its module (see siblings.go) for context. The error names
// the first syntax error's line of src, so the engine can report the file as
// failed; a sibling that does not parse or is over the limits is left out,
// since it is reported when it is analyzed itself.
func parseModule(src []byte, filename string, siblings []sibling) (*module, error) {
	if err := checkLimits(src, filename); err != nil {
		return nil, err
	}
	body, err := parseBody(src, filename, hcl.InitialPos)
	if err != nil {
		return nil, err
	}
	m := &module{byAddr: map[string]*resource{}, byType: map[string][]*resource{}, memo: map[*hclsyntax.Attribute]value{}}
	m.index(body)
	bodies := []*hclsyntax.Body{body}
	// Parse only the siblings that can matter to this file: those naming
	// something it declares or refers to (see relevance.go). A module of
	// thirty files is then not parsed thirty times over.
	keys := keysOf(body, true)
	parsed := make([]bool, len(siblings))
	for round := 0; round < maxRelevanceRounds; round++ {
		grew := false
		for i, sib := range siblings {
			if parsed[i] || !mentions(sib.src, keys) {
				continue
			}
			parsed[i] = true
			if checkLimits(sib.src, sib.name) != nil {
				continue
			}
			start := hcl.Pos{Line: (i + 1) * siblingLineBase, Column: 1, Byte: 0}
			b, err := parseBody(sib.src, sib.name, start)
			if err != nil {
				continue
			}
			m.index(b)
			bodies = append(bodies, b)
			for k := range keysOf(b, false) {
				if !keys[k] {
					keys[k] = true
					grew = true
				}
			}
		}
		if !grew {
			break
		}
	}
	m.ctx = buildContext(bodies)
	return m, nil
}

// parseBody parses one file into its native-syntax body.
func parseBody(src []byte, filename string, start hcl.Pos) (*hclsyntax.Body, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, start)
	if diags.HasErrors() {
		return nil, syntaxError(diags)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("not native HCL syntax")
	}
	if len(body.Blocks) > maxBlocks {
		return nil, fmt.Errorf("%d top-level blocks, over the limit of %d", len(body.Blocks), maxBlocks)
	}
	return body, nil
}

// index adds the resource and data blocks of body. An address already
// declared (by the analyzed file, indexed first) keeps its first
// declaration: Terraform would reject the duplicate anyway.
func (m *module) index(body *hclsyntax.Body) {
	for _, b := range body.Blocks {
		var r *resource
		switch {
		case b.Type == "resource" && len(b.Labels) == 2:
			r = &resource{Type: b.Labels[0], Name: b.Labels[1], Block: b}
		case b.Type == "data" && len(b.Labels) == 2:
			r = &resource{Type: b.Labels[0], Name: b.Labels[1], Data: true, Block: b}
		default:
			continue
		}
		if m.byAddr[r.Addr()] != nil {
			continue
		}
		m.resources = append(m.resources, r)
		m.byAddr[r.Addr()] = r
		if !r.Data {
			m.byType[r.Type] = append(m.byType[r.Type], r)
		}
	}
}

// syntaxError turns HCL diagnostics into one error that names the line.
func syntaxError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			return fmt.Errorf("invalid HCL at line %d, column %d: %s", d.Subject.Start.Line, d.Subject.Start.Column, msg)
		}
		return fmt.Errorf("invalid HCL: %s", msg)
	}
	return fmt.Errorf("invalid HCL")
}

// attr returns the named attribute of body, or nil.
func attr(body *hclsyntax.Body, name string) *hclsyntax.Attribute {
	if body == nil {
		return nil
	}
	return body.Attributes[name]
}

// blocks returns the nested blocks of body with the given type, in source
// order, including the `content` of `dynamic "typ"` blocks (whose values
// usually depend on the iterator and so come out unresolved).
func blocks(body *hclsyntax.Body, typ string) []*hclsyntax.Block {
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

// block returns the first nested block of the given type, or nil.
func block(body *hclsyntax.Body, typ string) *hclsyntax.Block {
	if bs := blocks(body, typ); len(bs) > 0 {
		return bs[0]
	}
	return nil
}

// sortedAttrs returns body's attributes in source order: the map HCL
// keeps them in has none, and findings must come out deterministically.
func sortedAttrs(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

// refs lists the resource addresses an expression mentions, such as
// "aws_s3_bucket.training" for `aws_s3_bucket.training.id` and
// "data.aws_iam_policy_document.read" for its `.json`.
func refs(expr hclsyntax.Expression) []string {
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
	names := make([]string, 0, 3)
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			names = append(names, s.Name)
		case hcl.TraverseAttr:
			names = append(names, s.Name)
		default:
			names = append(names, "")
		}
		if len(names) == 3 {
			break
		}
	}
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

// exprOf returns the expression of the named attribute, or nil.
func exprOf(body *hclsyntax.Body, name string) hclsyntax.Expression {
	if a := attr(body, name); a != nil {
		return a.Expr
	}
	return nil
}
