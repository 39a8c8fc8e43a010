// Package jinjascan statically inspects a Jinja2 template, such as the chat
// template a GGUF file or a Hugging Face tokenizer_config.json carries, for
// the constructs a server-side template injection uses to leave the
// sandbox: dunder attribute access (__class__, __globals__, __subclasses__,
// __builtins__), the attr() filter, attribute names built from pieces or
// escapes so no literal shows them, the globals that lead to Python objects
// (cycler, joiner, namespace, lipsum, self, request, config), and names of
// process or code-execution APIs.
//
// The template is never rendered. The scan lexes the expression parts of
// {{ }} and {% %} blocks into names, string literals (decoded, escapes
// included) and operators, so text between blocks and string contents
// compared against ("system" as a role) cannot raise a finding.
package jinjascan

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Level orders findings by how directly they lead to code execution.
type Level int

// Levels.
const (
	Medium Level = iota + 1
	High
	Critical
)

// Technique names what a finding shows.
type Technique string

// Techniques.
const (
	Dunder       Technique = "dunder-access"     // __class__, __globals__...
	AttrFilter   Technique = "attr-filter"       // |attr("...")
	BuiltName    Technique = "built-name"        // attribute names built by ~, +, join, format, reverse or escapes
	EscapeObject Technique = "escape-object"     // cycler/joiner/namespace/lipsum/self/request/config reached into
	ExecName     Technique = "exec-name"         // os, popen, subprocess, eval...
	Include      Technique = "template-include"  // import/include/extends/from: reads other templates
	Unparsed     Technique = "unterminated-code" // a block that never closes
)

// Finding is one suspicious construct.
type Finding struct {
	Technique Technique
	Level     Level
	Line      int    // 1-based line in the template
	Msg       string // one sentence
	Evidence  string // the block, shortened
}

// Limits: templates are a few KiB; a megabyte is generous and the scan is
// linear in it.
const (
	MaxTemplate = 1 << 20
	maxEvidence = 160
)

// dangerous dunders reach from any object to the interpreter.
var dangerousDunder = map[string]bool{
	"__globals__": true, "__subclasses__": true, "__builtins__": true, "__import__": true,
	"__mro__": true, "__base__": true, "__bases__": true, "__init__": true, "__class__": true,
	"__code__": true, "__func__": true, "__self__": true, "__dict__": true, "__getattribute__": true,
	"__reduce__": true, "__reduce_ex__": true, "__loader__": true, "__spec__": true,
}

// escapeObjects are the globals of a default or Flask Jinja environment
// whose attributes lead to module globals. namespace, cycler and joiner
// are also legitimately called (namespace() is common in chat templates),
// so only reaching into them, not calling them, counts.
var escapeObjects = map[string]bool{
	"cycler": true, "joiner": true, "namespace": true, "lipsum": true,
	"self": true, "request": true, "config": true, "url_for": true, "get_flashed_messages": true,
	"range": false, // range(...) is ordinary; range.__x__ is caught as a dunder
}

// execNames are Python names with no business in a template.
var execNames = map[string]bool{
	"os": true, "popen": true, "subprocess": true, "eval": true, "exec": true, "system": true,
	"import_module": true, "getattr": true, "globals": true, "builtins": true, "check_output": true,
	"spawn": true, "execfile": true, "compile": true, "open": true, "mro": true, "subclasses": true,
	"load_module": true, "read": false,
}

// Scan inspects template and returns its findings, at most one per
// technique and name, in the order met.
func Scan(template string) []Finding {
	if len(template) > MaxTemplate {
		template = template[:MaxTemplate]
	}
	s := &scanner{seen: map[string]bool{}}
	for _, b := range blocks(template) {
		if b.unterminated {
			s.add(Finding{Technique: Unparsed, Level: Medium, Line: b.line,
				Msg: "template block never closes; Jinja refuses the template, and a scanner may mis-read what follows", Evidence: b.src})
			continue
		}
		s.block(b)
	}
	s.joined()
	return s.out
}

type scanner struct {
	out  []Finding
	seen map[string]bool
	// lits are every string literal of the template in order, with the
	// block they came from: attribute names built across literals show in
	// their concatenation.
	lits []lit
}

type lit struct {
	val  string
	line int
	src  string
}

func (s *scanner) add(f Finding) {
	k := string(f.Technique) + "\x00" + f.Msg
	if s.seen[k] {
		return
	}
	s.seen[k] = true
	if len(f.Evidence) > maxEvidence {
		f.Evidence = f.Evidence[:maxEvidence] + "…"
	}
	s.out = append(s.out, f)
}

type block struct {
	src          string // the whole block, delimiters included
	code         string // between the delimiters
	statement    bool   // {% %}
	line         int
	unterminated bool
}

