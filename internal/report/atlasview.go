package report

import (
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/atlas"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

// This file holds what the HTML, Markdown and Navigator formats share: the
// ATLAS matrix as the findings colour it, the mitigation checklist, and the
// order in which findings are worth reading.

// catalog is the ATLAS catalog the report names techniques from.
func (r *Report) catalog() *atlas.Catalog {
	if r.Catalog != nil {
		return r.Catalog
	}
	return atlas.Default()
}

// severityScore maps a severity onto 0–100, the scale of a Navigator
// layer's gradient: the worse the finding, the higher the score.
func severityScore(s rule.Severity) int {
	switch s {
	case rule.Critical:
		return 100
	case rule.High:
		return 75
	case rule.Medium:
		return 50
	case rule.Low:
		return 25
	}
	return 10
}

// severityColor is the colour of a severity in every graphical format, so
// that the HTML matrix and a Navigator layer look alike.
var severityHex = map[rule.Severity]string{
	rule.Critical: "#b91c1c",
	rule.High:     "#ea580c",
	rule.Medium:   "#facc15",
	rule.Low:      "#60a5fa",
	rule.Info:     "#d1d5db",
}

// techStat is what the findings say about one technique.
type techStat struct {
	Worst    rule.Severity
	Findings int
	// Subs are the sub-techniques findings named, sorted.
	Subs []string
}

// topTechnique is the technique whose matrix cell an ID colours: the
// parent of a sub-technique, else the ID itself. IDs the catalog does not
// know are returned unchanged with known == false.
func topTechnique(cat *atlas.Catalog, id string) (top string, known bool) {
	t := cat.Technique(id)
	if t == nil {
		return id, false
	}
	if t.Parent != "" {
		return t.Parent, true
	}
	return t.ID, true
}

// techniqueStats tallies findings per top-level technique. A finding that
// names a technique and one of its sub-techniques counts once. IDs the
// catalog does not know (a finding mapped to a technique a newer or older
// ATLAS renamed) are returned separately so reports can say so rather
// than drop them.
func techniqueStats(cat *atlas.Catalog, fs []finding.Finding) (map[string]*techStat, []string) {
	stats := map[string]*techStat{}
	unknown := map[string]bool{}
	for _, f := range fs {
		seen := map[string]bool{}
		for _, id := range f.Techniques {
			top, ok := topTechnique(cat, id)
			if !ok {
				unknown[id] = true
				continue
			}
			st := stats[top]
			if st == nil {
				st = &techStat{Worst: f.Severity}
				stats[top] = st
			}
			if id != top && !contains(st.Subs, id) {
				st.Subs = append(st.Subs, id)
				sort.Strings(st.Subs)
			}
			if seen[top] {
				continue
			}
			seen[top] = true
			st.Findings++
			st.Worst = max(st.Worst, f.Severity)
		}
	}
	return stats, sortedKeys(unknown)
}

// matrixCell is one technique in one tactic's column.
type matrixCell struct {
	ID, Name, URL string
	Hit           bool
	Worst         string // severity name, "" when no finding
	Findings      int
	Subs          string // sub-techniques found, space-separated
}

// matrixColumn is one tactic with its techniques, in matrix order.
type matrixColumn struct {
	ID, Name, URL string
	Cells         []matrixCell
	Hits          int
}

// buildMatrix lays the catalog out as ATLAS does, tactics as columns, and
// marks each technique cell with the worst finding that maps to it or to
// one of its sub-techniques. A technique under several tactics appears in
// each of their columns.
func buildMatrix(cat *atlas.Catalog, stats map[string]*techStat) []matrixColumn {
	var cols []matrixColumn
	for _, ta := range cat.TacticsInMatrixOrder() {
		col := matrixColumn{ID: ta.ID, Name: ta.Name, URL: ta.URL}
		for _, id := range ta.Techniques {
			t := cat.Technique(id)
			if t == nil {
				continue
			}
			c := matrixCell{ID: t.ID, Name: t.Name, URL: t.URL}
			if st := stats[t.ID]; st != nil {
				c.Hit, c.Worst, c.Findings, c.Subs = true, st.Worst.String(), st.Findings, strings.Join(st.Subs, " ")
				col.Hits++
			}
			col.Cells = append(col.Cells, c)
		}
		// Hits first, worst first, so the open techniques head the column;
		// then the catalog's order.
		sort.SliceStable(col.Cells, func(i, j int) bool {
			a, b := col.Cells[i], col.Cells[j]
			if a.Hit != b.Hit {
				return a.Hit
			}
			return a.Hit && stats[a.ID].Worst > stats[b.ID].Worst
		})
		cols = append(cols, col)
	}
	return cols
}

// mitigationRow is one line of the mitigation checklist.
type mitigationRow struct {
	ID, Name, URL string
	Status        string // result.Mitigation*
	Counters      []string
	Findings      int // findings that name the mitigation
	Evidence      []string
}

// checklist is the ATLAS mitigation checklist. With an assessment it is
// the assessment's: present, missing and not applicable, each with its
// evidence. Without one, nothing says which mitigations are in place, so
// only the missing ones can be stated honestly: those the findings name
// (a finding names the mitigation that would have prevented it). derived
// reports the second case.
func checklist(r *Report) (rows []mitigationRow, derived bool) {
	cat := r.catalog()
	counts := map[string]int{}
	counters := map[string]map[string]bool{}
	for _, f := range r.Result.Findings {
		ms := f.Mitigations
		if len(ms) == 0 && f.Rule != nil {
			ms = f.Rule.Mitigations
		}
		for _, m := range ms {
			counts[m]++
			if counters[m] == nil {
				counters[m] = map[string]bool{}
			}
			for _, t := range f.Techniques {
				counters[m][t] = true
			}
		}
	}
	named := func(id, fallback string) (string, string) {
		if m := cat.Mitigation(id); m != nil {
			return m.Name, m.URL
		}
		return fallback, atlas.BaseURL + "/mitigations/" + id
	}
	if a := r.Result.Assessment; a != nil {
		for _, m := range a.Mitigations {
			name, url := named(m.ID, m.Name)
			if m.Name != "" {
				name = m.Name
			}
			row := mitigationRow{ID: m.ID, Name: name, URL: url, Status: m.Status, Counters: m.Counters, Findings: counts[m.ID]}
			for _, e := range m.Evidence {
				row.Evidence = append(row.Evidence, e.Location.String()+": "+e.What)
			}
			rows = append(rows, row)
		}
		sortChecklist(rows)
		return rows, false
	}
	for id, n := range counts {
		name, url := named(id, "")
		rows = append(rows, mitigationRow{ID: id, Name: name, URL: url, Status: result.MitigationMissing,
			Counters: countered(cat, id, sortedKeys(counters[id])), Findings: n})
	}
	sortChecklist(rows)
	return rows, true
}

// countered keeps the techniques (or their parents) that ATLAS says the
// mitigation addresses: a finding names a mitigation for one of its
// techniques, not for all of them.
func countered(cat *atlas.Catalog, mitigation string, techniques []string) []string {
	m := cat.Mitigation(mitigation)
	if m == nil || len(m.Techniques) == 0 {
		return techniques
	}
	var out []string
	for _, t := range techniques {
		top, _ := topTechnique(cat, t)
		if contains(m.Techniques, t) || contains(m.Techniques, top) {
			out = append(out, t)
		}
	}
	return out
}

// sortChecklist puts missing mitigations first, the ones most findings
// name first among them, then present, then not applicable.
func sortChecklist(rows []mitigationRow) {
	rank := map[string]int{result.MitigationMissing: 0, result.MitigationPresent: 1, result.MitigationNotApplicable: 2}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if rank[a.Status] != rank[b.Status] {
			return rank[a.Status] < rank[b.Status]
		}
		if a.Findings != b.Findings {
			return a.Findings > b.Findings
		}
		if len(a.Counters) != len(b.Counters) {
			return len(a.Counters) > len(b.Counters)
		}
		return a.ID < b.ID
	})
}

// ranked orders findings as they are worth reading: most severe first,
// then those whose attack paths reach more impacts, then the usual order.
func ranked(fs []finding.Finding) []finding.Finding {
	out := append([]finding.Finding(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		return len(out[i].Reach) > len(out[j].Reach)
	})
	return out
}

// family is the rule family of a rule ID ("code" of "code/pickle-load").
func family(ruleID string) string {
	f, _, _ := strings.Cut(ruleID, "/")
	return f
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
