package callgraph

import (
	"sort"
	"strings"
)

// Entry is one importable callable that reaches a sink.
type Entry struct {
	Name  string   // "logging.config.listen", "module.Class", "module.Class.method"
	Cat   Category // the most severe category it reaches
	Chain []string // the callables from Name to the sink, Name first, the sink last
}

// catOrder is the order in which a callable's categories are preferred
// for its one entry: what runs code first, what only touches files last.
var catOrder = []Category{Process, Exec, Native, Import, SecondStage, Network, FileWrite}

// reach is what one function reaches in one category.
type reach struct {
	mask  uint64   // parameters (and fieldBit) whose value flows to the sink
	chain []string // callees after the function, the sink last
}

// target is one definition a call may run.
type target struct {
	f     *fn
	shift bool   // the first parameter is passed implicitly
	self  uint64 // taint of the implicit instance, when shift
}

// canon resolves a dotted name through module aliases and re-exports to
// the name of its definition, when one is known.
func (g *Graph) canon(name string) string {
	for hop := 0; hop < 8; hop++ {
		head, rest, _ := strings.Cut(name, ".")
		if a, ok := moduleAliases[head]; ok {
			name = a
			if rest != "" {
				name += "." + rest
			}
		}
		if _, ok := sinks[name]; ok || openers[name] {
			return name
		}
		if g.fns[name] != nil || g.classes[name] != nil {
			return name
		}
		// The longest prefix that is an alias.
		changed := false
		for p := name; p != ""; p = parent(p) {
			if t, ok := g.aliases[p]; ok && t != p {
				name = t + name[len(p):]
				changed = true
				break
			}
		}
		if !changed {
			return name
		}
	}
	return name
}

// Link resolves the aliases of every module. Call it once after the last Add.
func (g *Graph) Link() {
	for _, m := range g.mods {
		for name, t := range m.alias {
			g.aliases[m.name+"."+name] = g.resolveIn(m, t)
		}
	}
	for _, c := range g.classes {
		for i, b := range c.bases {
			c.bases[i] = g.canon(g.resolveIn(c.mod, b))
		}
	}
}

// findMethod finds a method on a class or its bases.
func (g *Graph) findMethod(cls, name string, depth int) *fn {
	c := g.classes[cls]
	if c == nil || depth > 8 {
		return nil
	}
	if f := c.methods[name]; f != nil {
		return f
	}
	for _, b := range c.bases {
		if f := g.findMethod(b, name, depth+1); f != nil {
			return f
		}
	}
	return nil
}

// targets are the definitions a call of name runs.
func (g *Graph) targets(name string, bound bool, self uint64) []target {
	if f := g.fns[name]; f != nil {
		shift := f.classm || (bound && f.self)
		return []target{{f: f, shift: shift, self: self}}
	}
	if g.classes[name] != nil {
		// Calling a class runs __new__ and __init__ on a fresh instance.
		var out []target
		for _, m := range []string{"__new__", "__init__"} {
			if f := g.findMethod(name, m, 0); f != nil {
				out = append(out, target{f: f, shift: true})
			}
		}
		return out
	}
	cls, meth := parent(name), name[strings.LastIndexByte(name, '.')+1:]
	if g.classes[cls] != nil {
		if f := g.findMethod(cls, meth, 0); f != nil {
			return []target{{f: f, shift: f.classm || (bound && f.self), self: self}}
		}
	}
	return nil
}

// bit is the taint bit of parameter i of f.
func bit(f *fn, i int) uint64 {
	if i == 0 && f.self && !f.classm {
		return fieldBit
	}
	if i >= maxParams {
		return 0
	}
	return 1 << uint(i)
}

// flow is the caller's taint that reaches the callee's parameters in rm.
func flow(e *edge, t target, rm uint64) uint64 {
	var out uint64
	if t.shift && rm&fieldBit != 0 {
		out |= t.self
	}
	ps := t.f.params
	off := 0
	if t.shift {
		off = 1
	}
	for _, a := range e.args {
		if a.mask == 0 {
			continue
		}
		switch {
		case a.star || a.dstar:
			out |= a.mask
		case a.kw != "":
			pi := -1
			for i, p := range ps {
				if p == a.kw {
					pi = i
				}
			}
			if pi < 0 {
				pi = t.f.kwargs
			}
			if pi >= 0 && bit(t.f, pi)&rm != 0 {
				out |= a.mask
			}
		default:
			pi := a.pos + off
			if t.f.varargs >= 0 && pi >= t.f.varargs {
				pi = t.f.varargs
			}
			if pi < len(ps) && bit(t.f, pi)&rm != 0 {
				out |= a.mask
			}
		}
	}
	return out
}

