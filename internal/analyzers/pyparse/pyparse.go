// Package pyparse parses a Python file once for every analyzer that reads
// Python: code (unsafe loading) and config (Airflow DAGs) require it and
// read the *python.Module it leaves in Pass.ResultOf, instead of each
// tokenizing the file again.
package pyparse

import (
	"fmt"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/python"
	"github.com/mlsec/mlsec/internal/source"
)

// Analyzer parses Python source and reports nothing.
var Analyzer = &analysis.Analyzer{
	Name:  "pyparse",
	Doc:   "Parses Python source (imports, aliases and calls) once, for the analyzers that read Python; it reports nothing itself.",
	Kinds: []source.Kind{source.Python},
	Run:   run,
}

func run(p *analysis.Pass) error {
	// The engine runs a requirement on every kind its dependents read (the
	// config analyzer also reads DVC files, shell scripts…): parsing those
	// as Python would only waste time, so other kinds get no result.
	if p.Kind != source.Python {
		return nil
	}
	p.SetResult(python.Parse(p.Content))
	return nil
}

// Module returns the parse of the pass's Python file, as Analyzer left it
// for an analyzer that requires it. The module is shared: callers must not
// modify it. A missing result is an error, not a reason to parse again: it
// means the analyzer was run without its requirement (a harness that calls
// Run directly), and a silent second parse would hide that.
func Module(p *analysis.Pass) (*python.Module, error) {
	m, ok := p.ResultOf[Analyzer].(*python.Module)
	if !ok || m == nil {
		return nil, fmt.Errorf("internal error: the %s analyzer ran without the result of %s on this %s file", p.Analyzer.Name, Analyzer.Name, p.Kind)
	}
	return m, nil
}
