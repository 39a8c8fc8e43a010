package pickle

import (
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
)

// gref is a resolved global: what find_class would import, and how the
// policy judges it. It is shared by every reference to the same name.
type gref struct {
	module, name string // as find_class imports it (Python 2 renames applied for protocol < 3)
	qual         string // module + "." + name
	canon        string // canonical dotted path after aliases and module steps ("os.system")
	class        Class  // "" when the global is allowed
	sev          rule.Severity
	why          string
	sink         string // the sink category of a derived entry, "" otherwise
	isType       bool   // builtins.type: watch for 3-argument class creation
	resolver     bool   // getattr-like: check constant string arguments for dunders
}

// resolve judges module.name as find_class would load it.
func resolve(module, name string, proto int, pol *Policy) *gref {
	m, n := module, name
	if proto < 3 {
		m, n = fixImports(m, n)
	}
	g := &gref{module: m, name: n, qual: m + "." + n}

	// Judge under every alias: Python 2 renames apply whatever the protocol,
	// then private and platform modules map to their public names.
	dm, dn := fixImports(m, n)
	cm := canonModule(dm)
	parts := strings.Split(dn, ".")
	stepped := false // the path walked through an attribute that is a dangerous module
	dunder := false
	for _, p := range strings.Split(dm, ".") {
		dunder = dunder || dunders[p]
	}
	rest := parts
	for _, p := range parts {
		dunder = dunder || dunders[p]
	}
	for i := 0; i < len(parts)-1; i++ {
		// "random._os.system": from here on the path is inside os.
		if t, ok := moduleObjects[parts[i]]; ok {
			cm, rest, stepped = t, parts[i+1:], true
			continue
		}
		// "pathlib.io.open": an attribute named like the root of a
		// dangerous module is that module imported into another one's
		// namespace. Only a path that lands on a dangerous entry counts,
		// so an attribute that merely shares a name stays unknown.
		if dangerRoots[parts[i]] {
			t := canonModule(parts[i])
			if _, bad := lookupDanger(t + "." + strings.Join(parts[i+1:], ".")); bad {
				cm, rest, stepped = t, parts[i+1:], true
			}
		}
	}
	canon := cm + "." + strings.Join(rest, ".")
	moduleRef := false
	if t, ok := moduleObjects[parts[len(parts)-1]]; ok && t != cm {
		// "random._os" is the os module object itself: never in a legitimate pickle.
		canon, moduleRef = t, true
	}
	g.canon = canon
	g.isType = metaclasses[canon]
	g.resolver = resolvers[canon]

	d, bad := lookupDanger(canon)
	if !bad && len(parts) > 1 {
		// "AutoModel.from_pretrained": a loader method reached through its class.
		d, bad = dangerousMethods[parts[len(parts)-1]]
	}
	switch {
	case moduleRef:
		g.class, g.sev, g.why = ClassDangerousGlobal, rule.High, "is the "+canon+" module object itself, a handle for gadget chains"
	case bad:
		g.class, g.sev, g.why = ClassDangerousGlobal, d.sev, d.why
		if stepped && g.sev < rule.High {
			g.sev = rule.High
		}
	case stepped:
		g.class, g.sev, g.why = ClassDangerousGlobal, rule.High, "walks an attribute path through the "+cm+" module"
	case dunder:
		g.class, g.sev, g.why = ClassDunderAccess, rule.High, "reaches interpreter internals through a dunder attribute"
	case pol.allows(m, g.qual):
		// allowed
	case pyxUnpickleOf(pol, m, n):
		// Cython's generated unpickler of an allowlisted class.
	case derived(g, canon):
		// A callable the libraries' own source shows reaching a sink.
	default:
		g.class, g.sev, g.why = ClassUnknownGlobal, rule.Medium, "is not on the allowlist of any expected framework"
	}
	return g
}

// derived judges g by the derived tier, under its canonical name and, when
// an alias changed it, under the name as written.
func derived(g *gref, canon string) bool {
	e, ok := lookupGen(canon)
	if !ok && g.qual != canon {
		e, ok = lookupGen(g.qual)
	}
	if !ok {
		return false
	}
	d, cat := derivedDanger(e)
	g.class, g.sev, g.why, g.sink = ClassDangerousGlobal, d.sev, d.why, cat
	return true
}

// pyxUnpickleOf reports whether name is the function Cython generates to
// unpickle a cdef class, __pyx_unpickle_X, of an allowlisted class module.X:
// it only rebuilds that class (checking its layout checksum) and sets its
// state, so it is as safe as the class itself.
func pyxUnpickleOf(pol *Policy, module, name string) bool {
	cls, ok := strings.CutPrefix(name, "__pyx_unpickle_")
	return ok && cls != "" && !strings.Contains(cls, ".") && pol.allows(module, module+"."+cls)
}

// lookupDanger finds the dangerous-list entry for a canonical dotted path:
// an exact entry for the path or one of its prefixes, or a "module.*"
// wildcard for a module above it, stopping at a safe submodule.
func lookupDanger(path string) (danger, bool) {
	p := path
	for {
		if safeModules[p] {
			return danger{}, false
		}
		if d, ok := dangerous[p]; ok {
			return d, true
		}
		if p != path {
			if d, ok := dangerous[p+".*"]; ok {
				return d, true
			}
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			return danger{}, false
		}
		p = p[:i]
	}
}