// Reach computes, for every function, what it reaches within depth calls
// (a sink called directly is depth 1), and returns the importable entries.
func (g *Graph) Reach(depth int) []Entry {
	fns := make([]*fn, 0, len(g.fns))
	for _, f := range g.fns {
		fns = append(fns, f)
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].key < fns[j].key })
	idx := make(map[*fn]int, len(fns))
	for i, f := range fns {
		idx[f] = i
	}
	n := len(Categories) + 1
	cur := make([]reach, len(fns)*n)
	// Sinks reached directly, and the edges resolved once.
	type ledge struct {
		e  *edge
		ts []target
	}
	edges := make([][]ledge, len(fns))
	for i, f := range fns {
		if _, ok := sanitizers[f.key]; ok {
			continue
		}
		for k := range f.sinks {
			s := &f.sinks[k]
			r := &cur[i*n+int(s.cat)]
			if r.chain == nil {
				r.chain = []string{s.name}
			}
			r.mask |= s.mask
		}
		for k := range f.calls {
			e := &f.calls[k]
			name := g.canon(e.target)
			if openers[name] {
				if e.open != 0 {
					r := &cur[i*n+int(FileWrite)]
					if r.chain == nil {
						r.chain = []string{name + "(mode=w)"}
					}
					r.mask |= e.open
				}
				continue
			}
			if sk, ok := sinks[name]; ok {
				mk := e.all
				if sk.first {
					mk = e.first
				}
				if mk != 0 {
					r := &cur[i*n+int(sk.cat)]
					if r.chain == nil {
						r.chain = []string{name}
					}
					r.mask |= mk
				}
				continue
			}
			self := uint64(0)
			switch {
			case e.hasRecv:
				self = e.recv
			case e.bound:
				self = f.selfMask
			}
			if ts := g.targets(name, e.bound, self); len(ts) > 0 {
				edges[i] = append(edges[i], ledge{e, ts})
			}
		}
	}
	for d := 2; d <= depth; d++ {
		prev := make([]uint64, len(cur))
		for i := range cur {
			prev[i] = cur[i].mask
		}
		for i := range fns {
			for _, le := range edges[i] {
				for _, t := range le.ts {
					j := idx[t.f]
					for _, c := range Categories {
						rm := prev[j*n+int(c)]
						if rm == 0 {
							continue
						}
						in := flow(le.e, t, rm)
						if in == 0 {
							continue
						}
						r := &cur[i*n+int(c)]
						if r.chain == nil {
							r.chain = append([]string{t.f.key}, cur[j*n+int(c)].chain...)
						}
						r.mask |= in
					}
				}
			}
		}
	}
	// Entries: functions and methods with a parameter (or, for a method,
	// the instance state) flowing to a sink; classes whose construction or
	// __setstate__ does.
	var out []Entry
	add := func(name string, f *fn, i int, ok func(uint64) bool) {
		for _, c := range catOrder {
			r := cur[i*n+int(c)]
			if r.mask != 0 && ok(r.mask) {
				ch := append([]string{name}, r.chain...)
				if f.key != name {
					ch = append([]string{name, f.key}, r.chain...)
				}
				out = append(out, Entry{Name: name, Cat: c, Chain: ch})
				return
			}
		}
	}
	for i, f := range fns {
		if f.self && !f.classm {
			add(f.key, f, i, func(uint64) bool { return true })
		} else {
			add(f.key, f, i, func(m uint64) bool { return m&^fieldBit != 0 })
		}
	}
	for key := range g.classes {
		for _, m := range []string{"__init__", "__new__", "__setstate__"} {
			f := g.findMethod(key, m, 0)
			if f == nil {
				continue
			}
			before := len(out)
			add(key, f, idx[f], func(m uint64) bool { return m&^fieldBit != 0 })
			if len(out) > before {
				break
			}
		}
	}
	// Re-exports of a listed callable under another module's name.
	have := make(map[string]int, len(out))
	for i, e := range out {
		have[e.Name] = i
	}
	for alias := range g.aliases {
		if _, ok := have[alias]; ok {
			continue
		}
		t := g.canon(alias)
		if i, ok := have[t]; ok && t != alias {
			e := out[i]
			out = append(out, Entry{Name: alias, Cat: e.Cat, Chain: append([]string{alias}, e.Chain...)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
