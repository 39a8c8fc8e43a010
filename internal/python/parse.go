package python

import "strings"

// Module is what Parse extracts from one Python file or notebook.
type Module struct {
	Src     []byte
	Tokens  []Token // significant tokens only: no comments, no NL
	Imports []Import
	Calls   []Call

	scope map[string]binding // bindings as they stand at the end of the file
	stars []string           // modules star-imported at module level, in order
}

// Import is one name bound by an import statement.
type Import struct {
	Module string // "a.b" for "import a.b" and "from a.b import c"; leading dots for relative imports
	Name   string // the imported name in "from m import name"; "" for "import m"; "*" for a star import
	As     string // the local name bound; "" for a star import
	Line   int
	Col    int
}

// Path is the fully qualified name the import binds: "a.b.c" for
// "from a.b import c", "a.b" for "import a.b as x".
func (im Import) Path() string {
	if im.Name == "" {
		return im.Module
	}
	if strings.HasSuffix(im.Module, ".") {
		return im.Module + im.Name
	}
	return im.Module + "." + im.Name
}

// Call is one call expression.
type Call struct {
	// Callee is the called expression as written, with call results shown as
	// "()" and subscripts as "[]": "T.load", "pickle.Unpickler().load",
	// "models[].load". A callee whose head is not a name (a literal, a
	// parenthesised expression) starts with "?".
	Callee string
	// Resolved is Callee with its head resolved through the imports and
	// aliases in force where the call sits: "torch.load" for "T.load" after
	// "import torch as T". It is "" when the head is a local definition or
	// an unknown value, and Callee itself when the head was never bound.
	Resolved   string
	Line, Col  int // where the callee starts
	Start, End int // byte span from the callee to the closing parenthesis
	Args       []Arg
	Open       int // index in Module.Tokens of the opening parenthesis
	Close      int // index of the closing one, or -1 when it is missing
	// HeadParam describes the callee's head name when it is a parameter of
	// the enclosing function ("file" in "file.read()"), and HeadCall is the
	// opening parenthesis of the call whose result the head name holds (0
	// if none): see Arg. HeadParam is shared: callers must not modify it.
	HeadParam *Param
	HeadCall  int
	// Stars lists the modules star-imported ("from m import *") before the
	// call, latest last, when the callee's head was never bound: the head
	// may come from one of them ("load(f)" after "from pickle import *").
	Stars []string
}

// Arg returns the keyword argument named name, or nil.
func (c *Call) Arg(name string) *Arg {
	for i := range c.Args {
		if c.Args[i].Keyword == name {
			return &c.Args[i]
		}
	}
	return nil
}

// Positional returns the i-th (0-based) positional argument, or nil. It
// returns nil once a star argument comes first, since positions are then unknown.
func (c *Call) Positional(i int) *Arg {
	n := 0
	for j := range c.Args {
		a := &c.Args[j]
		switch a.Keyword {
		case "":
			if n == i {
				return a
			}
			n++
		case "*":
			return nil
		}
	}
	return nil
}

// HasStarStar reports whether the call passes "**kwargs", which may hold any
// keyword argument.
func (c *Call) HasStarStar() bool { return c.Arg("**") != nil }

// ValueKind is what an argument's value is, when it is simple.
type ValueKind uint8

// Value kinds.
const (
	Other     ValueKind = iota // any other expression
	StringLit                  // one string literal or adjacent ones
	NumberLit
	TrueLit
	FalseLit
	NoneLit
	DottedName // a name or dotted name: "yaml.SafeLoader"
)

// Arg is one argument of a call.
type Arg struct {
	Keyword    string // "" for a positional argument, "*" and "**" for unpacking
	Start, End int    // byte span of the value
	Line, Col  int    // where the value starts
	Kind       ValueKind
	// Value is the literal's value for strings (without prefix and quotes;
	// escapes are left as written), the number's text, or the dotted name.
	Value string
	// Resolved is a DottedName's value resolved like Call.Resolved.
	Resolved string
	// Via names the constant a literal value was taken from, when the
	// argument was written as a name bound to a literal ("WEIGHTS_ONLY",
	// "KW" for a keyword of **KW, or a parameter's default); "" otherwise.
	Via string
	// Default is set when Via is a parameter whose default value is known:
	// a caller may pass another value.
	Default bool
	// Param is set when the argument is a parameter of the enclosing
	// function, or an attribute of one ("cfg.path"). It is shared between
	// the arguments and calls that name the parameter: callers must not
	// modify it.
	Param *Param
	// ValueCall is, when the argument is a name holding the result of a
	// call ("f" after "with open(p) as f", "data = r.read()"), the index in
	// Module.Tokens of that call's opening parenthesis; 0 otherwise.
	ValueCall int
	// Parts are the operands of a concatenation ("BASE_URL + name",
	// "os.environ["DIR"] + "/model.pkl""), each read as an argument in the
	// scope the expression is in, when the argument is one or is a name
	// bound to one; nil otherwise. A path or URL built from parts comes
	// from wherever its parts come from.
	Parts *[]Arg
}

// IsTrue reports whether the argument is a literal Python treats as true:
// True, a non-zero number, a non-empty string.
func (a *Arg) IsTrue() bool {
	if a == nil {
		return false
	}
	switch a.Kind {
	case TrueLit:
		return true
	case NumberLit:
		return !zeroNumber(a.Value)
	case StringLit:
		return a.Value != ""
	}
	return false
}

// IsFalse reports whether the argument is a literal Python treats as false,
// other than None (which many APIs read as "the default"): False, 0, "".
func (a *Arg) IsFalse() bool {
	if a == nil {
		return false
	}
	switch a.Kind {
	case FalseLit:
		return true
	case NumberLit:
		return zeroNumber(a.Value)
	case StringLit:
		return a.Value == ""
	}
	return false
}

