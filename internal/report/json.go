package report

import (
	"encoding/json"
	"io"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

// JSONSchema names the JSON document's format; it changes only with an
// incompatible change.
const JSONSchema = "mlsec/v1"

// JSONDocument is the JSON output. It is complete: a consumer never needs
// the text output.
type JSONDocument struct {
	Schema      string          `json:"schema"`
	Tool        JSONTool        `json:"tool"`
	Paths       []string        `json:"paths"`
	Summary     JSONSummary     `json:"summary"`
	Findings    []JSONFinding   `json:"findings"`
	Failed      []source.Skip   `json:"failed"`
	NotAnalyzed []source.Skip   `json:"not_analyzed"`
	Warnings    []source.Skip   `json:"warnings"`
	Skipped     []source.Skip   `json:"skipped"`
	Assets      []finding.Asset `json:"assets"`
	Edges       []finding.Edge  `json:"edges"`
	// AttackPaths and Chokepoints: see package graph.
	AttackPaths []result.AttackPath `json:"attack_paths"`
	Chokepoints []result.Chokepoint `json:"chokepoints"`
	// Assessment is written by `mlsec assess` (docs/ASSESSMENT.md).
	Assessment *result.Assessment `json:"assessment,omitempty"`
}

// JSONTool names the scanner.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONSummary counts what the scan did.
type JSONSummary struct {
	Findings         int            `json:"findings"`
	BySeverity       map[string]int `json:"by_severity"`
	ByPhase          map[string]int `json:"by_phase"`
	FilesAnalyzed    int            `json:"files_analyzed"`
	FilesFailed      int            `json:"files_failed"`
	FilesNotAnalyzed int            `json:"files_not_analyzed"`
	FilesSkipped     int            `json:"files_skipped"`
	Suppressed       int            `json:"suppressed"`
	Baselined        int            `json:"baselined"`
	Incomplete       bool           `json:"incomplete"`
	FailOn           string         `json:"fail_on"`
	Failing          bool           `json:"failing"`
	ExitCode         int            `json:"exit_code"`
	DurationMS       int64          `json:"duration_ms"`
}

// JSONFinding is a finding with its rule's title and fix inlined.
type JSONFinding struct {
	finding.Finding
	Title string `json:"title"`
	Fix   string `json:"fix,omitempty"`
}

func init() { register("json", WriteJSON) }

// nonNilSlice makes an absent list an empty JSON array.
func nonNilSlice[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// WriteJSON writes the scan as one JSON document.
func WriteJSON(w io.Writer, r *Report) error {
	res := r.Result
	doc := JSONDocument{
		Schema: JSONSchema,
		Tool:   JSONTool{Name: "mlsec", Version: r.Version},
		Paths:  res.Paths,
		Summary: JSONSummary{
			Findings:         len(res.Findings),
			BySeverity:       map[string]int{},
			ByPhase:          map[string]int{},
			FilesAnalyzed:    res.Analyzed,
			FilesFailed:      len(res.Failed),
			FilesNotAnalyzed: len(res.NotAnalyzed),
			FilesSkipped:     len(res.Skipped),
			Suppressed:       res.Suppressed,
			Baselined:        res.Baselined,
			Incomplete:       r.Incomplete(),
			FailOn:           failOnName(r),
			Failing:          r.Failing(),
			ExitCode:         r.ExitCode(),
			DurationMS:       res.Duration.Milliseconds(),
		},
		Findings:    make([]JSONFinding, 0, len(res.Findings)),
		Failed:      nonNil(res.Failed),
		NotAnalyzed: nonNil(res.NotAnalyzed),
		Warnings:    nonNil(res.Warnings),
		Skipped:     nonNil(res.Skipped),
		Assets:      res.Assets,
		Edges:       res.Edges,
		AttackPaths: nonNilSlice(res.AttackPaths),
		Chokepoints: nonNilSlice(res.Chokepoints),
		Assessment:  res.Assessment,
	}
	if doc.Assets == nil {
		doc.Assets = []finding.Asset{}
	}
	if doc.Edges == nil {
		doc.Edges = []finding.Edge{}
	}
	for _, s := range rule.Severities() {
		doc.Summary.BySeverity[s.String()] = 0
	}
	for _, p := range rule.Phases() {
		doc.Summary.ByPhase[string(p)] = 0
	}
	for _, f := range res.Findings {
		doc.Summary.BySeverity[f.Severity.String()]++
		doc.Summary.ByPhase[string(f.Phase)]++
		jf := JSONFinding{Finding: f}
		if f.Techniques == nil {
			jf.Techniques = []string{}
		}
		if f.Rule != nil {
			jf.Title, jf.Fix = f.Rule.Title, f.Rule.Fix
		}
		doc.Findings = append(doc.Findings, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func failOnName(r *Report) string {
	if r.NoFail {
		return "none"
	}
	return r.FailOn.String()
}

func nonNil(s []source.Skip) []source.Skip {
	if s == nil {
		return []source.Skip{}
	}
	return s
}
