package assess

import (
	"slices"
	"sort"

	"github.com/mlsec/mlsec/internal/atlas"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// mitigation is one ATLAS mitigation the repository can show evidence of.
type mitigation struct {
	ID   string
	Rule *rule.Rule // reported when it is missing and counters a finding
	// Signals: any of them shows the mitigation in place.
	Signals []string
	// Scope: the mitigation applies only when one of these is present
	// (serving for access control in production); empty applies to every
	// project.
	Scope []string
	// Contradicted: a finding whose rule lists this mitigation shows a
	// place it is not in force (an unauthenticated service, an unsafe
	// load), so evidence elsewhere does not make it present.
	Contradicted bool
}

var mitigations = []mitigation{
	{ID: "AML.M0004", Rule: rules.MissingRateLimit, Signals: []string{sigRateLimit}, Scope: []string{sigServing}},
	{ID: "AML.M0005", Rule: rules.MissingAccessAtRest, Signals: []string{sigStorageAccess}, Scope: []string{scopeDataStore}, Contradicted: true},
	{ID: "AML.M0007", Rule: rules.MissingDataSanitization, Signals: []string{sigDataValidation, sigDataVerify}, Scope: []string{sigMLCode}},
	{ID: "AML.M0008", Rule: rules.MissingModelValidation, Signals: []string{sigModelValidation}, Scope: []string{sigMLCode}},
	{ID: "AML.M0011", Rule: rules.MissingLoadRestriction, Signals: []string{sigSafeLoad}, Scope: []string{sigModelLoad}, Contradicted: true},
	{ID: "AML.M0013", Rule: rules.MissingSigning, Signals: []string{sigSign}},
	{ID: "AML.M0014", Rule: rules.MissingVerification, Signals: []string{sigVerify}, Scope: []string{sigModelLoad}},
	{ID: "AML.M0016", Rule: rules.MissingScanning, Signals: []string{sigModelScan}},
	{ID: "AML.M0019", Rule: rules.MissingProductionAccess, Signals: []string{sigServingAuth}, Scope: []string{sigServing}, Contradicted: true},
	{ID: "AML.M0023", Rule: rules.MissingAIBOM, Signals: []string{sigAIBOM}},
	{ID: "AML.M0024", Rule: rules.MissingTelemetry, Signals: []string{sigTelemetry}, Scope: []string{sigServing}},
	{ID: "AML.M0025", Rule: rules.MissingProvenance, Signals: []string{sigDVCTracked, sigDVCLock, sigLakeFS, sigDataLock, sigDataVerify}, Scope: []string{sigMLCode}},
}

// scopeDataStore is not a signal of the files: the scan's assets say
// whether the project declares a data store (a bucket, a DVC remote).
const scopeDataStore = "data-store"

// Rules lists the rules of the assessment, for the analyzer's declaration.
func Rules() []*rule.Rule {
	out := make([]*rule.Rule, len(mitigations))
	for i, m := range mitigations {
		out[i] = m.Rule
	}
	return out
}

// statusOf is one mitigation's verdict, with what decides a missing one's
// priority.
type statusOf struct {
	result.MitigationStatus
	m *mitigation
	// worst is the most severe finding it would counter, and where.
	worst     rule.Severity
	countered []finding.Finding
}

// assessMitigations decides each mitigation from the signals and the
// scan's findings. A mitigation counters a finding when the finding's rule
// names it, or when one of the finding's techniques (or the technique it
// is a sub-technique of) is among those ATLAS says the mitigation
// addresses.
func assessMitigations(cat *atlas.Catalog, s signals, fs []finding.Finding) []statusOf {
	var out []statusOf
	for i := range mitigations {
		m := &mitigations[i]
		st := statusOf{m: m, MitigationStatus: result.MitigationStatus{ID: m.ID, Name: m.ID}}
		var addresses []string
		if am := cat.Mitigation(m.ID); am != nil {
			st.Name, addresses = am.Name, am.Techniques
		}
		counters := map[string]bool{}
		contradicted := false
		for _, f := range fs {
			if f.Rule != nil && f.Rule.Family() == "assess" {
				continue
			}
			hit := slices.Contains(f.Mitigations, m.ID)
			if hit && m.Contradicted {
				contradicted = true
			}
			for _, t := range f.Techniques {
				if slices.Contains(addresses, t) || slices.Contains(addresses, parent(t)) {
					counters[t], hit = true, true
				}
			}
			if hit {
				if len(st.countered) == 0 || f.Severity > st.worst {
					st.worst = f.Severity
				}
				st.countered = append(st.countered, f)
			}
		}
		for t := range counters {
			st.Counters = append(st.Counters, t)
		}
		sort.Strings(st.Counters)
		for _, sig := range m.Signals {
			st.Evidence = append(st.Evidence, s[sig]...)
		}
		st.Evidence = dedupe(st.Evidence)
		switch {
		case len(m.Scope) > 0 && !s.hasAny(m.Scope...):
			st.Status = result.MitigationNotApplicable
		case len(st.Evidence) > 0 && !contradicted:
			st.Status = result.MitigationPresent
		default:
			st.Status = result.MitigationMissing
		}
		out = append(out, st)
	}
	return out
}

// parent is the technique a sub-technique belongs to ("AML.T0011" for
// "AML.T0011.000"), or "" for a technique.
func parent(id string) string {
	if len(id) > len("AML.T0000") {
		return id[:len("AML.T0000")]
	}
	return ""
}

// Priority is the severity of a missing mitigation's finding: one step
// below the most severe finding it would counter, never below low. The
// finding it counters already carries that risk; the missing mitigation is
// the defence that would have caught it. A missing mitigation that
// counters no finding is not reported as one.
func Priority(worst rule.Severity) rule.Severity {
	if worst <= rule.Low {
		return rule.Low
	}
	return worst - 1
}
