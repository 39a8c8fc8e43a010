package callgraph

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/python"
)

// Allow is the generated framework allowlist, by framework.
type Allow struct {
	Sklearn []string // estimators, their helpers and Cython state classes, xgboost's model classes
	NumPy   []string // scalar types
	// Dropped are framework classes that matched the rules but whose
	// methods reach a sink, with the method that does.
	Dropped []string
}

// helperPackages hold the objects that fitted estimators keep as
// attributes: loss and link functions, the histogram binner and tree
// predictors, trees, neighbour trees, and the Bunch container.
var helperPackages = []string{
	"sklearn._loss.", "sklearn.ensemble._hist_gradient_boosting.", "sklearn.tree.",
	"sklearn.neighbors.", "sklearn.utils._bunch.",
}

// notShipped are modules that are importable but never part of a model:
// tests and test helpers.
func notShipped(key string) bool {
	return strings.Contains(key, ".tests.") || strings.Contains(key, ".test.") ||
		strings.Contains(key, "._testing.") || strings.Contains(key, ".conftest.") ||
		strings.Contains(key, ".externals.") || strings.Contains(key, "estimator_checks.")
}

// subclassOf reports whether class key derives from base within depth.
func (g *Graph) subclassOf(key, base string, depth int) bool {
	if key == base {
		return true
	}
	c := g.classes[key]
	if c == nil || depth > 12 {
		return false
	}
	for _, b := range c.bases {
		if g.subclassOf(b, base, depth+1) {
			return true
		}
	}
	return false
}

// unsafeMethod returns a method of the class, own or inherited, that is in
// the dangerous tier, or "" when none is.
func (g *Graph) unsafeMethod(key string, danger map[string]bool, depth int) string {
	c := g.classes[key]
	if c == nil || depth > 12 {
		return ""
	}
	names := make([]string, 0, len(c.methods))
	for n := range c.methods {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if danger[c.methods[n].key] {
			return c.methods[n].key
		}
	}
	for _, b := range c.bases {
		if m := g.unsafeMethod(b, danger, depth+1); m != "" {
			return m
		}
	}
	return ""
}

// Allowlists derives the framework allowlists from the graph, the entries
// Reach returned, and the compiled modules and stubs under cfg.Site.
func (g *Graph) Allowlists(cfg Config, entries []Entry) (Allow, error) {
	danger := make(map[string]bool, len(entries))
	for _, e := range entries {
		danger[e.Name] = true
	}
	var a Allow
	keys := make([]string, 0, len(g.classes))
	for k := range g.classes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	keep := func(k string) {
		if danger[k] {
			a.Dropped = append(a.Dropped, k+" (loading it reaches a sink)")
			return
		}
		if m := g.unsafeMethod(k, danger, 0); m != "" {
			a.Dropped = append(a.Dropped, k+" ("+m+" reaches a sink)")
			return
		}
		a.Sklearn = append(a.Sklearn, k)
	}
	for _, k := range keys {
		if notShipped(k) {
			continue
		}
		switch {
		case strings.HasPrefix(k, "sklearn."):
			helper := false
			for _, p := range helperPackages {
				helper = helper || strings.HasPrefix(k, p)
			}
			if helper || g.subclassOf(k, "sklearn.base.BaseEstimator", 0) {
				keep(k)
			}
		case strings.HasPrefix(k, "xgboost."):
			// The model classes: the booster and the scikit-learn wrappers.
			if k == "xgboost.core.Booster" || g.subclassOf(k, "xgboost.sklearn.XGBModel", 0) {
				keep(k)
			}
		}
	}
	pyx, err := cythonClasses(filepath.Join(cfg.Site, "sklearn"), "sklearn")
	if err != nil {
		return a, err
	}
	a.Sklearn = append(a.Sklearn, pyx...)
	cdef, err := cdefClasses(filepath.Join(cfg.Site, "sklearn"), "sklearn")
	if err != nil {
		return a, err
	}
	a.Sklearn = append(a.Sklearn, cdef...)
	sort.Strings(a.Sklearn)
	a.Sklearn = slices.Compact(a.Sklearn)
	np, err := numpyScalars(filepath.Join(cfg.Site, "numpy", "__init__.pyi"))
	if err != nil {
		return a, err
	}
	a.NumPy = np
	return a, nil
}

