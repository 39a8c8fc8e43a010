// Package assess tells where a repository stands in MLOps practice and in
// the ATLAS mitigations that counter what the scan found: evidence per
// practice of ml-ops.org's three phases with a score per phase, the
// automation level on the ml-ops.org, Google and Microsoft maturity
// scales, and each applicable mitigation present, missing or not
// applicable.
//
// Evidence comes from structure only: calls and decorators as the Python
// parser resolves them, parsed CI workflows, manifests by apiVersion and
// kind, DVC pointers with hashes, CycloneDX documents. A tool named in a
// README or a comment is never credited. The detectors are data
// (detectors.go); the scoring rubric is docs/ASSESSMENT.md.
package assess

import (
	"context"
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/atlas"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/result"
)

// Analyzer is the assessment as the registry lists it, so that its rules
// are declared, documented and selectable like every other. It assesses
// nothing in `mlsec scan`: a scan reports weaknesses, and posture findings
// on every scan would bury them (a single model file has no CI to ask
// about). `mlsec assess` runs the analyzer New returns in its place.
var Analyzer = New(nil)

// New returns the assessment analyzer. It reads the index and the other
// analyzers' findings once, at the end of the scan, reports each missing
// mitigation that would counter some of them, and hands the assessment to
// sink. With a nil sink it does nothing (see Analyzer).
func New(sink func(*result.Assessment)) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name: "assess",
		Doc: "Assesses the project as a whole (mlsec assess): MLOps practices per phase, automation level, and the ATLAS mitigations in place; " +
			"reports a mitigation that is missing while the scan found findings it would counter.",
		Rules: Rules(),
		Project: func(p *analysis.ProjectPass) error {
			if sink == nil {
				return nil
			}
			a, missing := Assess(p.Context, p.Index, p.Findings, p.Assets, atlas.Default())
			for _, d := range missing {
				p.Report(d)
			}
			sink(a)
			return nil
		},
	}
}

// Assess builds the assessment of the indexed project, given the scan's
// findings and assets, and the diagnostics of missing mitigations.
func Assess(ctx context.Context, ix *index.Index, fs []finding.Finding, assets []finding.Asset, cat *atlas.Catalog) (*result.Assessment, []analysis.Diagnostic) {
	s := collect(ctx, ix)
	for _, a := range assets {
		if a.Kind == finding.AssetDataStore {
			loc := finding.Location{}
			if len(a.Locations) > 0 {
				loc = a.Locations[0]
			}
			s.add(scopeDataStore, loc, "data store "+a.Name)
		}
	}
	ph := phases(s)
	a := &result.Assessment{Phases: ph, Levels: levels(present(ph))}
	var diags []analysis.Diagnostic
	for _, st := range assessMitigations(cat, s, fs) {
		a.Mitigations = append(a.Mitigations, st.MitigationStatus)
		if st.Status != result.MitigationMissing || len(st.countered) == 0 {
			continue
		}
		sev := Priority(st.worst)
		d := analysis.Diagnostic{
			Rule:     st.m.Rule,
			Message:  fmt.Sprintf("%s (%s) is not in place; it would counter %s", st.Name, st.ID, counted(st.countered, st.Counters)),
			Evidence: st.ID,
		}
		if sev != st.m.Rule.Severity {
			d.Severity, d.SeverityReason = sev, fmt.Sprintf("one step below the most severe finding it would counter (%s)", st.worst)
		}
		for i, f := range st.countered {
			if i == 5 {
				break
			}
			d.Related = append(d.Related, finding.Related{Location: f.Location, Message: f.RuleID + ": " + f.Message})
		}
		diags = append(diags, d)
	}
	return a, diags
}

// counted says how many findings a mitigation would counter, and of which
// techniques.
func counted(fs []finding.Finding, techniques []string) string {
	n := fmt.Sprintf("%d finding", len(fs))
	if len(fs) != 1 {
		n += "s"
	}
	if len(techniques) > 0 {
		n += " (" + strings.Join(techniques, ", ") + ")"
	}
	return n
}
