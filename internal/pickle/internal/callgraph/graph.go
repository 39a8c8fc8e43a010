// Package callgraph derives, from the Python sources of the standard library
// and of the ML frameworks, which importable callables reach a dangerous
// sink (exec, a process, a native library, a file write, a socket, a second
// unpickle) within a few calls while one of their arguments flows to it.
//
// A pickle can import and call any importable name, so a list of known
// gadgets is always one helper behind the libraries. This package reads the
// libraries instead, with the project's own Python parser: it builds a call
// graph of module functions, classes and methods (imports, aliases and
// re-exports resolved, self.method and super() followed), tracks which local
// names derive from which parameters, and keeps a callable when a sink
// receives a value derived from one of its parameters (or, for a method,
// from the instance state a pickle sets with BUILD) within Depth calls.
//
// It never runs Python and reads only source text; it is run at development
// time by the generator in internal/pickle/gen and by the test that checks
// the committed tables are current.
package callgraph

import (
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/python"
)

// fieldBit marks a value read from instance state (self.x): a pickle sets
// it with BUILD before any method runs.
const fieldBit = uint64(1) << 63

// maxParams is how many parameters get their own taint bit.
const maxParams = 62

// fn is one function or method.
type fn struct {
	key      string // "module.Qual.name"
	mod      *module
	class    string // enclosing class key, "" for module functions
	params   []string
	self     bool // the first parameter is the instance or class (method, classmethod)
	static   bool
	classm   bool
	varargs  int // index of *args, -1
	kwargs   int // index of **kwargs, -1
	calls    []edge
	sinks    []sinkUse
	selfMask uint64 // taint of everything the instance holds at the end of the body
}

// edge is a call from a function to a named callee.
type edge struct {
	target string // dotted name, resolved through imports; "" when unknown
	bound  bool   // called through self/cls/super: the first parameter is implicit
	args   []argFlow
	all    uint64 // union of the arguments' taint
	first  uint64 // taint of the first argument and the keywords that name it
	open   uint64 // for an open() call: taint of file and mode when the mode writes
	// recv is, for "x.meth(…)" resolved to the one class of the module that
	// defines meth, the taint of x: the instance the method receives.
	recv    uint64
	hasRecv bool
}

// argFlow is one argument: where it goes and which parameters it derives from.
type argFlow struct {
	kw    string // keyword, "" when positional
	pos   int    // position among positional arguments
	star  bool   // *x
	dstar bool   // **x
	mask  uint64
}

// sinkUse is a sink called with a value derived from parameters.
type sinkUse struct {
	cat  Category
	name string
	mask uint64
}

// class is one class definition.
type class struct {
	key     string
	mod     *module
	bases   []string // resolved dotted names
	methods map[string]*fn
	sockets map[string]bool // self.x fields assigned a socket
}

// module is one parsed source file.
type module struct {
	name string
	pkg  bool // an __init__.py
	py   *python.Module
	defs map[string]string // module-level def and class names -> key
	// methods maps a method name to the classes of this module defining it.
	methods map[string][]string
	// imported are the names any import statement of the module binds.
	imported map[string]bool
	alias    map[string]string // module-level names bound by import or NAME = dotted -> target
}

// Graph is the call graph of a set of modules.
type Graph struct {
	fns     map[string]*fn
	classes map[string]*class
	mods    map[string]*module
	aliases map[string]string // "torch.load" -> "torch.serialization.load"
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{fns: map[string]*fn{}, classes: map[string]*class{}, mods: map[string]*module{}, aliases: map[string]string{}}
}

// scope is an open def or class while the tokens are walked.
type scope struct {
	indent int32
	f      *fn    // the function calls are attributed to (nil for class bodies and modules)
	c      *class // the class whose body this is, for methods
	qual   string // importable qualified name, "" when nested in a function
}

