package tfeval

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Which siblings Load parses. A sibling matters to the primary file when it
// mentions, as a whole word, something the primary file declares or refers
// to; a sibling so loaded may refer to more names (a local defined from a
// variable declared in a third file), which are added and the remaining
// siblings scanned again.

// maxRelevanceRounds bounds how many times the siblings are re-scanned as
// loaded ones bring in new names, so a module built as a long chain of
// files, each naming only the next, costs at most this many passes.
const maxRelevanceRounds = 4

// alwaysRelevant are words that make any sibling worth parsing: settings
// that apply to every bucket of the account.
var alwaysRelevant = []string{"aws_s3_account_public_access_block"}

// keysOf returns the words a sibling must mention to matter to body: the
// variables, locals, resources and data sources body refers to, and, for
// the primary file itself (own), the names of the resources it declares
// and its literal bucket names, which companions and policies name.
func keysOf(body *hclsyntax.Body, own bool) map[string]bool {
	keys := map[string]bool{}
	for _, w := range alwaysRelevant {
		keys[w] = true
	}
	walkExprs(body, 0, func(e hclsyntax.Expression) {
		for _, t := range e.Variables() {
			names := traversalNames(t)
			switch {
			case len(names) >= 2 && (names[0] == "var" || names[0] == "local"):
				keys[names[1]] = true
			case own && len(names) >= 3 && names[0] == "data":
				keys[names[2]] = true
			case own && len(names) >= 2 && !nonResourceRoots[names[0]]:
				keys[names[1]] = true
			case !own && len(names) >= 3 && names[0] == "data":
				keys[names[2]] = true
			}
		}
	})
	if !own {
		return keys
	}
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 {
			continue
		}
		keys[b.Labels[1]] = true
		for _, name := range []string{"bucket", "name"} {
			if a := Attr(b.Body, name); a != nil {
				if t, ok := a.Expr.(*hclsyntax.TemplateExpr); ok && t.IsStringLiteral() {
					if v, d := t.Value(nil); !d.HasErrors() && v.IsKnown() && !v.IsNull() {
						keys[v.AsString()] = true
					}
				}
			}
		}
	}
	return keys
}

// traversalNames returns up to three leading names of a traversal, with ""
// for an index step.
func traversalNames(t hcl.Traversal) []string {
	out := make([]string, 0, 3)
	for _, step := range t {
		if len(out) == 3 {
			break
		}
		switch s := step.(type) {
		case hcl.TraverseRoot:
			out = append(out, s.Name)
		case hcl.TraverseAttr:
			out = append(out, s.Name)
		default:
			out = append(out, "")
		}
	}
	return out
}

// mentions reports whether src contains one of keys as a whole word, a word
// being a run of letters, digits, '_' and '-' (HCL identifiers and bucket
// names). The scan is linear and allocates nothing, so an unparsed sibling
// of several MiB costs one pass over its bytes.
func mentions(src []byte, keys map[string]bool) bool {
	for i := 0; i < len(src); {
		if !wordByte(src[i]) {
			i++
			continue
		}
		j := i
		for j < len(src) && wordByte(src[j]) {
			j++
		}
		if keys[string(src[i:j])] {
			return true
		}
		i = j
	}
	return false
}

func wordByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