// zeroNumber reports whether a number literal's text is zero: 0, 0.0, 0x0, -0.
func zeroNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	s = strings.ToLower(s)
	for _, p := range []string{"0x", "0o", "0b"} {
		if strings.HasPrefix(s, p) {
			return strings.Trim(s[2:], "0_") == ""
		}
	}
	for _, c := range s {
		switch {
		case c == '0', c == '.', c == '_':
		case c == 'e' || c == 'j':
			return true // 0e5, 0j: the mantissa was all zeros
		default:
			return false
		}
	}
	return true
}

// Param is a parameter of a function definition.
type Param struct {
	Name string // the parameter's name
	Func string // the function it belongs to
	// Index is the parameter's position among the arguments a call passes
	// (a method's self or cls does not count), or -1 when it can only be
	// passed by keyword or is *args or **kwargs.
	Index int
	// Annot is the parameter's annotation, resolved ("fastapi.UploadFile").
	Annot string
	// Decorators are the resolved decorators of the function
	// ("fastapi.FastAPI().post").
	Decorators []string
}

// binding is what a name is bound to. It is kept small (most bindings are
// imports and plain assignments): the rarer values sit behind pointers.
type binding struct {
	target string // fully qualified name; "" for a local or unknown value
	// call is the opening parenthesis of the call whose result the name
	// holds, or 0.
	call int
	// konst is the literal a name is bound to ("FLAG = True"), or nil.
	konst *Arg
	// dict holds the keyword arguments of a dict built from literals
	// ("KW = {"weights_only": True}", "KW = dict(weights_only=True)");
	// **KW in a call stands for them. nil when the name holds no such dict.
	dict *[]Arg
	// param is set for a function's parameter.
	param *Param
	// partial is set when the name holds functools.partial(f, …) of a
	// dotted f: calling the name calls f with those arguments.
	partial *partialFn
	// parts are the operands when the name holds a concatenation
	// ("url = BASE + name"): see Arg.Parts.
	parts *[]Arg
}

// partialFn is a function with arguments bound by functools.partial.
type partialFn struct {
	target string // f, resolved
	args   []Arg  // the arguments after f
}

// block is a def or class body the parser is inside of. Names bound in a
// function body are local to it: the bindings they replaced come back when
// the body ends. Names bound in a class body (methods, class attributes)
// are not visible outside it and are not recorded at all.
type block struct {
	indent int32 // column of the statement that opened the block
	class  bool
	undo   int // length of parser.undo when the block opened
}

// saved is a binding a function body replaced, to restore when it ends.
type saved struct {
	name string
	b    binding
	ok   bool // the name was bound before
}

// maxBlocks bounds the block stack; deeper nesting is treated as one level.
const maxBlocks = 256

// Parse tokenizes and parses one Python file.
func Parse(src []byte) *Module { return ParseChunks(src, nil) }

// ParseChunks parses src as one module made of consecutive chunks that end at
// the given offsets (a notebook's cells). Strings and brackets never run from
// one chunk into the next, but names bound in one chunk are seen in the next.
// A nil ends parses src as one chunk.
func ParseChunks(src []byte, ends []int) *Module {
	t := newTokenizer(src, false)
	start := 0
	for _, e := range ends {
		if e < start || e > len(src) {
			continue
		}
		t.run(start, e)
		start = e
	}
	if start < len(src) || len(ends) == 0 {
		t.run(start, len(src))
	}
	m := &Module{Src: src, Tokens: t.toks, scope: make(map[string]binding, len(t.toks)/64)}
	// Every call opens a parenthesis: one count sizes the call list,
	// instead of growing it call by call.
	opens := 0
	for _, tok := range t.toks {
		if tok.End-tok.Start == 1 && src[tok.Start] == '(' {
			opens++
		}
	}
	m.Calls = make([]Call, 0, opens)
	p := parser{m: m, src: src, toks: t.toks}
	p.parse()
	return m
}

// Resolve resolves a dotted name against the bindings as they stand at the
// end of the module, like Call.Resolved.
func (m *Module) Resolve(dotted string) string { return resolve(m.scope, dotted) }

func resolve(scope map[string]binding, dotted string) string {
	if dotted == "" || dotted[0] == '?' {
		return ""
	}
	head := dotted
	rest := ""
	if i := strings.IndexAny(dotted, ".(["); i >= 0 {
		head, rest = dotted[:i], dotted[i:]
	}
	b, ok := scope[head]
	if !ok {
		return dotted
	}
	if b.target == "" {
		return ""
	}
	return b.target + rest
}

var keywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true, "async": true,
	"await": true, "break": true, "class": true, "continue": true, "def": true, "del": true, "elif": true,
	"else": true, "except": true, "finally": true, "for": true, "from": true, "global": true, "if": true,
	"import": true, "in": true, "is": true, "lambda": true, "nonlocal": true, "not": true, "or": true,
	"pass": true, "raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
	"print": false, // a Python 2 statement, but a call in Python 3
}

// maxChain bounds how many links of a callee chain are followed backwards,
// so a long a().b().c()… chain stays linear.
const maxChain = 32

type parser struct {
	m    *Module
	src  []byte
	toks []Token

	// pending is an assignment binding that takes effect at the end of its
	// statement, after its value has been evaluated.
	pending    bool
	pendingAt  int
	pendingFor []string
	pendingTo  binding
	// pendingCall is the opening parenthesis of the call that is the whole
	// value ("f = getattr(torch, "load")"), or -1.
	pendingCall int
	// decos are the resolved decorators of the def that comes next.
	decos []string

	blocks []block
	undo   []saved // bindings replaced in the open function bodies, oldest first
	head   int     // index of the first token of the current logical line
	// headCompound: the current logical line starts with a compound keyword.
	headCompound bool
}

