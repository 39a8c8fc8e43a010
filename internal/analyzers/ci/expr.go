package ci

import (
	"strings"

	"github.com/rhysd/actionlint"
)

// maxExprs bounds the expressions read from one string: a hostile file can
// repeat "${{" a million times in one scalar.
const maxExprs = 256

// expr is one ${{ … }} placeholder of a string.
type expr struct {
	start, end int // byte offsets of "${{" and just past "}}" in the string
	src        string
	node       actionlint.ExprNode // nil when it does not parse
}

// exprsIn finds the placeholders of s and parses each with actionlint's
// expression parser.
func exprsIn(s string) []expr {
	var out []expr
	off := 0
	for len(out) < maxExprs {
		i := strings.Index(s[off:], "${{")
		if i < 0 {
			break
		}
		start := off + i
		rest := s[start+3:]
		_, n, err := actionlint.LexExpression(rest)
		end := start + 3 + n
		if err != nil || n <= 0 || end > len(s) {
			// Unterminated or unlexable: take up to the next "}}".
			j := strings.Index(rest, "}}")
			if j < 0 {
				break
			}
			out = append(out, expr{start: start, end: start + 3 + j + 2, src: rest[:j]})
			off = start + 3 + j + 2
			continue
		}
		e := expr{start: start, end: end, src: strings.TrimSuffix(rest[:n], "}}")}
		if node, perr := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(rest[:n])); perr == nil {
			e.node = node
		}
		out = append(out, e)
		off = end
	}
	return out
}

// path is the context path a node reads, lower case, with "*" for any
// index: "github.event.commits.*.message". "" for anything else.
func ctxPath(n actionlint.ExprNode) string {
	switch n := n.(type) {
	case *actionlint.VariableNode:
		return strings.ToLower(n.Name)
	case *actionlint.ObjectDerefNode:
		if r := ctxPath(n.Receiver); r != "" {
			return r + "." + strings.ToLower(n.Property)
		}
	case *actionlint.ArrayDerefNode:
		if r := ctxPath(n.Receiver); r != "" {
			return r + ".*"
		}
	case *actionlint.IndexAccessNode:
		r := ctxPath(n.Operand)
		if r == "" {
			return ""
		}
		if s, ok := n.Index.(*actionlint.StringNode); ok {
			return r + "." + strings.ToLower(s.Value)
		}
		return r + ".*"
	}
	return ""
}

// attackerPaths are the contexts that people outside the project write:
// titles, bodies, branch names, commit messages, author names.
var attackerPaths = []string{
	"github.event.issue.title", "github.event.issue.body",
	"github.event.pull_request.title", "github.event.pull_request.body",
	"github.event.pull_request.head.ref", "github.event.pull_request.head.label",
	"github.event.pull_request.head.repo.default_branch", "github.event.pull_request.head.repo.description",
	"github.event.pull_request.head.repo.homepage",
	"github.event.comment.body", "github.event.review.body", "github.event.review_comment.body",
	"github.event.discussion.title", "github.event.discussion.body",
	"github.event.pages.*.page_name",
	"github.event.commits.*.message", "github.event.commits.*.author.email", "github.event.commits.*.author.name",
	"github.event.head_commit.message", "github.event.head_commit.author.email", "github.event.head_commit.author.name",
	"github.event.head_commit.committer.email", "github.event.head_commit.committer.name",
	"github.head_ref",
	"github.event.workflow_run.head_branch", "github.event.workflow_run.display_title",
	"github.event.workflow_run.head_commit.message", "github.event.workflow_run.head_commit.author.email",
	"github.event.workflow_run.head_commit.author.name", "github.event.workflow_run.pull_requests.*.head.ref",
	"github.event.workflow_run.head_repository.description",
}

// attacker reports whether p is, or contains (a whole object dumped with
// toJSON), an attacker-written context.
func attacker(p string, whole bool) bool {
	if p == "" {
		return false
	}
	p = strings.ReplaceAll(p, ".*.", ".*.")
	for _, a := range attackerPaths {
		if p == a || strings.HasPrefix(p, a+".") {
			return true
		}
		if whole && strings.HasPrefix(a, p+".") {
			return true
		}
	}
	// github.event.commits[0].message and the like: indexes normalised.
	return false
}

