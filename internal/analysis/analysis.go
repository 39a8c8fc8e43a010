// Package analysis defines the interface between the scan engine and the
// analyzers, after golang.org/x/tools/go/analysis: an analyzer is a plain
// value naming the file kinds it reads and the rules it reports, with a Run
// function that is handed one file at a time through a Pass.
package analysis

import (
	"context"
	"io"
	"os"
	"path"
	"path/filepath"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

// Expand returns the analyzers with everything they require, transitively,
// each once and before whatever requires it, in a stable order.
func Expand(as []*Analyzer) []*Analyzer {
	var out []*Analyzer
	seen := map[*Analyzer]bool{}
	var visit func(a *Analyzer)
	visit = func(a *Analyzer) {
		if seen[a] {
			return
		}
		seen[a] = true
		for _, r := range a.Requires {
			visit(r)
		}
		out = append(out, a)
	}
	for _, a := range as {
		visit(a)
	}
	return out
}

// Analyzer is one input family's checks.
type Analyzer struct {
	Name  string        // short and unique, e.g. "code"
	Doc   string        // one paragraph: what it reads and looks for
	Kinds []source.Kind // the file kinds it is run on
	Rules []*rule.Rule  // every rule it may report; the engine rejects any other
	// Binary analyzers read through Pass.Reader and bound their own memory;
	// the engine does not load the file and applies no size limit to it.
	// Text analyzers get the whole file in Pass.Content.
	Binary bool
	// Run analyzes one file. It may be nil for a project-only analyzer.
	Run func(*Pass) error
	// Requires lists analyzers whose result on the same file this one
	// reads through Pass.ResultOf: a file is parsed once, whoever needs
	// the parse. The engine runs them first, on every file this one reads.
	Requires []*Analyzer
	// Project, when set, runs once per scan after every file has been
	// analyzed, over the index and the per-file results: checks about the
	// project as a whole ("no lock file anywhere", "no signing step").
	Project func(*ProjectPass) error
}

// Diagnostic is what an analyzer reports; the engine fills in the rest of
// the finding (title, phase, techniques, mitigations, confidence) from the
// rule.
type Diagnostic struct {
	Rule     *rule.Rule
	Location finding.Location // Path defaults to the analyzed file
	Message  string           // one sentence about this occurrence
	Evidence string           // the offending text as written; redacted by the engine
	// Severity replaces the rule's default when SeverityReason is set: an
	// analyzer may raise or lower a finding for what the evidence shows,
	// and must say why.
	Severity       rule.Severity
	SeverityReason string
	// Confidence likewise replaces the rule's when ConfidenceReason is set
	// (a call whose argument the analyzer could not trace is less sure).
	Confidence       rule.Confidence
	ConfidenceReason string
	Assets           []string          // IDs of the assets the finding touches
	Related          []finding.Related // other places that explain it
	Inconclusive     bool              // the file could not be fully checked
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
	// ResultOf holds the results of the analyzers this one Requires, on
	// this file, as they set them with SetResult.
	ResultOf map[*Analyzer]any

	result any
	sinks  Sinks
	index  *index.Index
	self   *index.File
	report func(finding.Finding)
	asset  func(finding.Asset)
	edge   func(finding.Edge)
}

// Settings carries the user's configuration that analyzers may need.
type Settings struct {
	// ModelAllow lists extra "module.name" globals the model analyzer should
	// accept in pickles, from .mlsec.yaml.
	ModelAllow []string
	// TempDir is where analyzers spool what they cannot hold in memory;
	// the command removes it when the scan ends, however it ends. Empty
	// means the system's temporary directory.
	TempDir string
}

// Sinks receive what passes report. The engine provides them; test
// harnesses may too.
type Sinks struct {
	Finding func(finding.Finding)
	Asset   func(finding.Asset)
	Edge    func(finding.Edge)
	// Undeclared is told of a report of a rule the analyzer does not
	// declare; the finding is dropped.
	Undeclared func(a *Analyzer, ruleID string)
	// NotAnalyzed is told that the file could not be analyzed for a
	// reason that does not fail the scan (see Pass.NotAnalyzed).
	NotAnalyzed func(reason string)
	// Unread is told of a file a project-level analyzer could not check
	// (see ProjectPass.NotAnalyzed).
	Unread func(source.Skip)
	// Nested analyzes a text member of an archive with the analyzers for
	// its kind (see Pass.Nested).
	Nested func(member string, content []byte)
}

// NewPass is for the engine and test harnesses. ix and self may be nil when
// the file is not part of an index (an archive member, a unit test).
func NewPass(ctx context.Context, a *Analyzer, e source.Entry, k source.Kind, ix *index.Index, self *index.File, sinks Sinks) *Pass {
	p := &Pass{Context: ctx, Analyzer: a, File: e, Kind: k, Size: e.Size, index: ix, self: self, asset: sinks.Asset, edge: sinks.Edge, sinks: sinks}
	p.report = declaredOnly(a, sinks)
	return p
}

// declaredOnly wraps the finding sink so that a rule the analyzer does not
// declare never reaches a report: the rules list is what the CLI, the docs
// and SARIF metadata are built from, and a finding outside it would have no
// documentation and escape --disable.
func declaredOnly(a *Analyzer, sinks Sinks) func(finding.Finding) {
	declared := map[*rule.Rule]bool{}
	for _, r := range a.Rules {
		declared[r] = true
	}
	return func(f finding.Finding) {
		if f.Rule == nil || !declared[f.Rule] {
			id := "<nil>"
			if f.Rule != nil {
				id = f.Rule.ID
			}
			if sinks.Undeclared != nil {
				sinks.Undeclared(a, id)
			}
			return
		}
		if sinks.Finding != nil {
			sinks.Finding(f)
		}
	}
}

// Report records a diagnostic as a finding.
func (p *Pass) Report(d Diagnostic) {
	p.report(Build(d, p.File.Path))
}

// Build turns a diagnostic into a finding, filling in what the rule says.
// path is the analyzed file, used where the location has none.
func Build(d Diagnostic, path string) finding.Finding {
	r := d.Rule
	f := finding.Finding{Rule: r, Location: d.Location, Message: d.Message, Evidence: d.Evidence,
		Assets: d.Assets, Related: d.Related, Inconclusive: d.Inconclusive}
	if f.Location.Path == "" {
		f.Location.Path = path
	}
	for i := range f.Related {
		if f.Related[i].Location.Path == "" {
			f.Related[i].Location.Path = path
		}
	}
	if r == nil {
		return f
	}
	f.RuleID, f.Severity, f.Confidence, f.Phase = r.ID, r.Severity, r.Confidence, r.Phase
	f.Techniques, f.Mitigations = r.Techniques, r.Mitigations
	if d.SeverityReason != "" && d.Severity != r.Severity {
		f.Severity, f.SeverityReason = d.Severity, d.SeverityReason
	}
	if d.ConfidenceReason != "" {
		f.Confidence = d.Confidence
	}
	return f
}

// NotAnalyzed says the file could not be analyzed, for a reason that does
// not by itself fail the scan: a file with a model extension whose content
// matches no known format, say. It is reported as not analyzed, never as
// clean.
func (p *Pass) NotAnalyzed(reason string) {
	if p.sinks.NotAnalyzed != nil {
		p.sinks.NotAnalyzed(reason)
	}
}

// Nested hands a text member of an archive (a .py file in a deployment zip,
// a manifest in a tarball) to the analyzers for its kind, as the engine
// would a file of the tree; their findings are located at member inside
// this file. content must already be bounded by the caller.
func (p *Pass) Nested(member string, content []byte) {
	if p.sinks.Nested != nil {
		p.sinks.Nested(member, content)
	}
}

// SetResult records this analyzer's result on the file for the analyzers
// that require it.
func (p *Pass) SetResult(v any) { p.result = v }

// Result is what the analyzer set with SetResult, for the engine.
func (p *Pass) Result() any { return p.result }

// Line is a location on a line of this file.
func (p *Pass) Line(line, col int) finding.Location {
	return finding.Location{Path: p.File.Path, Line: line, Column: col}
}

// AddAsset records an asset of the pipeline met in this file. Build it with
// package asset's constructors; where it was met defaults to this file.
func (p *Pass) AddAsset(a finding.Asset) {
	if len(a.Locations) == 0 {
		a.Locations = []finding.Location{{Path: p.File.Path}}
	}
	for i := range a.Locations {
		if a.Locations[i].Path == "" {
			a.Locations[i].Path = p.File.Path
		}
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

// Siblings returns the other files of this file's directory of the given
// kinds, read whole within the index's bounds, for context: a Terraform
// module's other .tf files, the Service beside a Deployment. They are
// files of the scan (excludes and .gitignore apply, links are never
// followed). Never report a finding located in a sibling: it is reported
// when that file is analyzed itself. A file with no place in the index (an
// archive member) has no siblings.
func (p *Pass) Siblings(kinds ...source.Kind) []index.Sibling {
	if p.index == nil || p.self == nil {
		return nil
	}
	return p.index.Siblings(p.self, p.Canceled, kinds...)
}

// Ancestors returns the files of the given kinds in this file's directory
// and the directories above it, nearest first, for context (the dependency
// pins that govern a script); the same rules as Siblings apply.
func (p *Pass) Ancestors(kinds ...source.Kind) []index.Sibling {
	if p.index == nil || p.self == nil {
		return nil
	}
	return p.index.Ancestors(p.self, p.Canceled, kinds...)
}

// ReadFile returns another file of the scan by its report path, for
// context that names it (a GitLab CI `include: local:`), when it is at most
// max bytes. Only files the walk accepted are found, so a symbolic link is
// never followed and an excluded file stays unread. Like Siblings, a
// finding is never to be reported in it.
func (p *Pass) ReadFile(path string, max int64) ([]byte, bool) {
	if p.index == nil || p.Canceled() {
		return nil, false
	}
	f := p.index.Lookup(path)
	if f == nil || f == p.self || f.Size > max {
		return nil, false
	}
	b, err := p.index.Read(f)
	return b, err == nil
}

// Beside says a regular file whose name matches pattern (path.Match
// syntax: "uv.lock", "pylock.*.toml") sits in this file's directory. It
// asks the file system for a local file, including files the scan leaves
// out (a gitignored lock file still pins an install), and the scan's index
// for an object in a bucket, which is never a local path.
func (p *Pass) Beside(pattern string) bool {
	if p.File.From != nil {
		if p.index == nil {
			return false
		}
		dir := path.Dir(p.File.Path)
		for _, f := range p.index.InDir(dir) {
			if ok, _ := path.Match(pattern, path.Base(f.Path)); ok {
				return true
			}
		}
		return false
	}
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(p.File.OS), pattern))
	for _, f := range m {
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// ProjectPass is a project-level analyzer's view of the whole scan.
type ProjectPass struct {
	Context  context.Context
	Analyzer *Analyzer
	Index    *index.Index
	// Findings, Assets and Edges are what the per-file analyzers found,
	// before suppression; read-only.
	Findings []finding.Finding
	Assets   []finding.Asset
	Edges    []finding.Edge
	Settings Settings

	report func(finding.Finding)
	asset  func(finding.Asset)
	edge   func(finding.Edge)
	unread func(source.Skip)
}

// NewProjectPass is for the engine and test harnesses.
func NewProjectPass(ctx context.Context, a *Analyzer, ix *index.Index, sinks Sinks) *ProjectPass {
	return &ProjectPass{Context: ctx, Analyzer: a, Index: ix, report: declaredOnly(a, sinks), asset: sinks.Asset, edge: sinks.Edge, unread: sinks.Unread}
}

// NotAnalyzed records that the file at path could not be checked, and why,
// so that the report says so instead of passing over it.
func (p *ProjectPass) NotAnalyzed(path, reason string) {
	if p.unread != nil {
		p.unread(source.Skip{Path: path, Reason: reason})
	}
}

// Report records a diagnostic about the project. A location with no path
// is the first scanned root.
func (p *ProjectPass) Report(d Diagnostic) { p.report(Build(d, "")) }

// AddAsset records an asset; see Pass.AddAsset.
func (p *ProjectPass) AddAsset(a finding.Asset) {
	if p.asset != nil {
		p.asset(a)
	}
}

// AddEdge records a relation between two assets.
func (p *ProjectPass) AddEdge(e finding.Edge) {
	if p.edge != nil {
		p.edge(e)
	}
}