func (p *parser) text(i int) string { return string(p.src[p.toks[i].Start:p.toks[i].End]) }

func (p *parser) isName(i int, s string) bool {
	t := p.toks[i]
	return t.Kind == Name && int(t.End-t.Start) == len(s) && string(p.src[t.Start:t.End]) == s
}

func (p *parser) isOp(i int, op string) bool {
	return i >= 0 && i < len(p.toks) && p.toks[i].is(p.src, op)
}

// isIdent reports whether token i is a name that is not a keyword.
func (p *parser) isIdent(i int) bool {
	if i < 0 || i >= len(p.toks) || p.toks[i].Kind != Name {
		return false
	}
	t := p.toks[i]
	return !keywords[string(p.src[t.Start:t.End])] // no allocation for a map lookup
}

// stmtStart reports whether token i starts a statement: it begins a logical
// line, follows ";", or follows the ":" of a compound statement's header on
// the same line ("else: load = json.load"). The last is approximate: a ":"
// inside the header (an annotation, a slice) also counts, which is harmless
// because what follows it is then no assignment.
func (p *parser) stmtStart(i int) bool {
	if i == 0 {
		return true
	}
	prev := p.toks[i-1]
	switch prev.Kind {
	case Newline:
		return true
	case Op:
		if prev.End-prev.Start == 1 {
			switch p.src[prev.Start] {
			case ';':
				return true
			case ':':
				return p.headCompound && p.head < i
			}
		}
	}
	return false
}

// compound lists the keywords that start a compound statement's header.
var compound = map[string]bool{
	"if": true, "elif": true, "else": true, "for": true, "while": true, "with": true, "try": true, "except": true,
	"finally": true, "def": true, "class": true, "async": true, "match": true, "case": true,
}

// bind binds name in the innermost scope: the module, or the function body
// being parsed (until it ends). Bindings in a class body are dropped.
func (p *parser) bind(name, target string) { p.bindTo(name, binding{target: target}) }

func (p *parser) bindTo(name string, bd binding) {
	if n := len(p.blocks); n > 0 {
		b := &p.blocks[n-1]
		if b.class {
			return
		}
		old, ok := p.m.scope[name]
		p.undo = append(p.undo, saved{name, old, ok})
	}
	p.m.scope[name] = bd
}

// bindPending makes the pending assignment take effect. A value that is a
// call with a dynamic target (getattr(torch, "load"),
// importlib.import_module("pickle")) binds to that target.
func (p *parser) bindPending() {
	b := p.pendingTo
	if p.pendingCall >= 0 {
		if c := p.callAt(p.pendingCall); c != nil {
			if d := dynamicTarget(c); d != "" {
				b = binding{target: d, call: p.pendingCall}
			} else if pf := partialOf(c); pf != nil {
				b.partial = pf
			}
		}
	}
	for _, n := range p.pendingFor {
		p.bindTo(n, b)
	}
	p.pending = false
}

// dynamicTarget is what a call of getattr, importlib.import_module or
// __import__ with constant names returns, or "".
func dynamicTarget(c *Call) string {
	switch c.Resolved {
	case "getattr", "builtins.getattr":
		o, n := c.Positional(0), c.Positional(1)
		if o != nil && n != nil && o.Kind == DottedName && o.Resolved != "" && n.Kind == StringLit && isIdentString(n.Value) {
			return o.Resolved + "." + n.Value
		}
	case "importlib.import_module":
		if a := c.Positional(0); a != nil && a.Kind == StringLit && isDottedString(a.Value) && c.Positional(1) == nil {
			return a.Value
		}
	case "__import__", "builtins.__import__":
		a := c.Positional(0)
		if a == nil || a.Kind != StringLit || !isDottedString(a.Value) {
			return ""
		}
		if c.Arg("fromlist") != nil || c.Positional(3) != nil {
			return a.Value
		}
		head, _, _ := strings.Cut(a.Value, ".")
		return head
	}
	return ""
}

// partialOf is what a call of functools.partial with a dotted function
// as its first argument binds, or nil.
func partialOf(c *Call) *partialFn {
	if c.Resolved != "functools.partial" || len(c.Args) == 0 {
		return nil
	}
	f := &c.Args[0]
	if f.Keyword != "" || f.Kind != DottedName || f.Resolved == "" {
		return nil
	}
	return &partialFn{target: f.Resolved, args: c.Args[1:]}
}

// applyPartial makes call c, of a name bound to functools.partial(f, …),
// a call of f: the partial's positional arguments come first, then the
// call's own, then the partial's keywords (which the call's override).
func applyPartial(c *Call, pf *partialFn) {
	c.Resolved = pf.target
	args := make([]Arg, 0, len(pf.args)+len(c.Args))
	for _, a := range pf.args {
		if a.Keyword == "" || a.Keyword == "*" {
			args = append(args, a)
		}
	}
	args = append(args, c.Args...)
	for _, a := range pf.args {
		if a.Keyword != "" && a.Keyword != "*" {
			args = append(args, a)
		}
	}
	c.Args = args
}

func isIdentString(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return !keywords[s]
}

func isDottedString(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if !isIdentString(part) {
			return false
		}
	}
	return true
}