// Add parses one module's source and adds its definitions.
func (g *Graph) Add(name string, pkg bool, src []byte) {
	py := python.Parse(src)
	m := &module{name: name, pkg: pkg, py: py, defs: map[string]string{}, alias: map[string]string{}, methods: map[string][]string{}}
	g.mods[name] = m
	toks := py.Tokens
	owner := make([]*fn, len(toks))
	var stack []scope
	var decos []string
	var fns []*fn
	moduleLines := map[int]bool{} // lines of module-level import statements
	for i := 0; i < len(toks); i++ {
		if i > 0 && toks[i-1].Kind != python.Newline {
			if len(stack) > 0 {
				owner[i] = stack[len(stack)-1].f
			}
			continue
		}
		// A logical line starts: close the blocks it dedents out of.
		col := toks[i].Col
		for len(stack) > 0 && stack[len(stack)-1].indent >= col {
			stack = stack[:len(stack)-1]
		}
		var top *scope
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
			owner[i] = top.f
		}
		t := text(src, toks[i])
		if t == "@" && toks[i].Kind == python.Op {
			if i+1 < len(toks) {
				decos = append(decos, text(src, toks[i+1]))
			}
			continue
		}
		j := i
		if t == "async" && i+1 < len(toks) {
			j = i + 1
			t = text(src, toks[j])
		}
		if (t != "def" && t != "class") || j+1 >= len(toks) || toks[j+1].Kind != python.Name {
			if top == nil {
				g.moduleAssign(m, toks, i)
				if t == "import" || t == "from" {
					moduleLines[int(toks[i].Line)] = true
				}
			}
			decos = decos[:0]
			continue
		}
		name := text(src, toks[j+1])
		sc := scope{indent: col}
		switch {
		case top == nil:
			sc.qual = name
		case top.c != nil && top.qual != "":
			sc.qual = top.qual + "." + name
		}
		if t == "class" {
			if sc.qual != "" {
				c := &class{key: m.name + "." + sc.qual, mod: m, methods: map[string]*fn{}}
				c.bases = g.bases(m, toks, j+2)
				g.classes[c.key] = c
				if top == nil {
					m.defs[name] = c.key
				}
				sc.c = c
			} else if top != nil {
				sc.f = top.f // a class inside a function: its calls belong to the function
			}
		} else {
			f := &fn{varargs: -1, kwargs: -1}
			for _, d := range decos {
				switch d {
				case "staticmethod":
					f.static = true
				case "classmethod":
					f.classm = true
				}
			}
			if sc.qual == "" {
				// Nested in a function: attributed to it.
				if top != nil && top.f != nil {
					sc.f = top.f
				}
			} else {
				f.key = m.name + "." + sc.qual
				f.mod = m
				if top != nil && top.c != nil {
					f.class = top.c.key
					f.self = !f.static
					top.c.methods[name] = f
					m.methods[name] = append(m.methods[name], top.c.key)
				} else {
					m.defs[name] = f.key
				}
				f.params, f.varargs, f.kwargs = params(src, toks, j+2)
				g.fns[f.key] = f
				fns = append(fns, f)
				sc.f = f
			}
		}
		decos = decos[:0]
		stack = append(stack, sc)
		owner[i] = sc.f
		if j > i {
			owner[j] = sc.f
		}
	}
	m.imported = map[string]bool{}
	for _, im := range py.Imports {
		if im.As != "" && moduleLines[im.Line] {
			m.alias[im.As] = im.Path()
		}
		if im.As != "" {
			m.imported[im.As] = true
		} else {
			head, _, _ := strings.Cut(im.Module, ".")
			m.imported[head] = true
		}
	}
	// Taint first for every function (a method may use a socket field that
	// a later method assigns), then the calls.
	ts := make([]*taint, len(fns))
	for i, f := range fns {
		ts[i] = g.taintBody(m, f, owner)
	}
	for i, f := range fns {
		g.calls(m, f, ts[i], owner)
	}
	// Only the module's import scope is read from here on (Resolve): drop
	// the tokens, calls and source, which for 8000 modules are most of the memory.
	py.Src, py.Tokens, py.Imports, py.Calls = nil, nil, nil, nil
}