// blocks splits a template into its expression and statement blocks,
// skipping comments and raw sections. Quotes inside a block are honoured
// so "%}" in a string literal does not end it.
func blocks(t string) []block {
	var out []block
	line := 1
	i := 0
	for i < len(t) {
		j := strings.IndexByte(t[i:], '{')
		if j < 0 {
			break
		}
		line += strings.Count(t[i:i+j], "\n")
		i += j
		if i+1 >= len(t) {
			break
		}
		switch t[i+1] {
		case '#':
			end := strings.Index(t[i+2:], "#}")
			if end < 0 {
				return out
			}
			line += strings.Count(t[i:i+2+end+2], "\n")
			i += 2 + end + 2
			continue
		case '{', '%':
		default:
			i++
			continue
		}
		closer := byte('}')
		if t[i+1] == '%' {
			closer = '%'
		}
		end := closeAt(t, i+2, closer)
		if end < 0 {
			out = append(out, block{src: t[i:min(len(t), i+maxEvidence)], line: line, unterminated: true})
			return out
		}
		b := block{src: t[i : end+2], code: strings.Trim(t[i+2:end], "-+ \t\r\n"), statement: closer == '%', line: line}
		out = append(out, b)
		line += strings.Count(b.src, "\n")
		i = end + 2
		if b.statement && (b.code == "raw" || strings.HasPrefix(b.code, "raw ")) {
			// A raw section is text up to endraw.
			k := strings.Index(t[i:], "endraw")
			if k < 0 {
				return out
			}
			line += strings.Count(t[i:i+k], "\n")
			i += k
		}
	}
	return out
}

// closeAt finds the "}}" or "%}" closing a block whose code starts at i.
func closeAt(t string, i int, closer byte) int {
	var quote byte
	for ; i+1 < len(t); i++ {
		c := t[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == closer && t[i+1] == '}':
			return i
		}
	}
	return -1
}

type tokKind int

const (
	tName tokKind = iota
	tString
	tNumber
	tOp
)

type token struct {
	kind    tokKind
	val     string // name, decoded string, operator
	escaped bool   // a string literal that used an escape
}

func lex(code string) []token {
	var out []token
	for i := 0; i < len(code); {
		c := code[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(code) && (code[j] == '_' || code[j] >= 'a' && code[j] <= 'z' || code[j] >= 'A' && code[j] <= 'Z' || code[j] >= '0' && code[j] <= '9') {
				j++
			}
			out = append(out, token{kind: tName, val: code[i:j]})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(code) && (code[j] >= '0' && code[j] <= '9' || code[j] == '.' || code[j] == '_' || code[j] == 'x' || code[j] == 'o' || code[j] == 'b' || code[j] >= 'a' && code[j] <= 'f' || code[j] >= 'A' && code[j] <= 'F') {
				j++
			}
			out = append(out, token{kind: tNumber, val: code[i:j]})
			i = j
		case c == '\'' || c == '"':
			val, esc, n := decodeString(code[i:])
			out = append(out, token{kind: tString, val: val, escaped: esc})
			i += n
		default:
			out = append(out, token{kind: tOp, val: string(c)})
			i++
		}
	}
	return out
}

// decodeString decodes a Python string literal starting at s[0] (the
// quote) and returns its value, whether it used an escape, and its length.
func decodeString(s string) (string, bool, int) {
	q := s[0]
	var b strings.Builder
	esc := false
	i := 1
	for i < len(s) && s[i] != q {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			i++
			continue
		}
		esc = true
		c := s[i+1]
		i += 2
		hexRun := func(n int) {
			if i+n <= len(s) {
				if v, err := strconv.ParseUint(s[i:i+n], 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += n
					return
				}
			}
			b.WriteByte(c)
		}
		switch c {
		case 'x':
			hexRun(2)
		case 'u':
			hexRun(4)
		case 'U':
			hexRun(8)
		case 'n':
			b.WriteByte('\n')
			esc = false // ordinary: chat templates write \n all the time
		case 't':
			b.WriteByte('\t')
			esc = false
		case '\\', '\'', '"':
			b.WriteByte(c)
			esc = false
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i - 1
			for i < len(s) && i-j < 3 && s[i] >= '0' && s[i] <= '7' {
				i++
			}
			v, _ := strconv.ParseUint(s[j:i], 8, 32)
			b.WriteRune(rune(v))
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
			esc = false
		}
	}
	if i < len(s) {
		i++
	}
	return b.String(), esc, i
}

var dunderRE = regexp.MustCompile(`__[A-Za-z0-9_]*?__`)

