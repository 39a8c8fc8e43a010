// Package tfeval loads a Terraform module from the files its caller hands
// it and evaluates the module's expressions to cty values, standing a
// placeholder in for whatever cannot be known without running Terraform.
// It never plans, applies, reads the file system or calls a provider, and it
// knows nothing of security rules: an analyzer asks it which resources a
// module declares and what their attributes evaluate to.
//
// A module is a primary file (the one being analyzed) and the sibling files
// of its directory, which supply variable defaults, locals and companion
// resources (a bucket in main.tf, its versioning in storage.tf). The caller
// decides which files those are and reads them; Load only parses.
//
// Every position tfeval hands out is an hcl.Range whose Filename is the
// File.Path the block or attribute was parsed from and whose lines are that
// file's own, so a caller tells the primary file's declarations from its
// siblings' with Module.InPrimary.
//
// See eval.go for the evaluation model and limits.go for the bounds on
// hostile input (oversized, deeply nested or block-flooded files), and
// bound.go for the bounds on the size of evaluated values.
package tfeval

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/mlsec/mlsec/internal/bounds"
)

// File is one .tf file of a module, as read by the caller.
type File struct {
	// Path names the file in every position (hcl.Range.Filename) of what
	// is parsed from it, so it must be unique within one Load.
	Path    string
	Content []byte
}

// Module is a loaded Terraform module: the resources and data sources it
// declares and the context its expressions are evaluated in.
type Module struct {
	// Resources are the module's resource and data blocks: the primary
	// file's in source order, then each loaded sibling's. An address
	// declared twice keeps its first declaration.
	Resources []*Resource
	// Skipped says, per sibling, why a sibling that mattered to the
	// primary file was left out (over the limits, invalid HCL, a path
	// already used). Its own analysis reports it; here it is context only.
	Skipped []error

	primary string
	files   map[string]*loaded // by File.Path, each file loaded
	byAddr  map[string]*Resource
	byType  map[string][]*Resource // resources only, no data sources
	ctx     *hcl.EvalContext
	sizer   *sizer                         // estimates attributes against ctx
	budget  int64                          // work left for evaluations, see bound.go
	refused map[hclsyntax.Expression]bool  // expressions refused for size
	memo    map[*hclsyntax.Attribute]Value // evaluated attributes
	defs    map[string]Definition          // "var.x", "local.y"
}

// loaded is a parsed file of the module.
type loaded struct {
	order int // 0 for the primary file, i+1 for siblings[i]
	src   []byte
}

// Resource is one `resource` or `data` block of the module.
type Resource struct {
	Type, Name string
	Data       bool // a `data` block
	Block      *hclsyntax.Block
}

// Addr is the resource's Terraform address: "aws_s3_bucket.training" or
// "data.aws_iam_policy_document.read".
func (r *Resource) Addr() string {
	if r.Data {
		return "data." + r.Type + "." + r.Name
	}
	return r.Type + "." + r.Name
}

// Body is the resource's body.
func (r *Resource) Body() *hclsyntax.Body { return r.Block.Body }

// Range is where the block header is: its file and its line in that file.
func (r *Resource) Range() hcl.Range { return r.Block.TypeRange }

// Load parses primary and indexes its resources, with those of the siblings
// that matter to it for context (see relevance.go), and builds the
// evaluation context of the module.
//
// The error is the primary file's: over the limits (limits.go; a bounds
// error, see package bounds) or not valid HCL, naming the line of the first
// syntax error. A sibling that fails the
// same way is only recorded in Module.Skipped: it is reported when it is
// analyzed itself. A sibling whose Path is the primary's or an earlier
// sibling's is skipped too, since positions name their file by path.
//
// Siblings are parsed only when they mention something the primary file
// declares or refers to, directly or through another loaded sibling, so a
// directory of thirty files is not parsed thirty times over when each is
// analyzed.
func Load(primary File, siblings []File) (*Module, error) {
	if err := checkLimits(primary.Content, primary.Path); err != nil {
		return nil, err
	}
	body, err := parseBody(primary.Content, primary.Path)
	if err != nil {
		return nil, err
	}
	m := &Module{
		primary: primary.Path,
		files:   map[string]*loaded{primary.Path: {order: 0, src: primary.Content}},
		byAddr:  map[string]*Resource{},
		byType:  map[string][]*Resource{},
		memo:    map[*hclsyntax.Attribute]Value{},
		defs:    map[string]Definition{},
		refused: map[hclsyntax.Expression]bool{},
		budget:  maxModuleWork,
	}
	m.index(body)
	bodies := []*hclsyntax.Body{body}

	seenPath := map[string]bool{primary.Path: true}
	dup := make([]bool, len(siblings))
	for i, sib := range siblings {
		if seenPath[sib.Path] {
			dup[i] = true
			m.Skipped = append(m.Skipped, fmt.Errorf("%s: path given twice; left out", sib.Path))
			continue
		}
		seenPath[sib.Path] = true
	}

	keys := keysOf(body, true)
	parsed := make([]bool, len(siblings))
	for round := 0; round < maxRelevanceRounds; round++ {
		grew := false
		for i, sib := range siblings {
			if parsed[i] || dup[i] || !mentions(sib.Content, keys) {
				continue
			}
			parsed[i] = true
			if err := checkLimits(sib.Content, sib.Path); err != nil {
				m.Skipped = append(m.Skipped, fmt.Errorf("%s: %w", sib.Path, err))
				continue
			}
			b, err := parseBody(sib.Content, sib.Path)
			if err != nil {
				m.Skipped = append(m.Skipped, fmt.Errorf("%s: %w", sib.Path, err))
				continue
			}
			m.files[sib.Path] = &loaded{order: i + 1, src: sib.Content}
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
	m.buildContext(bodies)
	return m, nil
}

// parseBody parses one file into its native-syntax body, with positions
// from line 1 of that file.
func parseBody(src []byte, filename string) (*hclsyntax.Body, error) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, syntaxError(diags)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("not native HCL syntax")
	}
	if len(body.Blocks) > maxBlocks {
		return nil, bounds.Exceeded("%d top-level blocks, over the limit of %d", len(body.Blocks), maxBlocks)
	}
	return body, nil
}