// moduleAssign records "NAME = dotted.name" at module level as an alias.
func (g *Graph) moduleAssign(m *module, toks []python.Token, i int) {
	src := m.py.Src
	if i+3 >= len(toks) || toks[i].Kind != python.Name || text(src, toks[i+1]) != "=" {
		return
	}
	d, k := dottedAt(src, toks, i+2)
	if d == "" || k >= len(toks) || toks[k].Kind != python.Newline {
		return
	}
	m.alias[text(src, toks[i])] = d
}

// bases reads the base classes in "class C(A, m.B):", resolved at module level.
func (g *Graph) bases(m *module, toks []python.Token, open int) []string {
	src := m.py.Src
	if open >= len(toks) || text(src, toks[open]) != "(" || toks[open].Match <= int32(open) {
		return nil
	}
	var out []string
	end := int(toks[open].Match)
	for k := open + 1; k < end; {
		d, n := dottedAt(src, toks, k)
		if d != "" && n <= end && (n == end || text(src, toks[n]) == ",") {
			if !strings.Contains(d, "=") {
				out = append(out, d)
			}
		}
		for k = max(n, k+1); k < end && text(src, toks[k]) != ","; k++ {
			if mt := toks[k].Match; mt > int32(k) {
				k = int(mt)
			}
		}
		k++
	}
	return out
}

// params reads the parameter names of "def f(a, b=1, *c, **d):".
func params(src []byte, toks []python.Token, open int) (names []string, varargs, kwargs int) {
	varargs, kwargs = -1, -1
	if open >= len(toks) || text(src, toks[open]) != "(" || toks[open].Match <= int32(open) {
		return nil, -1, -1
	}
	end := int(toks[open].Match)
	expect := true
	star := ""
	for k := open + 1; k < end; k++ {
		if mt := toks[k].Match; mt > int32(k) {
			k = int(mt)
			continue
		}
		s := text(src, toks[k])
		switch {
		case s == ",":
			expect, star = true, ""
		case expect && (s == "*" || s == "**") && toks[k].Kind == python.Op:
			star = s
		case expect && toks[k].Kind == python.Name:
			switch star {
			case "*":
				varargs = len(names)
			case "**":
				kwargs = len(names)
			}
			names = append(names, s)
			expect = false
		case expect && s == "/":
		default:
			expect = false
		}
	}
	return names, varargs, kwargs
}

// dottedAt reads NAME ("." NAME)* at k.
func dottedAt(src []byte, toks []python.Token, k int) (string, int) {
	if k >= len(toks) || toks[k].Kind != python.Name {
		return "", k
	}
	var b strings.Builder
	b.WriteString(text(src, toks[k]))
	k++
	for k+1 < len(toks) && text(src, toks[k]) == "." && toks[k+1].Kind == python.Name {
		b.WriteByte('.')
		b.WriteString(text(src, toks[k+1]))
		k += 2
	}
	return b.String(), k
}

func text(src []byte, t python.Token) string { return string(src[t.Start:t.End]) }

// compound are the keywords that open a statement with a body after ":".
var compound = map[string]bool{
	"if": true, "elif": true, "else": true, "while": true, "try": true, "except": true,
	"finally": true, "with": true, "for": true, "async": true,
}

// taint tracks, for one function body, which names derive from which parameters.
type taint struct {
	src     []byte
	toks    []python.Token
	names   map[string]uint64 // local names and "self.x" fields
	method  bool
	sockets map[string]bool // local names and "self.x" fields holding a socket
	cls     *class
	lines   [][2]int // the function's logical lines, first and Newline token
}

// mask is the taint of the tokens [s, e): the union of the names it reads.
func (t *taint) mask(s, e int) uint64 {
	var m uint64
	for k := s; k < e; k++ {
		tk := t.toks[k]
		if tk.Kind != python.Name {
			continue
		}
		if k > 0 && text(t.src, t.toks[k-1]) == "." {
			continue // an attribute name, not a variable
		}
		name := text(t.src, tk)
		if k+1 < e && text(t.src, t.toks[k+1]) == "=" && k > s {
			if p := text(t.src, t.toks[k-1]); p == "(" || p == "," {
				continue // a keyword argument's name
			}
		}
		if name == "self" && t.method {
			if k+2 < e && text(t.src, t.toks[k+1]) == "." && t.toks[k+2].Kind == python.Name {
				field := "self." + text(t.src, t.toks[k+2])
				if v, ok := t.names[field]; ok {
					m |= v
				} else {
					m |= fieldBit
				}
				continue
			}
			for n, v := range t.names {
				if strings.HasPrefix(n, "self.") {
					m |= v
				}
			}
			m |= fieldBit
			continue
		}
		m |= t.names[name]
	}
	return m
}

