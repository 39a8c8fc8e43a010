package dataset

import (
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/dataset/lock"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// project reports the datasets code reads that nothing pins: no lock
// file entry or root, no .dvc output and no dvc.yaml output covers them.
func project(pp *analysis.ProjectPass) error {
	covered := coverage(pp)
	for _, a := range pp.Assets {
		if a.Kind != finding.AssetDataset || a.Attrs[readAttr] == "" || !strings.HasPrefix(a.Name, "file:") {
			continue
		}
		name := strings.TrimPrefix(a.Name, "file:")
		for _, loc := range a.Locations {
			// Code reads paths relative to where it runs: the project
			// root as a rule, the script's own directory sometimes.
			cands := []string{name, path.Clean(path.Join(path.Dir(relPath(pp, loc.Path)), name))}
			if slices.ContainsFunc(cands, covered) {
				continue
			}
			pp.Report(analysis.Diagnostic{Rule: rules.DatasetUnlocked, Location: loc, Assets: []string{a.ID},
				Message:  "training data " + name + " is read here, but no lock file (mlsec data lock), .dvc file or dvc.yaml output records its digest",
				Evidence: name})
		}
	}
	return nil
}

// relPath is a report path relative to the scan root.
func relPath(pp *analysis.ProjectPass, p string) string {
	if f := pp.Index.Lookup(p); f != nil {
		return f.Rel
	}
	return p
}

// coverage returns a test for whether a root-relative path is pinned.
func coverage(pp *analysis.ProjectPass) func(string) bool {
	var files, dirs []string
	for _, f := range pp.Index.Files() {
		dir := path.Dir(f.Rel)
		base := path.Base(f.Rel)
		switch {
		case f.Kind == source.DataLock:
			b, err := pp.Index.Read(f)
			if err != nil {
				continue // the per-file pass reports it
			}
			m, err := lock.Parse(f.Path, b)
			if err != nil {
				continue
			}
			for _, e := range m.Files {
				files = append(files, path.Join(dir, e.Path))
			}
			for _, r := range m.Roots {
				dirs = append(dirs, path.Join(dir, r))
			}
		case strings.HasSuffix(base, ".dvc") && base != ".dvc":
			b, err := pp.Index.Read(f)
			if err != nil {
				continue
			}
			var df struct {
				Outs []struct {
					Path string `yaml:"path"`
				} `yaml:"outs"`
			}
			if yaml.Unmarshal(b, &df) != nil {
				continue
			}
			for _, o := range df.Outs {
				if o.Path != "" {
					dirs = append(dirs, path.Join(dir, o.Path))
				}
			}
		case f.Kind == source.DVCPipeline:
			b, err := pp.Index.Read(f)
			if err != nil {
				continue
			}
			var dp struct {
				Stages map[string]struct {
					Outs []yaml.Node `yaml:"outs"`
				} `yaml:"stages"`
			}
			if yaml.Unmarshal(b, &dp) != nil {
				continue
			}
			for _, st := range dp.Stages {
				for _, o := range st.Outs {
					switch o.Kind {
					case yaml.ScalarNode:
						dirs = append(dirs, path.Join(dir, o.Value))
					case yaml.MappingNode:
						for i := 0; i+1 < len(o.Content); i += 2 {
							dirs = append(dirs, path.Join(dir, o.Content[i].Value))
						}
					}
				}
			}
		}
	}
	return func(p string) bool {
		if slices.Contains(files, p) {
			return true
		}
		for _, d := range dirs {
			if p == d || strings.HasPrefix(p, d+"/") {
				return true
			}
		}
		return false
	}
}