// pyxUnpickle finds the names of the functions Cython generates to
// unpickle a cdef class: they exist only for classes with auto-pickling,
// whose state is plain typed fields (no Python method runs on load).
var pyxUnpickle = regexp.MustCompile(`__pyx_unpickle_([A-Za-z_][A-Za-z0-9_]*)`)

// cythonClasses lists "module.Class" for every cdef class with generated
// pickling in the compiled modules under dir.
func cythonClasses(dir, prefix string) ([]string, error) {
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || !strings.HasSuffix(path, ".so") {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		base := rel[:strings.IndexByte(rel+".", '.')]
		if i := strings.LastIndexByte(rel, '/'); i >= 0 {
			name := rel[i+1:]
			base = rel[:i+1] + name[:strings.IndexByte(name+".", '.')]
		}
		mod := prefix + "." + strings.ReplaceAll(base, "/", ".")
		if notShipped(mod + ".") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range pyxUnpickle.FindAllSubmatch(b, -1) {
			cls := string(m[1])
			if strings.HasSuffix(cls, "__set_state") || cls == "Enum" || strings.HasPrefix(cls, "__Pyx") {
				continue // Cython's own utility types, in every module it compiles
			}
			seen[mod+"."+cls] = true
		}
		return nil
	})
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, err
}

// cdefDecl finds the extension types a Cython declaration file declares.
var cdefDecl = regexp.MustCompile(`(?m)^cdef class ([A-Za-z_][A-Za-z0-9_]*)`)

// cdefClasses lists "module.Class" for the extension types declared in the
// .pxd files of the helper packages: compiled classes such as the tree
// (sklearn.tree._tree.Tree) that pickle through their own __reduce__, so
// no __pyx_unpickle_ function names them. Their compiled methods do
// arithmetic on arrays; only the helper packages are taken.
func cdefClasses(dir, prefix string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || !strings.HasSuffix(path, ".pxd") {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		mod := prefix + "." + strings.ReplaceAll(strings.TrimSuffix(filepath.ToSlash(rel), ".pxd"), "/", ".")
		helper := false
		for _, p := range helperPackages {
			helper = helper || strings.HasPrefix(mod+".", p)
		}
		if !helper || notShipped(mod+".") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range cdefDecl.FindAllSubmatch(b, -1) {
			out = append(out, mod+"."+string(m[1]))
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// numpyScalars reads NumPy's type stubs for the scalar types: the classes
// derived from numpy.generic and the names bound to them ("float64 =
// floating[_64Bit]"). They are C types, so the stubs are their only source.
func numpyScalars(path string) ([]string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	toks := python.Parse(src).Tokens
	parents := map[string][]string{}
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].Col != 1 || (i > 0 && toks[i-1].Kind != python.Newline) {
			continue
		}
		t := text(src, toks[i])
		switch {
		case t == "class" && toks[i+1].Kind == python.Name && text(src, toks[i+2]) == "(":
			name := text(src, toks[i+1])
			end := int(toks[i+2].Match)
			for k := i + 3; k < end && k < len(toks); k++ {
				if toks[k].Kind == python.Name && (k == i+3 || text(src, toks[k-1]) == ",") {
					parents[name] = append(parents[name], text(src, toks[k]))
				}
				if mt := toks[k].Match; mt > int32(k) {
					k = int(mt)
				}
			}
		case toks[i].Kind == python.Name && text(src, toks[i+1]) == "=" && toks[i+2].Kind == python.Name:
			if i+3 < len(toks) && (text(src, toks[i+3]) == "[" || toks[i+3].Kind == python.Newline) {
				parents[t] = append(parents[t], text(src, toks[i+2]))
			}
		}
	}
	var is func(string, int) bool
	is = func(n string, depth int) bool {
		if n == "generic" {
			return true
		}
		if depth > 16 {
			return false
		}
		for _, p := range parents[n] {
			if is(p, depth+1) {
				return true
			}
		}
		return false
	}
	var out []string
	for n := range parents {
		if is(n, 0) && !strings.HasPrefix(n, "_") {
			out = append(out, "numpy."+n)
		}
	}
	sort.Strings(out)
	return out, nil
}