// taintBody walks f's statements twice, so loops carry taint back to
// their start.
func (g *Graph) taintBody(m *module, f *fn, owner []*fn) *taint {
	toks, src := m.py.Tokens, m.py.Src
	t := &taint{src: src, toks: toks, names: map[string]uint64{}, method: f.self && !f.classm, sockets: map[string]bool{}}
	if f.class != "" {
		t.cls = g.classes[f.class]
	}
	for i, p := range f.params {
		if i == 0 && f.self {
			continue
		}
		if i < maxParams {
			t.names[p] = 1 << uint(i)
		}
	}
	// The statements of f: logical lines whose first token f owns.
	var lines [][2]int
	start := -1
	for i := range toks {
		if start < 0 {
			if owner[i] == f && (i == 0 || toks[i-1].Kind == python.Newline) {
				start = i
			}
		}
		if start >= 0 && toks[i].Kind == python.Newline {
			lines = append(lines, [2]int{start, i})
			start = -1
		}
	}
	t.lines = lines
	if len(lines) == 0 {
		return t
	}
	for pass := 0; pass < 2; pass++ {
		for _, ln := range lines {
			g.statement(m, t, ln[0], ln[1])
		}
	}
	for n, v := range t.names {
		if strings.HasPrefix(n, "self.") {
			f.selfMask |= v
		}
	}
	if t.method {
		f.selfMask |= fieldBit
		if name := f.key[strings.LastIndexByte(f.key, '.')+1:]; name == "__init__" || name == "__new__" || name == "__setstate__" {
			// A constructor's arguments become the instance's state, often
			// through a base class's __init__ the taint does not follow.
			for i := 1; i < len(f.params) && i < maxParams; i++ {
				f.selfMask |= 1 << uint(i)
			}
		}
	}
	return t
}

// calls records f's calls and sink uses.
func (g *Graph) calls(m *module, f *fn, t *taint, owner []*fn) {
	lines := t.lines
	if len(lines) == 0 {
		return
	}
	toks := m.py.Tokens
	lo, hi := toks[lines[0][0]].Start, toks[lines[len(lines)-1][1]].End
	calls := m.py.Calls
	i := sort.Search(len(calls), func(i int) bool { return int32(calls[i].Start) >= lo })
	for ; i < len(calls) && int32(calls[i].Start) <= hi; i++ {
		c := &calls[i]
		if c.Open <= 0 || c.Open >= len(owner) || owner[c.Open] != f {
			continue
		}
		g.call(m, f, t, c)
	}
}