// taintCtx is what else carries attacker text where an expression is
// evaluated: variables of env: set from it, and the inputs of a reusable
// workflow or an action, which any caller may fill from it.
type taintCtx struct {
	env    map[string]string // lower-case name → the context it carries
	inputs bool
}

// tainted returns the attacker-written context an expression's value
// carries, or "". Functions that return a boolean or a number
// (contains, startsWith, success…) and comparisons carry nothing; format,
// join and toJSON carry their arguments; a || b carries either.
func tainted(n actionlint.ExprNode, tc taintCtx) string {
	switch n := n.(type) {
	case *actionlint.VariableNode, *actionlint.ObjectDerefNode, *actionlint.ArrayDerefNode, *actionlint.IndexAccessNode:
		p := ctxPath(n)
		if attacker(p, false) {
			return p
		}
		if name, ok := strings.CutPrefix(p, "env."); ok && tc.env[name] != "" {
			return tc.env[name] + " (through env." + name + ")"
		}
		if tc.inputs && strings.HasPrefix(p, "inputs.") {
			return p
		}
	case *actionlint.FuncCallNode:
		switch strings.ToLower(n.Callee) {
		case "format", "join", "tojson", "fromjson":
			whole := strings.EqualFold(n.Callee, "toJSON")
			for _, a := range n.Args {
				if whole && attacker(ctxPath(a), true) {
					return ctxPath(a)
				}
				if t := tainted(a, tc); t != "" {
					return t
				}
			}
		}
	case *actionlint.LogicalOpNode:
		if t := tainted(n.Left, tc); t != "" {
			return t
		}
		return tainted(n.Right, tc)
	}
	return ""
}

// secretsIn lists the secrets an expression string reads: secrets.NAME,
// secrets['NAME'], and "*" for toJSON(secrets) or secrets[expr].
func secretsIn(v value) []secretRef {
	if !strings.Contains(v.s, "secrets") {
		return nil
	}
	var out []secretRef
	for _, e := range exprsIn(v.s) {
		line, col := v.offsetPos(e.start)
		if e.node == nil {
			continue
		}
		actionlint.VisitExprNode(e.node, func(n, parent actionlint.ExprNode, entering bool) {
			if !entering {
				return
			}
			switch n := n.(type) {
			case *actionlint.ObjectDerefNode:
				if v, ok := n.Receiver.(*actionlint.VariableNode); ok && strings.EqualFold(v.Name, "secrets") {
					out = append(out, secretRef{name: strings.ToUpper(n.Property), line: line, col: col})
				}
			case *actionlint.IndexAccessNode:
				if v, ok := n.Operand.(*actionlint.VariableNode); ok && strings.EqualFold(v.Name, "secrets") {
					if s, ok := n.Index.(*actionlint.StringNode); ok {
						out = append(out, secretRef{name: strings.ToUpper(s.Value), line: line, col: col})
					} else {
						out = append(out, secretRef{name: "*", line: line, col: col})
					}
				}
			case *actionlint.VariableNode:
				if strings.EqualFold(n.Name, "secrets") {
					if _, deref := parent.(*actionlint.ObjectDerefNode); !deref {
						if _, idx := parent.(*actionlint.IndexAccessNode); !idx {
							out = append(out, secretRef{name: "*", line: line, col: col})
						}
					}
				}
			}
		})
	}
	return out
}

// offsetPos maps a byte offset inside the scalar to a file line and column.
func (v value) offsetPos(off int) (line, col int) {
	if v.flat || off < 0 || off > len(v.s) {
		return v.line, v.col
	}
	before := v.s[:off]
	nl := strings.Count(before, "\n")
	lastNL := strings.LastIndexByte(before, '\n')
	c := off - lastNL // 1-based column within the scalar's line
	switch {
	case v.block:
		return v.line + 1 + nl, v.indent + c
	case nl == 0:
		return v.line, v.col + c - 1
	}
	return v.line, v.col
}
