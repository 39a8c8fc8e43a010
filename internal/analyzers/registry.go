// Package analyzers is the plain list of every analyzer mlsec runs. The
// rules they report live in package rules.
package analyzers

import (
	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/ci"
	"github.com/mlsec/mlsec/internal/analyzers/code"
	"github.com/mlsec/mlsec/internal/analyzers/config"
	"github.com/mlsec/mlsec/internal/analyzers/container"
	"github.com/mlsec/mlsec/internal/analyzers/dataset"
	"github.com/mlsec/mlsec/internal/analyzers/deps"
	"github.com/mlsec/mlsec/internal/analyzers/iac"
	"github.com/mlsec/mlsec/internal/analyzers/k8s"
	"github.com/mlsec/mlsec/internal/analyzers/model"
	"github.com/mlsec/mlsec/internal/analyzers/modelfmt"
	"github.com/mlsec/mlsec/internal/analyzers/provenance"
	"github.com/mlsec/mlsec/internal/analyzers/secret"
	"github.com/mlsec/mlsec/internal/assess"
)

// All returns every analyzer, in a fixed order.
func All() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		code.Analyzer,
		deps.Analyzer,
		model.Analyzer,
		modelfmt.Analyzer, modelfmt.ConfigAnalyzer,
		k8s.Analyzer,
		container.Analyzer,
		iac.Analyzer,
		config.Analyzer,
		ci.Analyzer,
		secret.Analyzer,
		dataset.Analyzer,
		provenance.Analyzer,
		assess.Analyzer,
	}
}
