package tfeval

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mlsec/mlsec/internal/bounds"
)

// Limits that keep a hostile file from crashing the scanner. Their errors
// are bounds errors: a file that hits one may be built to hide something,
// so the scan is incomplete rather than the file merely invalid. The HCL parser
// is recursive descent: nesting a few hundred thousand levels deep
// (`[[[[…`, `{`-blocks, `!!!!x`, `a ? b : c ? …`, `"${"${…`) overflows the
// goroutine stack, which Go cannot recover from, so depth is measured on the
// token stream before parsing.
const (
	maxSource = 8 << 20 // bytes; real Terraform files are kilobytes
	maxDepth  = 500     // brackets, blocks, interpolations and chained operators
	// maxBlocks bounds how many top-level blocks one file may declare; a
	// real Terraform file has dozens, a hostile one may have millions, each
	// of which would be indexed and walked.
	maxBlocks = 20000
)

// checkLimits rejects a file too large or too deeply nested to parse safely.
func checkLimits(src []byte, filename string) error {
	if len(src) > maxSource {
		return bounds.Exceeded("%d bytes is over the %d MiB limit for a Terraform file; not analyzed", len(src), maxSource>>20)
	}
	// Cheap pre-check: with few openers and operators the file cannot nest
	// deeply, and most files need no second lexing pass.
	open, ops := 0, 0
	for _, c := range src {
		switch c {
		case '{', '[', '(', '"', '$', '%', '<':
			open++
		case '!', '-', '?', ':':
			ops++
		}
	}
	if open <= maxDepth && ops <= 2*maxDepth {
		return nil
	}
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	depth, chain := 0, 0
	for _, t := range toks {
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCQuote,
			hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if depth > 0 {
				depth--
			}
		}
		// Unary operators and conditionals nest without brackets
		// (`!!!!x`, `a ? b : c ? d : …`); count how many run together.
		switch t.Type {
		case hclsyntax.TokenBang, hclsyntax.TokenMinus, hclsyntax.TokenQuestion, hclsyntax.TokenColon:
			chain++
		case hclsyntax.TokenNewline, hclsyntax.TokenComma, hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen:
			chain = 0
		}
		if depth > maxDepth || chain > 2*maxDepth {
			return bounds.Exceeded("line %d: nested more than %d levels deep; not analyzed", t.Range.Start.Line, maxDepth)
		}
	}
	return nil
}
