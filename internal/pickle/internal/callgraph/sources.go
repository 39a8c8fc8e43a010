package callgraph

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Config says where the sources are.
type Config struct {
	Stdlib   string   // the standard library directory ("/usr/lib/python3.11")
	Site     string   // the directory the frameworks are installed in ("/usr/lib/python3/dist-packages")
	Packages []string // top-level packages read from Site
	// DpkgStatus is the dpkg database the versions are read from.
	DpkgStatus string
	// Debs are the Debian packages whose versions identify the sources.
	Debs  []string
	Depth int
}

// Default is the configuration the committed tables were generated with:
// Debian 12's Python 3.11 and its packaged frameworks.
var Default = Config{
	Stdlib:     "/usr/lib/python3.11",
	Site:       "/usr/lib/python3/dist-packages",
	Packages:   []string{"torch", "numpy", "scipy", "sklearn", "joblib", "pandas", "xgboost"},
	DpkgStatus: "/var/lib/dpkg/status",
	Debs: []string{"libpython3.11-stdlib", "python3-torch", "python3-numpy", "python3-scipy", "python3-sklearn",
		"python3-sklearn-lib", "python3-joblib", "python3-pandas", "python3-xgboost"},
	Depth: 4,
}

// Versions reads the installed versions of cfg.Debs, as "name=version";
// a package that is not installed is "name=missing".
func Versions(cfg Config) ([]string, error) {
	f, err := os.Open(cfg.DpkgStatus)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	want := map[string]string{}
	for _, d := range cfg.Debs {
		want[d] = "missing"
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	pkg, installed := "", false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			pkg, installed = "", false
		case strings.HasPrefix(line, "Package: "):
			pkg = strings.TrimPrefix(line, "Package: ")
		case strings.HasPrefix(line, "Status: "):
			installed = strings.HasSuffix(line, " installed")
		case strings.HasPrefix(line, "Version: ") && installed:
			if _, ok := want[pkg]; ok {
				want[pkg] = strings.TrimPrefix(line, "Version: ")
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(cfg.Debs))
	for _, d := range cfg.Debs {
		out = append(out, d+"="+want[d])
	}
	return out, nil
}

// skipDirs are directories that hold no importable module of the library.
var skipDirs = map[string]bool{
	"site-packages": true, "dist-packages": true, "__pycache__": true, "lib-dynload": true,
	"config-3.11-x86_64-linux-gnu": true,
}

// maxFile bounds one source file: the libraries' largest modules are a few MB.
const maxFile = 8 << 20

// Load parses every module under the configured roots.
func Load(cfg Config) (*Graph, error) {
	g := NewGraph()
	if err := g.walk(cfg.Stdlib, ""); err != nil {
		return nil, err
	}
	for _, p := range cfg.Packages {
		if err := g.walk(filepath.Join(cfg.Site, p), p); err != nil {
			return nil, err
		}
	}
	g.Link()
	return g, nil
}

// walk adds the .py files under dir as modules named from prefix.
func (g *Graph) walk(dir, prefix string) error {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasSuffix(path, ".py") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		rel = strings.TrimSuffix(filepath.ToSlash(rel), ".py")
		pkg := false
		if rel == "__init__" || strings.HasSuffix(rel, "/__init__") {
			pkg = true
			rel = strings.TrimSuffix(strings.TrimSuffix(rel, "__init__"), "/")
		}
		name := strings.ReplaceAll(rel, "/", ".")
		if prefix != "" {
			name = strings.Trim(prefix+"."+name, ".")
		}
		if name == "" || strings.ContainsAny(name, "- ") {
			continue // not importable by this name
		}
		st, err := os.Stat(path)
		if err != nil {
			return err
		}
		if st.Size() > maxFile {
			return fmt.Errorf("%s: %d bytes, larger than any library module should be", path, st.Size())
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		g.Add(name, pkg, src)
	}
	return nil
}