// statement updates the taint of the names one statement binds.
func (g *Graph) statement(m *module, t *taint, s, e int) {
	src, toks := t.src, t.toks
	first := text(src, toks[s])
	if first == "def" || first == "class" || first == "@" || first == "import" || first == "from" {
		return
	}
	g.comprehensions(t, s, e)
	if first == "return" {
		return
	}
	if first == "async" && s+1 < e {
		s++
		first = text(src, toks[s])
	}
	switch first {
	case "for":
		// for TARGETS in EXPR:
		for k := s + 1; k < e; k++ {
			if text(src, toks[k]) == "in" && toks[k].Kind == python.Name {
				end := colonAt(src, toks, k+1, e)
				g.bindNames(t, s+1, k, t.mask(k+1, end), false)
				return
			}
		}
		return
	case "with":
		end := colonAt(src, toks, s+1, e)
		for k := s + 1; k < end; k++ {
			if text(src, toks[k]) == "as" && toks[k].Kind == python.Name {
				g.bindNames(t, k+1, k+2, t.mask(s+1, k), false)
			}
		}
		s = end + 1
	}
	if compound[first] {
		s = colonAt(src, toks, s+1, e) + 1
	}
	// The last top-level "=" (or augmented assignment) splits targets from value.
	eq := -1
	aug := false
	for k := s; k < e; k++ {
		if mt := toks[k].Match; mt > int32(k) {
			k = int(mt)
			continue
		}
		if toks[k].Kind != python.Op {
			continue
		}
		op := text(src, toks[k])
		if op == "=" {
			eq, aug = k, false
		} else if len(op) >= 2 && op[len(op)-1] == '=' && op != "==" && op != "<=" && op != ">=" && op != "!=" {
			eq, aug = k, true
		}
	}
	if eq < 0 {
		return
	}
	mk := t.mask(eq+1, e)
	sock := g.makesSocket(m, toks[eq+1].Start, toks[e-1].End)
	g.bindNames(t, s, eq, mk, aug)
	if sock {
		g.bindSockets(t, s, eq)
	}
}

// comprehensions binds the targets of "for x in it" inside brackets
// ("{k: eval(v) for k, v in ann.items()}") to the taint of it.
func (g *Graph) comprehensions(t *taint, s, e int) {
	src, toks := t.src, t.toks
	for k := s + 1; k < e; k++ {
		if toks[k].Kind != python.Name || text(src, toks[k]) != "for" {
			continue
		}
		in := -1
		for q := k + 1; q < e && in < 0; q++ {
			if mt := toks[q].Match; mt > int32(q) {
				q = int(mt)
				continue
			}
			if toks[q].Kind == python.Name && text(src, toks[q]) == "in" {
				in = q
			}
		}
		if in < 0 {
			continue
		}
		end := in + 1
		for ; end < e; end++ {
			if mt := toks[end].Match; mt > int32(end) {
				end = int(mt)
				continue
			}
			tx := text(src, toks[end])
			if (toks[end].Kind == python.Op && (tx == ")" || tx == "]" || tx == "}")) || (toks[end].Kind == python.Name && (tx == "for" || tx == "if")) {
				break
			}
		}
		g.bindNames(t, k+1, in, t.mask(in+1, end), true)
	}
}

// colonAt finds the top-level ":" ending a compound statement's header.
func colonAt(src []byte, toks []python.Token, s, e int) int {
	for k := s; k < e; k++ {
		if mt := toks[k].Match; mt > int32(k) {
			k = int(mt)
			continue
		}
		if text(src, toks[k]) == ":" && toks[k].Kind == python.Op {
			return k
		}
	}
	return e
}

// bindNames sets the taint of the names and self fields among tokens [s, e).
func (g *Graph) bindNames(t *taint, s, e int, mk uint64, aug bool) {
	src, toks := t.src, t.toks
	for k := s; k < e; k++ {
		if toks[k].Kind != python.Name || (k > s && text(src, toks[k-1]) == ".") {
			continue
		}
		name := text(src, toks[k])
		if name == "self" && k+2 < e && text(src, toks[k+1]) == "." {
			name = "self." + text(src, toks[k+2])
			k += 2
		} else if k+1 < e && (text(src, toks[k+1]) == "." || text(src, toks[k+1]) == "[") {
			// x.attr = v / x[i] = v: x now holds the value too.
			t.names[name] |= mk
			continue
		}
		if aug {
			t.names[name] |= mk
		} else if mk != 0 || t.names[name] != 0 {
			t.names[name] |= mk // a later constant does not clear an earlier flow: either may reach the sink
		}
	}
}

// bindSockets marks the targets of "x = socket.socket(...)".
func (g *Graph) bindSockets(t *taint, s, e int) {
	src, toks := t.src, t.toks
	if e-s == 1 && toks[s].Kind == python.Name {
		t.sockets[text(src, toks[s])] = true
	}
	if e-s == 3 && text(src, toks[s]) == "self" && text(src, toks[s+1]) == "." && t.cls != nil {
		if t.cls.sockets == nil {
			t.cls.sockets = map[string]bool{}
		}
		t.cls.sockets[text(src, toks[s+2])] = true
	}
}