// popBlocks ends the blocks that a statement starting at column col is not
// inside of, restoring the bindings their bodies replaced.
func (p *parser) popBlocks(col int32) {
	for n := len(p.blocks); n > 0 && p.blocks[n-1].indent >= col; n-- {
		// Undo in reverse, so a name bound twice gets its oldest value back.
		from := p.blocks[n-1].undo
		for k := len(p.undo) - 1; k >= from; k-- {
			if u := p.undo[k]; u.ok {
				p.m.scope[u.name] = u.b
			} else {
				delete(p.m.scope, u.name)
			}
		}
		p.undo = p.undo[:from]
		p.blocks = p.blocks[:n-1]
	}
}

// pushBlock opens the body of the def or class whose keyword is token i.
func (p *parser) pushBlock(i int, class bool) {
	col := p.toks[i].Col
	if i > 0 && p.isName(i-1, "async") {
		col = p.toks[i-1].Col
	}
	if len(p.blocks) == maxBlocks {
		return
	}
	p.blocks = append(p.blocks, block{indent: col, class: class, undo: len(p.undo)})
}

func (p *parser) parse() {
	toks := p.toks
	for i := 0; i < len(toks); i++ {
		if p.pending && i >= p.pendingAt {
			p.bindPending()
		}
		t := toks[i]
		if i == 0 || toks[i-1].Kind == Newline {
			p.head = i
			p.headCompound = t.Kind == Name && compound[string(p.src[t.Start:t.End])]
		}
		st := p.stmtStart(i)
		if st && len(p.blocks) > 0 {
			p.popBlocks(t.Col)
		}
		switch t.Kind {
		case Name:
			switch string(p.src[t.Start:t.End]) {
			case "import":
				i = p.importStmt(i)
				continue
			case "from":
				if j := p.fromStmt(i); j > i {
					i = j
				}
				continue
			case "def", "class":
				// A definition shadows the name in its scope: the module, or
				// the enclosing function; a method named load does not hide
				// an imported load.
				if p.isIdent(i + 1) {
					p.bind(p.text(i+1), "")
				}
				class := p.text(i) == "class"
				decos := p.decos
				p.decos = nil
				p.pushBlock(i, class)
				if !class {
					p.params(i+2, decos)
				}
				continue
			}
			if st && !p.isName(i, "async") {
				p.decos = nil
			}
			if st {
				if p.isName(i, "with") {
					p.withStmt(i)
				} else if p.isName(i, "async") && i+1 < len(toks) && p.isName(i+1, "with") {
					p.withStmt(i + 1)
				}
				p.assignment(i)
			}
		case Op:
			if st && p.src[t.Start] == '@' && t.End-t.Start == 1 {
				// A decorator: "@app.post("/x")" is kept for the def it decorates.
				if d, _ := p.dotted(i + 1); d != "" && len(p.decos) < 16 {
					p.decos = append(p.decos, resolve(p.m.scope, d))
				}
			} else if st {
				p.decos = nil
			}
			if p.src[t.Start] == '(' && t.End-t.Start == 1 {
				p.call(i)
			}
		}
	}
	if p.pending {
		p.bindPending()
	}
	p.popBlocks(0)
}

// dotted reads NAME ("." NAME)* at i and returns it with the index after it.
func (p *parser) dotted(i int) (string, int) {
	if !p.isIdent(i) {
		return "", i
	}
	// Most dotted names are written without spaces ("torch.load"): their
	// text is one slice of the source, copied once.
	start := i
	contiguous := true
	k := i + 1
	for p.isOp(k, ".") && p.isIdent(k+1) {
		if p.toks[k].Start != p.toks[k-1].End || p.toks[k+1].Start != p.toks[k].End {
			contiguous = false
		}
		k += 2
	}
	if contiguous {
		return string(p.src[p.toks[start].Start:p.toks[k-1].End]), k
	}
	var b strings.Builder
	b.WriteString(p.text(i))
	i++
	for p.isOp(i, ".") && p.isIdent(i+1) {
		b.WriteByte('.')
		b.WriteString(p.text(i + 1))
		i += 2
	}
	return b.String(), i
}

// importStmt parses "import a.b [as c], …" at i and returns the last index used.
func (p *parser) importStmt(i int) int {
	j := i + 1
	for {
		start := j
		mod, k := p.dotted(j)
		if mod == "" {
			return j - 1
		}
		as := ""
		if p.isName(k, "as") && p.isIdent(k+1) {
			as = p.text(k + 1)
			k += 2
		}
		im := Import{Module: mod, As: as, Line: int(p.toks[start].Line), Col: int(p.toks[start].Col)}
		if as != "" {
			p.bind(as, mod)
		} else {
			head, _, _ := strings.Cut(mod, ".")
			im.As = head
			p.bind(head, head)
		}
		p.m.Imports = append(p.m.Imports, im)
		if !p.isOp(k, ",") {
			return k - 1
		}
		j = k + 1
	}
}

// fromStmt parses "from [.]*mod import names" at i. It returns the last
// index used, or i when this "from" is not an import (raise … from …).
func (p *parser) fromStmt(i int) int {
	j := i + 1
	mod := ""
	for p.isOp(j, ".") || p.isOp(j, "...") {
		mod += p.text(j)
		j++
	}
	if name, k := p.dotted(j); name != "" {
		mod += name
		j = k
	}
	if mod == "" || !p.isName(j, "import") {
		return i
	}
	j++
	paren := p.isOp(j, "(")
	if paren {
		j++
	}
	for j < len(p.toks) {
		if p.isOp(j, "*") {
			p.m.Imports = append(p.m.Imports, Import{Module: mod, Name: "*", Line: int(p.toks[j].Line), Col: int(p.toks[j].Col)})
			if len(p.blocks) == 0 && len(p.m.stars) < 64 {
				p.m.stars = append(p.m.stars, mod)
			}
			return j
		}
		if !p.isIdent(j) {
			break
		}
		name := p.text(j)
		as := name
		k := j + 1
		if p.isName(k, "as") && p.isIdent(k+1) {
			as = p.text(k + 1)
			k += 2
		}
		im := Import{Module: mod, Name: name, As: as, Line: int(p.toks[j].Line), Col: int(p.toks[j].Col)}
		p.m.Imports = append(p.m.Imports, im)
		p.bind(as, im.Path())
		j = k
		if !p.isOp(j, ",") {
			break
		}
		j++
	}
	if paren && p.isOp(j, ")") {
		return j
	}
	return j - 1
}

