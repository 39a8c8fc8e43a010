// Package result holds a finished scan: the findings, the assets and edges
// of the pipeline, and the account of every file (analyzed, skipped with a
// reason, failed with a reason). The engine produces it; report writers and
// every command read it and never re-analyze.
package result

import (
	"cmp"
	"sort"
	"time"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/source"
)

// Result is a finished scan.
type Result struct {
	Paths    []string          `json:"paths"`
	Findings []finding.Finding `json:"findings"`
	Assets   []finding.Asset   `json:"assets"`
	Edges    []finding.Edge    `json:"edges"`
	Skipped  []source.Skip     `json:"skipped"`
	Failed   []source.Skip     `json:"failed"` // should have been analyzed and could not be
	// NotAnalyzed are files not analyzed for a reason that does not by
	// itself make the scan incomplete (text that does not parse, Git LFS
	// pointers); --strict makes them count.
	NotAnalyzed []source.Skip `json:"not_analyzed"`
	Warnings    []source.Skip `json:"warnings"` // analyzed, with something to note
	Analyzed    int           `json:"analyzed"`
	Suppressed  int           `json:"suppressed"` // by inline ignores
	Baselined   int           `json:"baselined"`
	// AttackPaths and Chokepoints are how findings chain through the
	// assets and edges (see package graph); empty when nothing chains.
	AttackPaths []AttackPath `json:"attack_paths,omitempty"`
	Chokepoints []Chokepoint `json:"chokepoints,omitempty"`
	// Assessment is set by `mlsec assess` (and by scan when asked to).
	Assessment *Assessment   `json:"assessment,omitempty"`
	Duration   time.Duration `json:"-"`
}

// Incomplete reports whether some file could not be fully analyzed, which
// makes the scan's verdict incomplete (exit code 2).
func (r *Result) Incomplete() bool { return len(r.Failed) > 0 }

// Finish sorts everything into a stable order and merges duplicate assets
// and edges: output must not depend on which worker finished first.
func (r *Result) Finish() {
	for _, l := range [][]source.Skip{r.Skipped, r.Failed, r.NotAnalyzed, r.Warnings} {
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].Path != l[j].Path {
				return l[i].Path < l[j].Path
			}
			return l[i].Reason < l[j].Reason
		})
	}
	SortFindings(r.Findings)
	r.Assets = asset.Merge(r.Assets)
	r.Edges = asset.MergeEdges(r.Edges)
}

// SortFindings orders findings most severe first, then by place.
func SortFindings(fs []finding.Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return Less(fs[i], fs[j]) })
}

// Less is the order of findings in every output: most severe first, then by
// place (Location.Compare), rule and message.
func Less(a, b finding.Finding) bool {
	if a.Severity != b.Severity {
		return a.Severity > b.Severity
	}
	return cmp.Or(a.Location.Compare(b.Location), cmp.Compare(a.RuleID, b.RuleID), cmp.Compare(a.Message, b.Message)) < 0
}
