// Package analyzers is the plain list of every analyzer mlsec runs. The
// rules they report live in package rules.
package analyzers

import (
	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/code"
	"github.com/mlsec/mlsec/internal/analyzers/config"
	"github.com/mlsec/mlsec/internal/analyzers/container"
	"github.com/mlsec/mlsec/internal/analyzers/deps"
	"github.com/mlsec/mlsec/internal/analyzers/iac"
	"github.com/mlsec/mlsec/internal/analyzers/k8s"
	"github.com/mlsec/mlsec/internal/analyzers/model"
)

// All returns every analyzer, in a fixed order.
func All() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		code.Analyzer,
		deps.Analyzer,
		model.Analyzer,
		k8s.Analyzer,
		container.Analyzer,
		iac.Analyzer,
		config.Analyzer,
	}
}