// assignment records "name = value" and "a, b = value" at statement start i.
// A dotted value aliases it ("loader = pickle.load"); a single call of a
// dotted callee binds the call's result ("u = pickle.Unpickler(f)"); any
// other value makes the name local, so it shadows an import.
func (p *parser) assignment(i int) {
	var names []string
	j := i
	for p.isIdent(j) {
		names = append(names, p.text(j))
		if !p.isOp(j+1, ",") {
			j++
			break
		}
		j += 2
	}
	if len(names) == 0 || !p.isOp(j, "=") {
		return
	}
	v := j + 1
	end := v
	for end < len(p.toks) && p.toks[end].Kind != Newline && !p.isOp(end, ";") {
		if m := p.toks[end].Match; m > int32(end) {
			end = int(m)
		}
		end++
	}
	var target binding
	call := -1
	if v+1 < end && p.isName(v, "await") {
		v++
	}
	if len(names) == 1 && end > v {
		if d, k := p.dotted(v); d != "" {
			switch {
			case k < end && !(p.isOp(k, "(") && int(p.toks[k].Match) == end-1):
				// A chain: "request.files["m"].read()", "sys.argv[1]".
				if chain, last := p.chain(d, k, end); chain != "" {
					if r := resolve(p.m.scope, chain); r != "" {
						target.target = r
					}
					target.call = last
				} else if a := p.arg(v, end); a.Parts != nil {
					target.parts = a.Parts // "path = BASE + name"
				}
			case k == end:
				target.target = resolve(p.m.scope, d)
				if b, ok := p.m.scope[d]; ok && (b.konst != nil || b.dict != nil) {
					target = b // FLAG2 = FLAG
				}
			case p.isOp(k, "(") && int(p.toks[k].Match) == end-1:
				call = k
				target.call = k
				r := resolve(p.m.scope, d)
				if r != "" {
					target.target = r + "()"
				}
				if r == "dict" || r == "builtins.dict" {
					target.dict = dictOf(p.keywords(p.args(k+1, end-1)))
				}
			}
		} else if p.isOp(v, "{") && int(p.toks[v].Match) == end-1 {
			target.dict = dictOf(p.dictLiteral(v+1, end-1))
		} else if a := p.arg(v, end); a.Kind != Other && a.Kind != DottedName {
			target.konst = &a
		} else if a.Parts != nil {
			target.parts = a.Parts // "url = "https://…/" + name"
		}
	}
	if len(names) > 1 && end > v {
		// "local, headers = urlretrieve(url)": each name holds part of
		// the call's result, so each comes from where the call reads.
		if d, k := p.dotted(v); d != "" && p.isOp(k, "(") && int(p.toks[k].Match) == end-1 {
			target.call = k
		}
	}
	p.pending, p.pendingAt, p.pendingFor, p.pendingTo, p.pendingCall = true, end, names, target, call
}

// call records the call whose opening parenthesis is token i, if it is one.
func (p *parser) call(i int) {
	if i == 0 {
		return
	}
	prev := p.toks[i-1]
	switch {
	case prev.Kind == Name:
		if !p.isIdent(i - 1) {
			return
		}
		if i >= 2 && (p.isName(i-2, "def") || p.isName(i-2, "class")) {
			return
		}
	case prev.is(p.src, ")") || prev.is(p.src, "]"):
		if prev.Match < 0 {
			return
		}
	default:
		return
	}
	// parts are the chain's links, last first: a name's token index, or
	// one of the marks partCall ("()"), partIndex ("[]") and partHead ("?").
	var partsBuf [8]int
	parts := partsBuf[:0] // most chains are short: no allocation
	k := i - 1
	head := -1
	// dyn is the leftmost call group of the chain whose call has a dynamic
	// target (getattr(torch, "load")), and dynParts how many parts follow it.
	dyn, dynParts := "", 0
	for n := 0; ; n++ {
		if n == maxChain {
			parts = append(parts, partHead)
			break
		}
		t := p.toks[k]
		if t.Kind == Name && p.isIdent(k) {
			parts = append(parts, k)
			head = k
			if k >= 2 && p.isOp(k-1, ".") {
				k -= 2
				continue
			}
			break
		}
		if (t.is(p.src, ")") || t.is(p.src, "]")) && t.Match >= 0 {
			m := int(t.Match)
			if t.is(p.src, ")") {
				if c := p.callAt(m); c != nil {
					if d := dynamicTarget(c); d != "" {
						dyn, dynParts = d, len(parts)
					}
				}
				parts = append(parts, partCall)
			} else {
				parts = append(parts, partIndex)
			}
			head = m
			// A group is a call or subscript only when an expression ends
			// right before it; otherwise it is the head: "(a or b).load".
			if pk := m - 1; pk >= 0 && (p.isIdent(pk) || (p.isOp(pk, ")") || p.isOp(pk, "]")) && p.toks[pk].Match >= 0) {
				k = pk
				continue
			}
			parts = append(parts, partHead)
			break
		}
		// Not a name or group: a literal or other expression heads the chain.
		parts = append(parts, partHead)
		if t.Kind != Op {
			head = k
		}
		break
	}
	if head < 0 {
		head = i - 1
	}
	callee := p.chainText(parts)
	// The head name is looked up once, for resolving the callee (like
	// resolve), its parameter, its value and the star imports.
	h, rest := callee, ""
	if k := strings.IndexAny(h, ".(["); k >= 0 {
		h, rest = callee[:k], callee[k:]
	}
	var hb binding
	bound := false
	if h != "" && h[0] != '?' {
		hb, bound = p.m.scope[h]
	}
	resolved := ""
	switch {
	case callee == "" || callee[0] == '?':
	case !bound:
		resolved = callee
	case hb.target != "":
		resolved = hb.target + rest
	}
	if dyn != "" {
		var rb strings.Builder
		rb.WriteString(dyn)
		for n := dynParts - 1; n >= 0; n-- {
			if s := parts[n]; s != partCall && s != partIndex {
				rb.WriteByte('.')
			}
			p.writePart(&rb, parts[n])
		}
		resolved = rb.String()
	}
	ht := p.toks[head]
	c := Call{
		Callee:   callee,
		Resolved: resolved,
		Line:     int(ht.Line),
		Col:      int(ht.Col),
		Start:    int(ht.Start),
		Open:     i,
		Close:    int(p.toks[i].Match),
	}
	var partial *partialFn
	if bound && h != callee {
		c.HeadParam, c.HeadCall = hb.param, hb.call
	} else if bound && hb.partial != nil {
		partial = hb.partial
	}
	if len(p.m.stars) > 0 && dyn == "" && c.Resolved == callee && callee[0] != '?' && !bound {
		c.Stars = p.m.stars
	}
	if c.Close >= 0 {
		c.End = int(p.toks[c.Close].End)
		c.Args = p.args(i+1, c.Close)
	} else {
		c.End = int(p.toks[i].End)
	}
	if partial != nil {
		applyPartial(&c, partial)
	}
	p.m.Calls = append(p.m.Calls, c)
}

