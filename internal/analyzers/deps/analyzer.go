// Package deps checks how an ML project gets its Python packages: pip
// requirements and constraints files, pyproject.toml (PEP 621, Poetry, uv,
// PDM), setup.cfg and conda environment files. It reports package indexes
// open to dependency confusion or interception, packages fetched from
// insecure or moving URLs, credentials written into index URLs, ML
// frameworks installed without a pinned version, and known malicious
// packages, and records every package index as an external asset.
//
// Nothing is fetched, resolved or installed: the files are only parsed.
package deps

import (
	"fmt"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/source"
)

// Analyzer is the deps analyzer.
var Analyzer = &analysis.Analyzer{
	Name: "deps",
	Doc: "Reads requirements and constraints files, pyproject.toml, setup.cfg, pip.conf and conda environments, and reports " +
		"dependency-confusion-prone extra indexes, indexes and direct URLs without TLS, VCS installs without a pinned commit, " +
		"credentials in index URLs, unpinned ML frameworks and known malicious ML packages.",
	Kinds: []source.Kind{source.Requirements, source.Pyproject, source.SetupCfg, source.PipConfig, source.CondaEnv},
	Rules: Rules,
	Run:   run,
}

func run(pass *analysis.Pass) error {
	c := &checker{pass: pass}
	switch pass.Kind {
	case source.Requirements:
		return c.requirementsFile()
	case source.Pyproject:
		return c.pyproject()
	case source.SetupCfg:
		return c.setupCfg()
	case source.PipConfig:
		return c.pipConfig()
	case source.CondaEnv:
		return c.condaEnv()
	}
	return fmt.Errorf("deps analyzer does not read %s files", pass.Kind)
}