// makesSocket reports whether the value in bytes [lo, hi) starts with a call
// of a socket constructor.
func (g *Graph) makesSocket(m *module, lo, hi int32) bool {
	calls := m.py.Calls
	i := sort.Search(len(calls), func(i int) bool { return int32(calls[i].Start) >= lo })
	if i < len(calls) && int32(calls[i].Start) < hi {
		switch absolute(m, calls[i].Resolved) {
		case "socket.socket", "socket.create_connection", "socket.create_server", "_socket.socket", "socket.fromfd":
			return true
		}
	}
	return false
}

// absolute turns a relative dotted name (".serialization.load") into an
// absolute one inside m's package.
func absolute(m *module, name string) string {
	if !strings.HasPrefix(name, ".") {
		return name
	}
	dots := len(name) - len(strings.TrimLeft(name, "."))
	base := m.name
	if !m.pkg {
		base = parent(base)
	}
	for i := 1; i < dots; i++ {
		base = parent(base)
	}
	rest := name[dots:]
	if rest == "" {
		return base
	}
	if base == "" {
		return rest
	}
	return base + "." + rest
}

func parent(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return ""
}

// tokenAt is the index of the first token starting at or after byte off.
func tokenAt(toks []python.Token, off int) int {
	return sort.Search(len(toks), func(i int) bool { return int(toks[i].Start) >= off })
}

// call records one call in f: an edge to a named callee, or a sink use.
func (g *Graph) call(m *module, f *fn, t *taint, c *python.Call) {
	toks := m.py.Tokens
	args := make([]argFlow, 0, len(c.Args))
	pos := 0
	var all uint64
	for i := range c.Args {
		a := &c.Args[i]
		s, e := tokenAt(toks, a.Start), tokenAt(toks, a.End)
		af := argFlow{kw: a.Keyword, mask: t.mask(s, e)}
		switch a.Keyword {
		case "*":
			af.kw, af.star = "", true
		case "**":
			af.kw, af.dstar = "", true
		case "":
			af.pos = pos
			pos++
		}
		all |= af.mask
		args = append(args, af)
	}
	callee := c.Callee
	target, bound := g.calleeName(m, f, c)
	// A method of a socket the function or class made.
	if i := strings.LastIndexByte(callee, '.'); i > 0 && socketMethods[callee[i+1:]] && all != 0 {
		head := callee[:i]
		if t.sockets[head] || (strings.HasPrefix(head, "self.") && t.cls != nil && t.cls.sockets[head[5:]]) {
			f.sinks = append(f.sinks, sinkUse{Network, "socket.socket." + callee[i+1:], all})
			return
		}
	}
	var recv uint64
	hasRecv := false
	if c.Resolved == "" || (c.Resolved == c.Callee && !bound) {
		// A method called on a local value (a parameter, a loop or
		// comprehension variable): the parser leaves it unresolved.
		if tg, r, ok := g.uniqueMethod(m, f, t, c); ok {
			target, recv, hasRecv = tg, r, true
		}
	}
	if target == "" || (all == 0 && !bound && recv == 0) {
		return // nothing flows: the callee cannot receive a parameter's value
	}
	var first uint64
	for _, a := range args {
		if (a.kw == "" && !a.star && !a.dstar && a.pos == 0) || firstKeywords[a.kw] || a.star || a.dstar {
			first |= a.mask
		}
	}
	f.calls = append(f.calls, edge{target: target, bound: bound || hasRecv, args: args, all: all, first: first, open: writeMode(c, args), recv: recv, hasRecv: hasRecv})
}