func (s *scanner) block(b block) {
	toks := lex(b.code)
	if b.statement && len(toks) > 0 && toks[0].kind == tName {
		switch toks[0].val {
		case "import", "include", "extends", "from":
			s.add(Finding{Technique: Include, Level: Medium, Line: b.line,
				Msg: fmt.Sprintf("template uses {%% %s %%}: it reads other templates through the loader", toks[0].val), Evidence: b.src})
		}
	}
	for i, t := range toks {
		prevDot := i > 0 && toks[i-1].kind == tOp && toks[i-1].val == "."
		next := func(k int) token {
			if i+k < len(toks) {
				return toks[i+k]
			}
			return token{kind: tOp}
		}
		switch t.kind {
		case tName:
			if dunderRE.MatchString(t.val) && dunderRE.FindString(t.val) == t.val {
				s.dunder(t.val, b)
			}
			if t.val == "attr" && i > 0 && toks[i-1].kind == tOp && toks[i-1].val == "|" {
				arg := ""
				if next(1).val == "(" && next(2).kind == tString {
					arg = next(2).val
				}
				s.add(Finding{Technique: AttrFilter, Level: High, Line: b.line,
					Msg: "attr() filter fetches an attribute by a computed name, the usual way past the sandbox's checks on . and []", Evidence: b.src})
				if arg != "" && dunderRE.MatchString(arg) {
					s.dunder(dunderRE.FindString(arg), b)
				}
			}
			if on, ok := escapeObjects[t.val]; ok && on && !prevDot {
				n := next(1)
				if n.kind == tOp && (n.val == "." || n.val == "[" || n.val == "|" && next(2).val == "attr") {
					s.add(Finding{Technique: EscapeObject, Level: Critical, Line: b.line,
						Msg: fmt.Sprintf("template reaches into the %q global, a known path from the template to Python module globals", t.val), Evidence: b.src})
				} else if t.val == "lipsum" || t.val == "request" || t.val == "config" || t.val == "url_for" {
					s.add(Finding{Technique: EscapeObject, Level: Medium, Line: b.line,
						Msg: fmt.Sprintf("template names the %q global, which a chat template has no use for", t.val), Evidence: b.src})
				}
			}
			if execNames[t.val] && (prevDot || next(1).val == "(" || next(1).val == ".") && !isSetTarget(toks, i) {
				s.add(Finding{Technique: ExecName, Level: Critical, Line: b.line,
					Msg: fmt.Sprintf("template refers to %q, a process or code-execution API", t.val), Evidence: b.src})
			}
		case tString:
			s.lits = append(s.lits, lit{t.val, b.line, b.src})
			if d := dunderRE.FindString(t.val); d != "" && d != "__" {
				s.dunder(d, b)
				if t.escaped {
					s.add(Finding{Technique: BuiltName, Level: High, Line: b.line,
						Msg: fmt.Sprintf("string literal spells %q through escapes, hiding an attribute name", d), Evidence: b.src})
				}
			}
			if t.escaped && strings.Contains(t.val, "_") && onlyIdent(t.val) {
				s.add(Finding{Technique: BuiltName, Level: High, Line: b.line,
					Msg: fmt.Sprintf("string literal spells %q through escapes, hiding an attribute name", t.val), Evidence: b.src})
			}
			if v := strings.TrimSpace(t.val); execNames[v] && v != "system" && v != "open" && v != "read" && v != "compile" {
				s.add(Finding{Technique: ExecName, Level: High, Line: b.line,
					Msg: fmt.Sprintf("string literal %q names a process or code-execution API", v), Evidence: b.src})
			}
			if strings.Contains(t.val, "%c") && slices.ContainsFunc(toks, func(x token) bool { return x.kind == tName && x.val == "format" }) {
				s.add(Finding{Technique: BuiltName, Level: High, Line: b.line,
					Msg: "string built from character codes with %c and format, a way to spell attribute names no literal shows", Evidence: b.src})
			}
		}
	}
}

// isSetTarget reports whether toks[i] is the variable a {% set %} or
// {% for %} binds: a template may call its own variable "open".
func isSetTarget(toks []token, i int) bool {
	return i == 1 && toks[0].kind == tName && (toks[0].val == "set" || toks[0].val == "for")
}

func onlyIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '_' && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (s *scanner) dunder(name string, b block) {
	lvl := High
	if dangerousDunder[name] {
		lvl = Critical
	}
	s.add(Finding{Technique: Dunder, Level: lvl, Line: b.line,
		Msg: fmt.Sprintf("template accesses %s, a dunder attribute that walks from a value to Python internals", name), Evidence: b.src})
}

// joined looks for attribute names assembled from several literals: the
// template's literals concatenated, forwards and reversed, spell a dunder
// that no single literal holds ("__cla" ~ "ss__", ["_","_","globals"]|join,
// "__ssalc__"|reverse).
func (s *scanner) joined() {
	if len(s.lits) < 1 {
		return
	}
	for i := range s.lits {
		// A window of up to 8 literals from i, which is as far as a built
		// name plausibly spreads.
		var b strings.Builder
		for j := i; j < len(s.lits) && j < i+8; j++ {
			b.WriteString(s.lits[j].val)
			cat := b.String()
			for k, cand := range []string{cat, reverse(cat)} {
				d := dunderRE.FindString(cand)
				// Forwards, any dunder no single literal holds; reversed,
				// only a known dangerous one, since reversing an honest
				// "__class__" gives "__ssalc__".
				if d != "" && len(d) > 4 && (k == 0 && j > i || dangerousDunder[d]) && !anyHolds(s.lits[i:j+1], d) {
					l := s.lits[i]
					s.add(Finding{Technique: BuiltName, Level: High, Line: l.line,
						Msg: fmt.Sprintf("string literals concatenate or reverse to %q: an attribute name built so no literal shows it", d), Evidence: l.src})
					return
				}
			}
		}
	}
}

func anyHolds(ls []lit, d string) bool {
	for _, l := range ls {
		if strings.Contains(l.val, d) {
			return true
		}
	}
	return false
}

func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}