// Marks of call's chain parts that are not names.
const (
	partCall  = -1 // "()"
	partIndex = -2 // "[]"
	partHead  = -3 // "?"
)

// chainText writes a callee chain's parts (last first) like "a.b()[].c".
func (p *parser) chainText(parts []int) string {
	// A chain of names written without spaces ("torch.load") is one slice
	// of the source: the names, from the first to the last, with dots.
	names := len(parts) > 0
	for n, k := range parts {
		if k < 0 || n > 0 && (parts[n-1] != k+2 || p.toks[k+1].Start != p.toks[k].End || p.toks[k+2].Start != p.toks[k+1].End) {
			names = false
			break
		}
	}
	if names {
		return string(p.src[p.toks[parts[len(parts)-1]].Start:p.toks[parts[0]].End])
	}
	var b strings.Builder
	for n := len(parts) - 1; n >= 0; n-- {
		s := parts[n]
		if b.Len() > 0 && s != partCall && s != partIndex {
			b.WriteByte('.')
		}
		p.writePart(&b, s)
	}
	return b.String()
}

func (p *parser) writePart(b *strings.Builder, part int) {
	switch part {
	case partCall:
		b.WriteString("()")
	case partIndex:
		b.WriteString("[]")
	case partHead:
		b.WriteString("?")
	default:
		t := p.toks[part]
		b.Write(p.src[t.Start:t.End])
	}
}

