// Package analysis defines the interface between the scan engine and the
// analyzers, after golang.org/x/tools/go/analysis: an analyzer is a plain
// value naming the file kinds it reads and the rules it reports, with a Run
// function that is handed one file at a time through a Pass.
package analysis

import (
	"context"
	"fmt"
	"io"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

// Analyzer is one input family's checks.
type Analyzer struct {
	Name  string        // the rule family, e.g. "code"
	Doc   string        // one paragraph: what it reads and looks for
	Kinds []source.Kind // the file kinds it is run on
	Rules []*rule.Rule  // every rule it may report
	// Binary analyzers read through Pass.Reader and bound their own memory;
	// the engine does not load the file and applies no size limit to it.
	// Text analyzers get the whole file in Pass.Content.
	Binary bool
	Run    func(*Pass) error
}

// Pass is one analyzer's view of one file.
type Pass struct {
	Context  context.Context // cancelled when the per-file time limit is hit; check it in long loops
	Analyzer *Analyzer
	File     source.Entry
	Kind     source.Kind // the refined kind
	Content  []byte      // whole file, for text analyzers
	Reader   io.ReaderAt // the file, for binary analyzers
	Size     int64
	Settings Settings

	report func(finding.Finding)
	asset  func(finding.Asset)
	edge   func(finding.Edge)
}

// Settings carries the user's configuration that analyzers may need.
type Settings struct {
	// ModelAllow lists extra "module.name" globals the model analyzer should
	// accept in pickles, from .mlsec.yaml.
	ModelAllow []string
}

// NewPass is for the engine and test harnesses.
func NewPass(ctx context.Context, a *Analyzer, e source.Entry, k source.Kind, report func(finding.Finding), asset func(finding.Asset), edge func(finding.Edge)) *Pass {
	return &Pass{Context: ctx, Analyzer: a, File: e, Kind: k, Size: e.Size, report: report, asset: asset, edge: edge}
}

// Report records a finding. Rule, severity, phase and techniques come from r;
// the location's path defaults to the file's.
func (p *Pass) Report(r *rule.Rule, loc finding.Location, evidence, message string) {
	if loc.Path == "" {
		loc.Path = p.File.Path
	}
	p.report(finding.Finding{
		Rule:        r,
		RuleID:      r.ID,
		Severity:    r.Severity,
		Confidence:  r.Confidence,
		Phase:       r.Phase,
		Techniques:  r.Techniques,
		Mitigations: r.Mitigations,
		Location:    loc,
		Message:     message,
		Evidence:    evidence,
	})
}

// Reportf is Report with a formatted message.
func (p *Pass) Reportf(r *rule.Rule, loc finding.Location, evidence, format string, args ...any) {
	p.Report(r, loc, evidence, fmt.Sprintf(format, args...))
}

// ReportFinding records a finding the analyzer built itself, for example with
// a severity raised above the rule's default by what the evidence shows.
// RuleID, phase and techniques are filled from f.Rule when empty.
func (p *Pass) ReportFinding(f finding.Finding) {
	if f.Rule != nil {
		if f.RuleID == "" {
			f.RuleID = f.Rule.ID
		}
		if f.Phase == "" {
			f.Phase = f.Rule.Phase
		}
		if f.Techniques == nil {
			f.Techniques = f.Rule.Techniques
		}
		if f.Mitigations == nil {
			f.Mitigations = f.Rule.Mitigations
		}
	}
	if f.Location.Path == "" {
		f.Location.Path = p.File.Path
	}
	p.report(f)
}

// Line is a location on a line of this file.
func (p *Pass) Line(line, col int) finding.Location {
	return finding.Location{Path: p.File.Path, Line: line, Column: col}
}

// AddAsset records an asset of the pipeline met in this file.
func (p *Pass) AddAsset(a finding.Asset) {
	if a.Location.Path == "" {
		a.Location.Path = p.File.Path
	}
	if p.asset != nil {
		p.asset(a)
	}
}

// AddEdge records a relation between two assets.
func (p *Pass) AddEdge(e finding.Edge) {
	if p.edge != nil {
		p.edge(e)
	}
}

// Canceled reports whether the per-file time limit has passed.
func (p *Pass) Canceled() bool { return p.Context.Err() != nil }