// uniqueMethod resolves "x.meth(…)" on a local value x when exactly one
// class of the module defines meth: typing._eval_type calls t._evaluate,
// and only ForwardRef has it. It returns the method and x's taint.
func (g *Graph) uniqueMethod(m *module, f *fn, t *taint, c *python.Call) (string, uint64, bool) {
	head, meth, ok := strings.Cut(c.Callee, ".")
	if !ok || strings.ContainsAny(meth, ".([") || head == "self" || head == "cls" || head == "super" {
		return "", 0, false
	}
	if _, def := m.defs[head]; def || m.imported[head] {
		return "", 0, false
	}
	cls := m.methods[meth]
	if len(cls) != 1 {
		return "", 0, false
	}
	k := tokenAt(m.py.Tokens, c.Start)
	return cls[0] + "." + meth, t.mask(k, k+1), true
}

// writeMode returns the taint of an open() call's file and mode when its
// mode writes ("w", "a", "x", "+") or is itself derived from a parameter.
func writeMode(c *python.Call, args []argFlow) uint64 {
	var file, mode uint64
	var modeArg *python.Arg
	for i := range c.Args {
		a := &c.Args[i]
		switch {
		case a.Keyword == "" && args[i].pos == 0, a.Keyword == "file", a.Keyword == "filename":
			file |= args[i].mask
		case a.Keyword == "" && args[i].pos == 1, a.Keyword == "mode":
			mode |= args[i].mask
			modeArg = a
		case a.Keyword == "**":
			mode |= args[i].mask
		}
	}
	if mode != 0 {
		// The caller chooses the mode: that is what makes it a write,
		// whatever the file; a constant read mode passed in stays a read.
		return mode
	}
	if modeArg == nil || modeArg.Kind != python.StringLit || !strings.ContainsAny(modeArg.Value, "wax+") {
		return 0
	}
	return file
}

// calleeName resolves a call's callee to a dotted name, and says whether
// the instance or class is passed implicitly.
func (g *Graph) calleeName(m *module, f *fn, c *python.Call) (string, bool) {
	callee, res := c.Callee, c.Resolved
	if strings.ContainsAny(callee, "([?") && !strings.HasPrefix(callee, "super().") {
		return "", false
	}
	if f.class != "" {
		if rest, ok := strings.CutPrefix(callee, "self."); ok && f.self && !strings.Contains(rest, ".") {
			return f.class + "." + rest, true
		}
		if rest, ok := strings.CutPrefix(callee, "cls."); ok && !strings.Contains(rest, ".") {
			return f.class + "." + rest, true
		}
		if rest, ok := strings.CutPrefix(callee, "super()."); ok && !strings.Contains(rest, ".") {
			if cl := g.classes[f.class]; cl != nil && len(cl.bases) > 0 {
				return g.resolveIn(cl.mod, cl.bases[0]) + "." + rest, true
			}
			return "", false
		}
	}
	if strings.HasPrefix(callee, "super()") {
		return "", false
	}
	if res == "" {
		// A name defined in this module (def or class), or a name local to the function.
		head, rest, _ := strings.Cut(callee, ".")
		if k, ok := m.defs[head]; ok {
			if rest != "" {
				return k + "." + rest, false
			}
			return k, false
		}
		return "", false
	}
	head, _, _ := strings.Cut(res, ".")
	if res == callee && !strings.Contains(res, ".") {
		if builtinNames[res] {
			return "builtins." + res, false
		}
		if k, ok := m.defs[res]; ok {
			return k, false
		}
		if t, ok := m.alias[res]; ok {
			return g.resolveIn(m, t), false
		}
		return "", false
	}
	if res == callee {
		if k, ok := m.defs[head]; ok {
			return k + res[len(head):], false
		}
		if t, ok := m.alias[head]; ok {
			return g.resolveIn(m, t) + res[len(head):], false
		}
	}
	return absolute(m, res), false
}

// resolveIn resolves a dotted name written at module level of m.
func (g *Graph) resolveIn(m *module, d string) string {
	head, rest, _ := strings.Cut(d, ".")
	if rest != "" {
		rest = "." + rest
	}
	if k, ok := m.defs[head]; ok {
		return k + rest
	}
	if t, ok := m.alias[head]; ok && t != d {
		return absolute(m, t) + rest
	}
	r := m.py.Resolve(d)
	if r == "" {
		return d
	}
	return absolute(m, r)
}