// callAt is the call recorded so far whose opening parenthesis is token
// open, or nil. Calls are recorded in the order of their parentheses, so
// m.Calls is sorted by Open.
func (p *parser) callAt(open int) *Call {
	calls := p.m.Calls
	lo, hi := 0, len(calls)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if calls[mid].Open < open {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(calls) && calls[lo].Open == open {
		return &calls[lo]
	}
	return nil
}

// args splits tokens [from, to) at top-level commas.
func (p *parser) args(from, to int) []Arg {
	if from >= to {
		return nil
	}
	// Count the arguments first, so the slice is allocated once.
	n := 1
	for k := from; k < to; k++ {
		if m := p.toks[k].Match; m > int32(k) && int(m) < to {
			k = int(m)
			continue
		}
		if p.isOp(k, ",") {
			n++
		}
	}
	out := make([]Arg, 0, n)
	s := from
	for k := from; k <= to; k++ {
		if k < to {
			if m := p.toks[k].Match; m > int32(k) && int(m) < to {
				k = int(m)
				continue
			}
			if !p.isOp(k, ",") {
				continue
			}
		}
		if k > s {
			if p.isOp(s, "**") {
				if kws, ok := p.starStar(s+1, k); ok {
					out = append(out, kws...)
					s = k + 1
					continue
				}
			}
			out = append(out, p.arg(s, k))
		}
		s = k + 1
	}
	return out
}

// arg reads one argument from tokens [s, e).
func (p *parser) arg(s, e int) Arg {
	a := Arg{}
	switch {
	case p.isIdent(s) && s+1 < e && p.isOp(s+1, "="):
		a.Keyword = p.text(s)
		s += 2
	case p.isOp(s, "*") || p.isOp(s, "**"):
		a.Keyword = p.text(s)
		s++
	}
	if s >= e {
		return a
	}
	a.Start, a.End = int(p.toks[s].Start), int(p.toks[e-1].End)
	// Redundant parentheses do not change a value: "(False)", "((True))".
	for n := 0; n < 8 && e-s > 2 && p.isOp(s, "(") && int(p.toks[s].Match) == e-1; n++ {
		if e-s == 3 || !p.parenTuple(s+1, e-1) {
			s, e = s+1, e-1
		} else {
			break
		}
	}
	a.Line, a.Col = int(p.toks[s].Line), int(p.toks[s].Col)
	// The first name is looked up once: for a parameter, and for the value
	// of a plain name below. Keywords are never bound.
	var hb binding
	bound := false
	if t := p.toks[s]; t.Kind == Name {
		// "cfg.path", "payload["x"]", "path + ".pt"": derived from a parameter.
		hb, bound = p.m.scope[string(p.src[t.Start:t.End])]
		a.Param = hb.param
	}
	switch first := p.toks[s]; {
	case first.Kind == String:
		var b strings.Builder
		k := s
		for ; k < e && p.toks[k].Kind == String; k++ {
			b.WriteString(stringValue(p.src[p.toks[k].Start:p.toks[k].End]))
		}
		if k == e {
			a.Kind, a.Value = StringLit, b.String()
		}
	case first.Kind == Number && e-s == 1:
		a.Kind, a.Value = NumberLit, p.text(s)
	case p.isOp(s, "-") && e-s == 2 && p.toks[s+1].Kind == Number:
		a.Kind, a.Value = NumberLit, "-"+p.text(s+1)
	case first.Kind == Name && e-s == 1 && !p.isIdent(s):
		switch p.text(s) {
		case "True":
			a.Kind = TrueLit
		case "False":
			a.Kind = FalseLit
		case "None":
			a.Kind = NoneLit
		}
	default:
		if d, k := p.dotted(s); d != "" && k == e {
			a.Kind, a.Value, a.Resolved = DottedName, d, resolve(p.m.scope, d)
			// Only names are bound, never dotted names: the binding of d
			// is the first name's, when d is one name.
			if b := hb; bound && k == s+1 {
				a.ValueCall = b.call
				if b.konst != nil {
					a.Kind, a.Value, a.Resolved = b.konst.Kind, b.konst.Value, ""
					a.Via, a.Default = d, b.konst.Default
				}
				a.Parts = b.parts
			}
		}
	}
	if a.Kind == Other && e-s > 2 {
		a.Parts = p.concat(s, e)
	}
	return a
}

// concat splits tokens [s, e) at their top-level binary "+" and "/"
// operators (string concatenation, pathlib's "root / name") and reads each
// operand as an argument, or returns nil when there is no such operator.
// Parenthesised operands are split again within arg's bound on redundant
// parentheses, so a hostile "a + (b + (c + …))" costs a few passes.
func (p *parser) concat(s, e int) *[]Arg {
	var parts []Arg
	from := s
	for k := s + 1; k < e; k++ {
		if m := p.toks[k].Match; m > int32(k) && int(m) < e {
			k = int(m)
			continue
		}
		if (p.isOp(k, "+") || p.isOp(k, "/")) && k > from && k+1 < e {
			parts = append(parts, p.arg(from, k))
			from = k + 1
		}
	}
	if parts == nil {
		return nil
	}
	parts = append(parts, p.arg(from, e))
	return &parts
}

// parenTuple reports whether tokens [s, e) hold a top-level comma, which
// makes the parentheses around them a tuple.
func (p *parser) parenTuple(s, e int) bool {
	for k := s; k < e; k++ {
		if m := p.toks[k].Match; m > int32(k) && int(m) < e {
			k = int(m)
			continue
		}
		if p.isOp(k, ",") {
			return true
		}
	}
	return false
}

// stringValue strips a string literal's prefix and quotes.
func stringValue(b []byte) string {
	i := 0
	for i < len(b) && b[i] != '"' && b[i] != '\'' {
		i++
	}
	if i == len(b) {
		return ""
	}
	q := b[i]
	n := 1
	if i+2 < len(b) && b[i+1] == q && b[i+2] == q {
		n = 3
	}
	body := b[i+n:]
	if len(body) >= n && allByte(body[len(body)-n:], q) && (n == 1 || len(body) >= n) {
		body = body[:len(body)-n]
	}
	return string(body)
}

func allByte(b []byte, c byte) bool {
	for _, x := range b {
		if x != c {
			return false
		}
	}
	return true
}

// starStar expands "**value" (tokens [s, e)) into keyword arguments when
// value is a dict built from literals: "{"k": v}", "dict(k=v)", or a name
// bound to one. It reports false when the keywords are not known.
func (p *parser) starStar(s, e int) ([]Arg, bool) {
	if s >= e {
		return nil, false
	}
	var kws []Arg
	ok := false
	via := ""
	switch {
	case p.isOp(s, "{") && int(p.toks[s].Match) == e-1:
		kws, ok = p.dictLiteral(s+1, e-1)
	default:
		d, k := p.dotted(s)
		switch {
		case d == "":
		case k == e:
			if b, bound := p.m.scope[d]; bound && b.dict != nil {
				kws, ok, via = *b.dict, true, d
			}
		case p.isOp(k, "(") && int(p.toks[k].Match) == e-1:
			if r := resolve(p.m.scope, d); r == "dict" || r == "builtins.dict" {
				kws, ok = p.keywords(p.args(k+1, e-1))
			}
		}
	}
	if !ok {
		return nil, false
	}
	out := make([]Arg, len(kws))
	for n, a := range kws {
		if via != "" {
			a.Via = via
		}
		out[n] = a
	}
	return out, true
}

// dictOf is the binding's dict for keyword arguments kws, when ok.
func dictOf(kws []Arg, ok bool) *[]Arg {
	if !ok {
		return nil
	}
	return &kws
}

// keywords returns args when every one is a plain keyword argument.
func (p *parser) keywords(args []Arg) ([]Arg, bool) {
	for _, a := range args {
		if a.Keyword == "" || a.Keyword == "*" || a.Keyword == "**" {
			return nil, false
		}
	}
	return args, true
}

// dictLiteral reads the items of a dict display in tokens [s, e) as
// keyword arguments; every key must be a string literal.
func (p *parser) dictLiteral(s, e int) ([]Arg, bool) {
	var out []Arg
	from := s
	for k := s; k <= e; k++ {
		if k < e {
			if m := p.toks[k].Match; m > int32(k) && int(m) < e {
				k = int(m)
				continue
			}
			if !p.isOp(k, ",") {
				continue
			}
		}
		if k > from {
			if p.toks[from].Kind != String || !p.isOp(from+1, ":") || from+2 >= k {
				return nil, false
			}
			key := stringValue(p.src[p.toks[from].Start:p.toks[from].End])
			if !isIdentString(key) {
				return nil, false
			}
			a := p.arg(from+2, k)
			a.Keyword = key
			out = append(out, a)
		}
		from = k + 1
	}
	return out, true
}

// params binds the parameters of the def whose "(" is token j in the
// function body: a parameter whose default is a literal is bound to it
// (marked as a default), one whose default is a dotted name to that name,
// any other to a local value.
func (p *parser) params(j int, decos []string) {
	fn := ""
	if j >= 1 && p.isIdent(j-1) {
		fn = p.text(j - 1)
	}
	if !p.isOp(j, "(") || p.toks[j].Match <= int32(j) {
		return
	}
	end := int(p.toks[j].Match)
	from := j + 1
	var ps []Param
	pos, kwOnly := 0, false
	for k := from; k <= end; k++ {
		if k < end {
			if m := p.toks[k].Match; m > int32(k) && int(m) < end {
				k = int(m)
				continue
			}
			if !p.isOp(k, ",") {
				continue
			}
		}
		s := from
		from = k + 1
		star := false
		for s < k && (p.isOp(s, "*") || p.isOp(s, "**")) {
			s++
			star = true
		}
		if star {
			kwOnly = true // after "*" or "*args", parameters are keyword-only
		}
		if s >= k || !p.isIdent(s) {
			continue
		}
		name := p.text(s)
		index := -1
		switch {
		case star || kwOnly:
		case pos == 0 && len(ps) == 0 && (name == "self" || name == "cls"):
			// A method's receiver is not among the arguments of a call.
		default:
			index = pos
			pos++
		}
		eq := -1
		for q := s + 1; q < k; q++ {
			if m := p.toks[q].Match; m > int32(q) && int(m) < k {
				q = int(m)
				continue
			}
			if p.isOp(q, "=") {
				eq = q
				break
			}
		}
		// The def's parameters share one allocation.
		if len(ps) == cap(ps) {
			ps = make([]Param, 0, 8)
		}
		ps = append(ps, Param{Name: name, Func: fn, Index: index, Decorators: decos})
		pr := &ps[len(ps)-1]
		b := binding{param: pr}
		if p.isOp(s+1, ":") {
			ae := k
			if eq >= 0 {
				ae = eq
			}
			if d, q := p.dotted(s + 2); d != "" && q == ae {
				pr.Annot = resolve(p.m.scope, d)
			}
		}
		if eq >= 0 && eq+1 < k {
			a := p.arg(eq+1, k)
			switch a.Kind {
			case Other:
			case DottedName:
				b.target = a.Resolved
			default:
				a.Via, a.Default = name, true
				b.konst = &a
			}
		}
		p.bindTo(name, b)
	}
}

// chain reads the rest of a primary expression that starts with the dotted
// name d and goes on at token k: calls, subscripts and attributes, up to
// token end. It returns the chain written like a callee ("a.b()[].c") and
// the opening parenthesis of its last call (0 if none), or "" when the
// tokens up to end are not such a chain.
func (p *parser) chain(d string, k, end int) (string, int) {
	var b strings.Builder
	b.WriteString(d)
	last := 0
	for n := 0; k < end && n < maxChain; n++ {
		switch {
		case p.isOp(k, "(") && p.toks[k].Match > int32(k):
			b.WriteString("()")
			last = k
			k = int(p.toks[k].Match) + 1
		case p.isOp(k, "[") && p.toks[k].Match > int32(k):
			b.WriteString("[]")
			k = int(p.toks[k].Match) + 1
		case p.isOp(k, ".") && p.isIdent(k+1):
			b.WriteByte('.')
			b.WriteString(p.text(k + 1))
			k += 2
		default:
			return "", 0
		}
	}
	if k != end {
		return "", 0
	}
	return b.String(), last
}

// withStmt binds the names of "with EXPR as NAME, …:" at token i (the
// "with"), each to the chain EXPR is, like an assignment.
func (p *parser) withStmt(i int) {
	j := i + 1
	for n := 0; j < len(p.toks) && n < 16; n++ {
		d, k := p.dotted(j)
		if d == "" {
			return
		}
		// The item ends at "as", "," or ":" at the top level.
		e := k
		for e < len(p.toks) && !p.isName(e, "as") && !p.isOp(e, ",") && !p.isOp(e, ":") && p.toks[e].Kind != Newline {
			if m := p.toks[e].Match; m > int32(e) {
				e = int(m)
			}
			e++
		}
		if e >= len(p.toks) || !p.isName(e, "as") || !p.isIdent(e+1) {
			return
		}
		name := p.text(e + 1)
		b := binding{}
		if k == e {
			b.target = resolve(p.m.scope, d)
		} else if chain, last := p.chain(d, k, e); chain != "" {
			b.target, b.call = resolve(p.m.scope, chain), last
		}
		p.bindTo(name, b)
		j = e + 2
		if !p.isOp(j, ",") {
			return
		}
		j++
	}
}
