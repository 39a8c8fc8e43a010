package bom

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/pelletier/go-toml/v2"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/source"
)

// Dep is one Python dependency as a project declares it.
type Dep struct {
	Name    string // normalised (PEP 503)
	Version string // the exact version when pinned with ==, else empty
	Spec    string // the requirement as written, for the BOM's property
	File    string // where it is declared
	Source  string // a direct URL (git+https://…), when the requirement names one
}

// DepsReader returns a project-level analyzer that reads the
// requirements files and pyproject.toml files of the scan's index, and a
// function returning what it read once the scan is over. It reports
// nothing: the deps analyzer owns the findings about dependencies, this
// only lists them for the bill of materials.
func DepsReader() (*analysis.Analyzer, func() []Dep) {
	var mu sync.Mutex
	var deps []Dep
	a := &analysis.Analyzer{
		Name: "bom-deps",
		Doc:  "Lists the Python dependencies of requirements files and pyproject.toml for the ML-BOM.",
		Project: func(p *analysis.ProjectPass) error {
			var out []Dep
			for _, f := range p.Index.Files() {
				if p.Context.Err() != nil {
					return p.Context.Err()
				}
				if f.Kind != source.Requirements && f.Kind != source.Pyproject {
					continue
				}
				b, err := p.Index.Read(f)
				if err != nil {
					continue // the scan reports unreadable files itself
				}
				if f.Kind == source.Requirements {
					out = append(out, ParseRequirements(f.Path, b)...)
				} else {
					out = append(out, ParsePyproject(f.Path, b)...)
				}
			}
			mu.Lock()
			deps = out
			mu.Unlock()
			return nil
		},
	}
	return a, func() []Dep {
		mu.Lock()
		defer mu.Unlock()
		return dedupe(deps)
	}
}

// PEP 508: a name, optional extras, then a version spec or "@ url",
// then optional markers after ";".
var reqLine = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$`)

var (
	separators  = regexp.MustCompile(`[-_.]+`)
	exactPoetry = regexp.MustCompile(`^\d[\w.]*$`)
)

// Normalize is PEP 503's name normalisation, which purl's pypi type uses.
func Normalize(name string) string {
	return strings.ToLower(separators.ReplaceAllString(name, "-"))
}

// ParseRequirement reads one PEP 508 requirement.
func ParseRequirement(file, s string) (Dep, bool) {
	s = strings.TrimSpace(s)
	spec, _, _ := strings.Cut(s, ";")
	spec = strings.TrimSpace(spec)
	m := reqLine.FindStringSubmatch(spec)
	if m == nil {
		return Dep{}, false
	}
	d := Dep{Name: Normalize(m[1]), Spec: spec, File: file}
	rest := strings.TrimSpace(m[3])
	switch {
	case strings.HasPrefix(rest, "@"):
		d.Source = strings.TrimSpace(rest[1:])
	case strings.HasPrefix(rest, "==") && !strings.HasPrefix(rest, "==="):
		v := strings.TrimSpace(rest[2:])
		if !strings.ContainsAny(v, ",*<>!~ ") {
			d.Version = v
		}
	case strings.HasPrefix(rest, "==="):
		d.Version = strings.TrimSpace(rest[3:])
	}
	return d, true
}

// ParseRequirements reads a pip requirements file: options (-r, -c, -e,
// --index-url…), comments, URLs and paths are not packages and are left
// out; line continuations are joined.
func ParseRequirements(file string, b []byte) []Dep {
	var out []Dep
	text := strings.ReplaceAll(string(b), "\\\r\n", "")
	text = strings.ReplaceAll(text, "\\\n", "")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "-") ||
			strings.Contains(line, "://") && !strings.Contains(line, "@") || strings.HasPrefix(line, ".") || strings.HasPrefix(line, "/") {
			continue
		}
		// --hash options trail pinned lines in pip-compile output.
		line, _, _ = strings.Cut(line, " --")
		if d, ok := ParseRequirement(file, line); ok {
			out = append(out, d)
		}
	}
	return out
}

// ParsePyproject reads [project].dependencies and optional dependencies
// (PEP 621) and Poetry's [tool.poetry.dependencies].
func ParsePyproject(file string, b []byte) []Dep {
	var doc struct {
		Project struct {
			Dependencies         []string            `toml:"dependencies"`
			OptionalDependencies map[string][]string `toml:"optional-dependencies"`
		} `toml:"project"`
		Tool struct {
			Poetry struct {
				Dependencies map[string]any `toml:"dependencies"`
			} `toml:"poetry"`
		} `toml:"tool"`
	}
	if err := toml.Unmarshal(b, &doc); err != nil {
		return nil // the scan reports a pyproject.toml that does not parse
	}
	var out []Dep
	reqs := append([]string{}, doc.Project.Dependencies...)
	groups := make([]string, 0, len(doc.Project.OptionalDependencies))
	for g := range doc.Project.OptionalDependencies {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	for _, g := range groups {
		reqs = append(reqs, doc.Project.OptionalDependencies[g]...)
	}
	for _, r := range reqs {
		if d, ok := ParseRequirement(file, r); ok {
			out = append(out, d)
		}
	}
	names := make([]string, 0, len(doc.Tool.Poetry.Dependencies))
	for n := range doc.Tool.Poetry.Dependencies {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.EqualFold(n, "python") {
			continue
		}
		d := Dep{Name: Normalize(n), File: file, Spec: n}
		switch v := doc.Tool.Poetry.Dependencies[n].(type) {
		case string:
			d.Spec = n + " " + v
			if vv := strings.TrimPrefix(v, "=="); vv != v || exactPoetry.MatchString(v) {
				d.Version = strings.TrimSpace(vv)
			}
		case map[string]any:
			if g, ok := v["git"].(string); ok {
				d.Source = "git+" + g
			}
		}
		out = append(out, d)
	}
	return out
}

// dedupe keeps one Dep per name and version, the first by file.
func dedupe(ds []Dep) []Dep {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].Name != ds[j].Name {
			return ds[i].Name < ds[j].Name
		}
		if ds[i].Version != ds[j].Version {
			return ds[i].Version < ds[j].Version
		}
		return ds[i].File < ds[j].File
	})
	var out []Dep
	for _, d := range ds {
		if n := len(out); n > 0 && out[n-1].Name == d.Name && out[n-1].Version == d.Version {
			continue
		}
		out = append(out, d)
	}
	return out
}