// index adds the resource and data blocks of body. An address already
// declared (by the primary file, indexed first) keeps its first
// declaration: Terraform would reject the duplicate anyway.
func (m *Module) index(body *hclsyntax.Body) {
	for _, b := range body.Blocks {
		var r *Resource
		switch {
		case b.Type == "resource" && len(b.Labels) == 2:
			r = &Resource{Type: b.Labels[0], Name: b.Labels[1], Block: b}
		case b.Type == "data" && len(b.Labels) == 2:
			r = &Resource{Type: b.Labels[0], Name: b.Labels[1], Data: true, Block: b}
		default:
			continue
		}
		if m.byAddr[r.Addr()] != nil {
			continue
		}
		m.Resources = append(m.Resources, r)
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

// Resource returns the resource or data source with that address
// ("aws_s3_bucket.b", "data.aws_iam_policy_document.d"), or nil.
func (m *Module) Resource(addr string) *Resource { return m.byAddr[addr] }

// OfType returns the module's resources (not data sources) of one type,
// in the order of Resources.
func (m *Module) OfType(typ string) []*Resource { return m.byType[typ] }

// InPrimary reports whether a position is in the primary file rather than
// a sibling. A zero Range (an absent attribute) is in no file.
func (m *Module) InPrimary(r hcl.Range) bool { return r.Filename == m.primary }

// Before reports whether position a comes before b in load order: the
// primary file first, then the siblings in the order given to Load, and by
// line within one file. Sorting by it keeps output deterministic and puts
// what the primary file declares first.
func (m *Module) Before(a, b hcl.Range) bool {
	oa, ob := m.order(a.Filename), m.order(b.Filename)
	if oa != ob {
		return oa < ob
	}
	return a.Start.Line < b.Start.Line
}

// order is a file's place in load order; positions in no loaded file come
// last.
func (m *Module) order(path string) int {
	if f := m.files[path]; f != nil {
		return f.order
	}
	return int(^uint(0) >> 1)
}

// Source is the text of r in its own file, cut at the first line break
// (marked " …"), for evidence; "" when r is in no loaded file.
func (m *Module) Source(r hcl.Range) string {
	f := m.files[r.Filename]
	if f == nil {
		return ""
	}
	return sourceText(f.src, r)
}

func sourceText(src []byte, r hcl.Range) string {
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	s := string(src[r.Start.Byte:r.End.Byte])
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}

// Eval evaluates the named attribute of body; the Value is absent (not
// Present) when body has no such attribute.
func (m *Module) Eval(body *hclsyntax.Body, name string) Value {
	a := Attr(body, name)
	if a == nil {
		return Value{}
	}
	return m.EvalAttr(a)
}

// EvalAttr evaluates an attribute of the module. Results are memoized: one
// policy document is read by every resource that uses it.
func (m *Module) EvalAttr(a *hclsyntax.Attribute) Value {
	if v, ok := m.memo[a]; ok {
		return v
	}
	var src []byte
	if f := m.files[a.SrcRange.Filename]; f != nil {
		src = f.src
	}
	if !m.admit(m.sizer, a.Expr) {
		out := Value{Attr: a, Failed: true, TooLarge: true, V: cty.DynamicVal, src: src}
		m.memo[a] = out
		return out
	}
	v, d := a.Expr.Value(m.ctx)
	out := Value{Attr: a, V: v, src: src}
	if d.HasErrors() {
		out = Value{Attr: a, Failed: true, V: cty.DynamicVal, src: src}
	}
	m.memo[a] = out
	return out
}

// EvalExpr evaluates any expression of the module, such as the argument of
// a jsonencode call, so that placeholders inside it stay strings rather
// than making the whole call unknown. ok is false when evaluation failed.
// It is not memoized. An expression too large to evaluate (bound.go) is
// not ok either.
func (m *Module) EvalExpr(e hclsyntax.Expression) (v cty.Value, ok bool) {
	if !m.admit(m.sizer, e) {
		return cty.DynamicVal, false
	}
	v, d := e.Value(m.ctx)
	return v, !d.HasErrors()
}
