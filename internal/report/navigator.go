package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/atlas"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
)

// The ATLAS Navigator is MITRE's ATT&CK Navigator loaded with the ATLAS
// matrix; it reads layer files in the ATT&CK Navigator layer format, with
// domain "atlas-atlas". The version numbers are those of the layers MITRE
// publishes for ATLAS itself: the ATLAS Navigator runs Navigator 4.6 and
// reads layer format 4.3, and newer Navigators upgrade 4.3 layers.
const (
	NavigatorDomain       = "atlas-atlas"
	NavigatorLayerVersion = "4.3"
	NavigatorVersion      = "4.6.4"
	// navigatorCommentMax bounds one technique's comment: the Navigator
	// shows it in a tooltip, and a scan with thousands of findings on one
	// technique would otherwise make the layer megabytes long.
	navigatorCommentMax = 25
)

// NavigatorLayer is a Navigator layer file.
type NavigatorLayer struct {
	Name         string                `json:"name"`
	Versions     NavigatorVersions     `json:"versions"`
	Domain       string                `json:"domain"`
	Description  string                `json:"description"`
	Sorting      int                   `json:"sorting"`
	HideDisabled bool                  `json:"hideDisabled"`
	Techniques   []NavigatorTechnique  `json:"techniques"`
	Gradient     NavigatorGradient     `json:"gradient"`
	LegendItems  []NavigatorLegendItem `json:"legendItems"`
	Metadata     []NavigatorMetadata   `json:"metadata"`
}

// NavigatorVersions says which layer format and Navigator the layer is for.
type NavigatorVersions struct {
	Layer     string `json:"layer"`
	Navigator string `json:"navigator"`
}

// NavigatorTechnique annotates one technique or sub-technique.
type NavigatorTechnique struct {
	TechniqueID       string              `json:"techniqueID"`
	Score             *int                `json:"score,omitempty"`
	Color             string              `json:"color,omitempty"`
	Comment           string              `json:"comment,omitempty"`
	Enabled           bool                `json:"enabled"`
	ShowSubtechniques bool                `json:"showSubtechniques,omitempty"`
	Metadata          []NavigatorMetadata `json:"metadata,omitempty"`
	Links             []NavigatorLink     `json:"links,omitempty"`
}

// NavigatorGradient maps scores to colours.
type NavigatorGradient struct {
	Colors   []string `json:"colors"`
	MinValue int      `json:"minValue"`
	MaxValue int      `json:"maxValue"`
}

// NavigatorLegendItem is one entry of the layer's legend.
type NavigatorLegendItem struct {
	Label string `json:"label"`
	Color string `json:"color"`
}

// NavigatorMetadata is a name/value pair shown with the layer or technique.
type NavigatorMetadata struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// NavigatorLink is a link shown in a technique's context menu.
type NavigatorLink struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

func init() { register("navigator", WriteNavigator) }

// WriteNavigator writes an ATLAS Navigator layer: one technique entry per
// technique or sub-technique the findings name, scored and coloured by the
// worst finding (critical 100, high 75, medium 50, low 25, info 10), with
// a comment listing the findings. A parent technique of a sub-technique
// found is written with showSubtechniques so that the Navigator opens it.
// Technique IDs the catalog does not know are left out of the layer (the
// Navigator would reject them) and named in its description.
func WriteNavigator(w io.Writer, r *Report) error {
	cat := r.catalog()
	type entry struct {
		worst rule.Severity
		fs    []finding.Finding
	}
	entries := map[string]*entry{}
	parents := map[string]bool{}
	unknown := map[string]bool{}
	for _, f := range r.Result.Findings {
		for _, id := range f.Techniques {
			t := cat.Technique(id)
			if t == nil {
				unknown[id] = true
				continue
			}
			e := entries[t.ID]
			if e == nil {
				e = &entry{worst: f.Severity}
				entries[t.ID] = e
			}
			e.worst = max(e.worst, f.Severity)
			e.fs = append(e.fs, f)
			if t.Parent != "" {
				parents[t.Parent] = true
			}
		}
	}
	layer := NavigatorLayer{
		Name:        "mlsec scan",
		Versions:    NavigatorVersions{Layer: NavigatorLayerVersion, Navigator: NavigatorVersion},
		Domain:      NavigatorDomain,
		Description: navigatorDescription(r, sortedKeys(unknown)),
		Sorting:     3, // descending score: the worst technique heads each tactic
		Techniques:  []NavigatorTechnique{},
		Gradient:    NavigatorGradient{Colors: []string{"#ffffff", severityHex[rule.Medium], severityHex[rule.Critical]}, MinValue: 0, MaxValue: 100},
		Metadata: []NavigatorMetadata{
			{Name: "generated_by", Value: "mlsec " + r.Version},
			{Name: "atlas_data_version", Value: cat.Version},
			{Name: "findings", Value: fmt.Sprint(len(r.Result.Findings))},
		},
	}
	if len(r.Result.Paths) > 0 {
		layer.Metadata = append(layer.Metadata, NavigatorMetadata{Name: "scanned", Value: strings.Join(r.Result.Paths, ", ")})
	}
	for _, s := range rule.Severities() {
		layer.LegendItems = append(layer.LegendItems, NavigatorLegendItem{Label: s.String(), Color: severityHex[s]})
	}
	ids := sortedKeys(entries)
	for p := range parents {
		if entries[p] == nil {
			ids = append(ids, p)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		t := cat.Technique(id)
		nt := NavigatorTechnique{TechniqueID: id, Enabled: true, ShowSubtechniques: parents[id]}
		if t.URL != "" {
			nt.Links = []NavigatorLink{{Label: id + " " + t.Name, URL: t.URL}}
		}
		if e := entries[id]; e != nil {
			score := severityScore(e.worst)
			nt.Score, nt.Color = &score, severityHex[e.worst]
			nt.Comment = navigatorComment(e.fs)
			nt.Metadata = []NavigatorMetadata{{Name: "findings", Value: fmt.Sprint(len(e.fs))}, {Name: "worst", Value: e.worst.String()}}
		}
		layer.Techniques = append(layer.Techniques, nt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(layer)
}

func navigatorDescription(r *Report, unknown []string) string {
	var parts []string
	counts := Counts(r.Result)
	for _, s := range rule.Severities() {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	d := "ATLAS techniques of the findings of an mlsec scan"
	if len(parts) > 0 {
		d += " (" + strings.Join(parts, ", ") + ")"
	}
	d += "; a technique's score and colour are its worst finding's severity."
	if len(unknown) > 0 {
		d += " Not in this ATLAS version, left out: " + strings.Join(unknown, ", ") + "."
	}
	return d
}

// navigatorComment lists a technique's findings, one a line, most severe
// first, at most navigatorCommentMax of them.
func navigatorComment(fs []finding.Finding) string {
	var b strings.Builder
	for i, f := range fs {
		if i == navigatorCommentMax {
			fmt.Fprintf(&b, "… and %d more (see the full report)", len(fs)-i)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s %s %s: %s", strings.ToUpper(f.Severity.String()), f.RuleID, f.Location.String(), oneLine(f.Message, 160))
	}
	return b.String()
}

// atlasURL is the ATLAS page of a technique the catalog may not know.
func atlasURL(cat *atlas.Catalog, id string) string {
	if t := cat.Technique(id); t != nil && t.URL != "" {
		return t.URL
	}
	return atlas.BaseURL + "/techniques/" + id
}
