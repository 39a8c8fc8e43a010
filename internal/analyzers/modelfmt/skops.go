package modelfmt

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/pickle"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// maxSkopsDepth bounds the schema walk: a hostile schema nested ten
// thousand deep costs a bounded amount of stack.
const maxSkopsDepth = 256

// skops reads a .skops archive's schema.json and judges every type and
// function it names with the pickle policy (dangerous tier and default
// allowlists), since skops.io.load rebuilds and calls exactly those once
// they are trusted.
func (p *pass) skops() {
	z, err := zip.NewReader(p.Reader, p.Size)
	if err != nil {
		return // the model analyzer reports unreadable archives
	}
	var schema []byte
	for _, f := range z.File {
		if f.Name == "schema.json" {
			schema = readMember(f)
		}
	}
	if schema == nil {
		p.malformed("", 0, "the skops archive has no schema.json, so skops cannot load it and what it holds is unknown")
		return
	}
	var root any
	if err := json.Unmarshal(schema, &root); err != nil {
		p.malformed("schema.json", 0, "schema.json is not valid JSON: "+clip(err.Error(), 120))
		return
	}
	names := map[string]bool{}
	skopsNames(root, 0, names)
	pol := pickle.UserPolicy(p.Settings.ModelAllow) // .mlsec.yaml model.allow covers skops types too
	var unknown []string
	type hit struct {
		name string
		v    pickle.Verdict
	}
	var dangerous []hit
	for n := range names {
		i := strings.LastIndexByte(n, '.')
		if i <= 0 {
			continue
		}
		v := pol.Judge(n[:i], n[i+1:])
		switch {
		case v.Danger:
			dangerous = append(dangerous, hit{n, v})
		case !v.Allowed && !skopsOwn(n):
			unknown = append(unknown, n)
		}
	}
	sort.Slice(dangerous, func(i, j int) bool { return dangerous[i].name < dangerous[j].name })
	sort.Strings(unknown)
	for _, h := range dangerous {
		p.report(analysis.Diagnostic{Rule: rules.SkopsUntrustedType, Location: p.at("schema.json", 0), Evidence: h.name,
			Severity: max(h.v.Sev, rule.High), SeverityReason: "the schema names a callable that " + h.v.Why,
			Message: fmt.Sprintf("the skops schema names %s, which %s: loading the file with it trusted calls it", h.name, h.v.Why)})
	}
	if len(unknown) > 0 {
		p.report(analysis.Diagnostic{Rule: rules.SkopsUntrustedType, Location: p.at("schema.json", 0), Evidence: strings.Join(first(unknown, 5), ", "),
			Message: fmt.Sprintf("the skops schema names %s outside scikit-learn, NumPy and the builtins, the first %s; skops rebuilds them once trusted: allow them only if they are your own code",
				plural(len(unknown), "type", "types"), unknown[0])})
	}
}

// skopsNames collects the "module.name" of every node: objects carry
// __module__ and __class__, function nodes their content's module_path and
// function.
func skopsNames(v any, depth int, out map[string]bool) {
	if depth > maxSkopsDepth || len(out) > 10000 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		mod, _ := x["__module__"].(string)
		cls, _ := x["__class__"].(string)
		loader, _ := x["__loader__"].(string)
		if mod != "" && cls != "" {
			out[mod+"."+cls] = true
		}
		if c, ok := x["content"].(map[string]any); ok && (loader == "FunctionNode" || loader == "MethodNode") {
			if m, _ := c["module_path"].(string); m != "" {
				if f, _ := c["function"].(string); f != "" {
					out[m+"."+f] = true
				}
			}
		}
		for _, e := range x {
			skopsNames(e, depth+1, out)
		}
	case []any:
		for _, e := range x {
			skopsNames(e, depth+1, out)
		}
	}
}

// skopsOwn reports skops' own node types and the builtins functions its
// schema uses for plain data.
func skopsOwn(n string) bool {
	return strings.HasPrefix(n, "skops.") || n == "builtins.function" || n == "builtins.type" || n == "builtins.method"
}

func first(l []string, n int) []string {
	if len(l) > n {
		return l[:n]
	}
	return l
}
