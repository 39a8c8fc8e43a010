package report

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

// The HTML report is one file with its stylesheet, script and pictures
// inline: it is mailed, attached to tickets and opened offline, so it
// loads nothing from the network (the page's Content-Security-Policy
// forbids it). Everything from the scanned files goes through
// html/template's contextual escaping; evidence is already redacted by
// the engine, and no file content beyond it is included.

//go:embed htmlreport/report.html.tmpl htmlreport/report.css htmlreport/report.js
var htmlAssets embed.FS

var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"pct": func(n, total int) int {
		if total == 0 {
			return 0
		}
		return n * 100 / total
	},
}).ParseFS(htmlAssets, "htmlreport/report.html.tmpl"))

// Limits that keep a report of a very large scan readable and small: the
// findings table is always complete; the pictures show the most important
// part and say how much they leave out.
const (
	htmlMaxLaneAssets = 40  // assets shown per phase lane
	htmlMaxGraphPaths = 12  // attack paths drawn in the graph
	htmlMaxChains     = 50  // attack paths listed hop by hop
	htmlMaxSkipped    = 200 // skipped files listed one by one
	htmlEvidenceMax   = 200 // runes of evidence per finding
	htmlChunkRows     = 200 // findings per block of the table (see report.css)
)

func init() { register("html", WriteHTML) }

// WriteHTML writes the self-contained HTML report: verdict and counts,
// the ATLAS matrix as a heat map, the MLOps phases as swim lanes of
// assets, attack paths as a graph and as chains, the findings table with
// search and filters, the rules reported (fix and ATLAS links), the
// mitigation checklist, the assessment when there is one, and the files
// that were skipped, not analyzed or inconclusive.
func WriteHTML(w io.Writer, r *Report) error {
	v, err := newHTMLView(r)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplate.Execute(bw, v); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return bw.Flush()
}

type htmlView struct {
	Version, Verdict string
	State            string // "fail", "incomplete" or "pass": the verdict banner's colour
	Paths            []string
	Total            int
	Severities       []sevCount
	Analyzed         int
	SkippedN         int
	Suppressed       int
	Baselined        int
	Baseline         string

	ATLASVersion string
	Matrix       []matrixColumn
	MatrixHits   int
	Unknown      []string

	Lanes []laneView

	AttackPaths []pathView
	PathsTotal  int
	Graph       template.HTML
	GraphShown  int
	Chokepoints []chokeView

	Findings     []findingRow
	Chunks       [][]findingRow // Findings in blocks of htmlChunkRows
	Families     []string
	Rules        []ruleView
	Checklist    []mitigationRow
	Derived      bool
	Assessment   *result.Assessment
	Failed       []source.Skip
	NotAnalyzed  []source.Skip
	Warnings     []source.Skip
	SkipReasons  []reasonView
	Skipped      []source.Skip
	SkippedMore  int
	Inconclusive []findingRow

	CSS template.CSS
	JS  template.JS
	// ScriptHash is the CSP source of the one script the page may run:
	// should a scanned string ever get past the escaping as markup, the
	// browser still runs no script of its.
	ScriptHash string
}

type sevCount struct {
	Name string
	N    int
}

type reasonView struct {
	Reason string
	N      int
}

type laneView struct {
	Phase, Title string
	Findings     int
	Severities   []sevCount
	Kinds        []kindView
	More         int
}

type kindView struct {
	Kind   string
	Assets []assetView
}

type assetView struct {
	ID, Name, Worst string
	Findings        int
}

type pathView struct {
	ID, Entry, Impact string
	Score             int
	Techniques        string
	Hops              []hopView
}

type hopView struct {
	Asset, Foothold, Via, Location, Message, Technique string
}

type chokeView struct {
	Asset   string
	Paths   int
	Impacts string
}

type findingRow struct {
	Sev, Rule, Anchor, Family, Phase, Location string
	Techniques, Message, Evidence, Reason      string
	Reach                                      string
	Related                                    []string
	Inconclusive                               bool
}

type ruleView struct {
	ID, Anchor, Title, Severity, Phase, Summary, Fix string
	Findings                                         int
	Techniques, Mitigations                          []linkView
	References                                       []string
}

type linkView struct {
	ID, Name, URL string
}

func newHTMLView(r *Report) (*htmlView, error) {
	res := r.Result
	cat := r.catalog()
	css, err := htmlAssets.ReadFile("htmlreport/report.css")
	if err != nil {
		return nil, err
	}
	js, err := htmlAssets.ReadFile("htmlreport/report.js")
	if err != nil {
		return nil, err
	}
	v := &htmlView{
		Version: r.Version, Verdict: verdict(r), Paths: res.Paths, Total: len(res.Findings),
		Analyzed: res.Analyzed, SkippedN: len(res.Skipped), Suppressed: res.Suppressed, Baselined: res.Baselined,
		Baseline: r.Baseline, ATLASVersion: cat.Version,
		Failed: res.Failed, NotAnalyzed: res.NotAnalyzed, Warnings: res.Warnings,
		CSS: template.CSS(css), JS: template.JS(js), //nolint:gosec // our own embedded files, not input
	}
	sum := sha256.Sum256(js)
	v.ScriptHash = "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	switch {
	case r.Incomplete():
		v.State = "incomplete"
	case r.Failing():
		v.State = "fail"
	default:
		v.State = "pass"
	}
	counts := Counts(res)
	for _, s := range rule.Severities() {
		v.Severities = append(v.Severities, sevCount{s.String(), counts[s]})
	}

	stats, unknown := techniqueStats(cat, res.Findings)
	v.Matrix, v.Unknown = buildMatrix(cat, stats), unknown
	for _, c := range v.Matrix {
		v.MatrixHits += c.Hits
	}

	assets := map[string]*finding.Asset{}
	for i := range res.Assets {
		assets[res.Assets[i].ID] = &res.Assets[i]
	}
	name := func(id string) string {
		if a := assets[id]; a != nil && a.Name != "" {
			return a.Name
		}
		return id
	}
	v.Lanes = lanes(res)

	v.PathsTotal = len(res.AttackPaths)
	for i, p := range res.AttackPaths {
		if i == htmlMaxChains {
			break
		}
		pv := pathView{ID: p.ID, Entry: p.Entry, Impact: p.Impact, Score: p.Score, Techniques: strings.Join(p.Techniques, " ")}
		for _, h := range p.Hops {
			pv.Hops = append(pv.Hops, hopView{Asset: name(h.Asset), Foothold: h.Foothold, Via: h.Via,
				Location: Escape(h.Location.String()), Message: Escape(h.Message), Technique: h.Technique})
		}
		v.AttackPaths = append(v.AttackPaths, pv)
	}
	graphPaths := res.AttackPaths
	if len(graphPaths) > htmlMaxGraphPaths {
		graphPaths = graphPaths[:htmlMaxGraphPaths]
	}
	v.GraphShown = len(graphPaths)
	v.Graph = pathGraph(graphPaths, name)
	for _, c := range res.Chokepoints {
		v.Chokepoints = append(v.Chokepoints, chokeView{Asset: name(c.Asset), Paths: c.Paths, Impacts: strings.Join(c.Impacts, ", ")})
	}

	families := map[string]bool{}
	ruleCount := map[string]int{}
	var rules []*rule.Rule
	for _, f := range res.Findings {
		row := findingRowOf(f)
		v.Findings = append(v.Findings, row)
		if f.Inconclusive {
			v.Inconclusive = append(v.Inconclusive, row)
		}
		families[row.Family] = true
		if ruleCount[f.RuleID] == 0 && f.Rule != nil {
			rules = append(rules, f.Rule)
		}
		ruleCount[f.RuleID]++
	}
	for i := 0; i < len(v.Findings); i += htmlChunkRows {
		v.Chunks = append(v.Chunks, v.Findings[i:min(i+htmlChunkRows, len(v.Findings))])
	}
	v.Families = sortedKeys(families)
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	for _, rl := range rules {
		rv := ruleView{ID: rl.ID, Anchor: ruleAnchor(rl.ID), Title: rl.Title, Severity: rl.Severity.String(), Phase: rl.Phase.Title(),
			Summary: rl.Summary, Fix: rl.Fix, Findings: ruleCount[rl.ID], References: rl.References}
		for _, t := range rl.Techniques {
			lv := linkView{ID: t, URL: atlasURL(cat, t)}
			if o := cat.Technique(t); o != nil {
				lv.Name = o.Name
			}
			rv.Techniques = append(rv.Techniques, lv)
		}
		for _, m := range rl.Mitigations {
			lv := linkView{ID: m, URL: "https://atlas.mitre.org/mitigations/" + m}
			if o := cat.Mitigation(m); o != nil {
				lv.Name, lv.URL = o.Name, o.URL
			}
			rv.Mitigations = append(rv.Mitigations, lv)
		}
		v.Rules = append(v.Rules, rv)
	}

	v.Checklist, v.Derived = checklist(r)
	v.Assessment = res.Assessment

	for _, rc := range skipReasons(res) {
		v.SkipReasons = append(v.SkipReasons, reasonView{Reason: rc.reason, N: rc.n})
	}
	v.Skipped = res.Skipped
	if len(v.Skipped) > htmlMaxSkipped {
		v.SkippedMore = len(v.Skipped) - htmlMaxSkipped
		v.Skipped = v.Skipped[:htmlMaxSkipped]
	}
	return v, nil
}

func findingRowOf(f finding.Finding) findingRow {
	row := findingRow{
		Sev: f.Severity.String(), Rule: f.RuleID, Anchor: ruleAnchor(f.RuleID), Family: family(f.RuleID),
		Phase: string(f.Phase), Location: Escape(f.Location.String()), Techniques: strings.Join(f.Techniques, " "),
		Message: Escape(f.Message), Evidence: Escape(oneLine(f.Evidence, htmlEvidenceMax)), Reason: Escape(f.SeverityReason),
		Reach: strings.Join(f.Reach, ", "), Inconclusive: f.Inconclusive,
	}
	for _, rel := range f.Related {
		row.Related = append(row.Related, Escape(rel.Location.String()+": "+rel.Message))
	}
	return row
}

// ruleAnchor is the fragment of a rule's entry in the report.
func ruleAnchor(id string) string { return "rule-" + strings.ReplaceAll(id, "/", "-") }

// assetPhase is the MLOps phase an asset kind belongs to when no finding
// says otherwise, after the domain model's phases: setup holds credentials
// and the toolchain; development holds data, training and models;
// operations holds CI/CD, images and serving.
var assetPhase = map[finding.AssetKind]rule.Phase{
	finding.AssetCredential:   rule.Design,
	finding.AssetExternal:     rule.Design,
	finding.AssetDataStore:    rule.Development,
	finding.AssetDataset:      rule.Development,
	finding.AssetPipelineStep: rule.Development,
	finding.AssetModel:        rule.Development,
	finding.AssetRegistry:     rule.Development,
	finding.AssetWorkflow:     rule.Operations,
	finding.AssetImage:        rule.Operations,
	finding.AssetEndpoint:     rule.Operations,
}

// lanes puts each asset in the phase of most of the findings that touch
// it, or its kind's phase, and colours it by its worst finding. Assets with
// findings come first in each lane.
func lanes(res *result.Result) []laneView {
	type tally struct {
		worst    rule.Severity
		findings int
		phases   map[rule.Phase]int
	}
	per := map[string]*tally{}
	laneSev := map[rule.Phase]map[rule.Severity]int{}
	for _, f := range res.Findings {
		if laneSev[f.Phase] == nil {
			laneSev[f.Phase] = map[rule.Severity]int{}
		}
		laneSev[f.Phase][f.Severity]++
		for _, id := range f.Assets {
			t := per[id]
			if t == nil {
				t = &tally{worst: f.Severity, phases: map[rule.Phase]int{}}
				per[id] = t
			}
			t.worst = max(t.worst, f.Severity)
			t.findings++
			t.phases[f.Phase]++
		}
	}
	byPhase := map[rule.Phase][]assetView{}
	kindOf := map[string]finding.AssetKind{}
	for _, a := range res.Assets {
		phase := assetPhase[a.Kind]
		av := assetView{ID: a.ID, Name: Escape(a.Name)}
		if t := per[a.ID]; t != nil {
			av.Worst, av.Findings = t.worst.String(), t.findings
			best := -1
			for _, p := range rule.Phases() {
				if t.phases[p] > best {
					phase, best = p, t.phases[p]
				}
			}
		}
		if phase == "" {
			phase = rule.Development
		}
		kindOf[a.ID] = a.Kind
		byPhase[phase] = append(byPhase[phase], av)
	}
	var out []laneView
	for _, p := range rule.Phases() {
		lv := laneView{Phase: string(p), Title: p.Title()}
		for _, s := range rule.Severities() {
			if n := laneSev[p][s]; n > 0 {
				lv.Severities = append(lv.Severities, sevCount{s.String(), n})
				lv.Findings += n
			}
		}
		list := byPhase[p]
		sort.SliceStable(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if (a.Findings > 0) != (b.Findings > 0) {
				return a.Findings > 0
			}
			if a.Findings > 0 && per[a.ID].worst != per[b.ID].worst {
				return per[a.ID].worst > per[b.ID].worst
			}
			return a.Name < b.Name
		})
		if len(list) > htmlMaxLaneAssets {
			lv.More = len(list) - htmlMaxLaneAssets
			list = list[:htmlMaxLaneAssets]
		}
		kinds := map[finding.AssetKind][]assetView{}
		for _, a := range list {
			kinds[kindOf[a.ID]] = append(kinds[kindOf[a.ID]], a)
		}
		for _, k := range sortedKeys(stringKeyed(kinds)) {
			lv.Kinds = append(lv.Kinds, kindView{Kind: k, Assets: kinds[finding.AssetKind(k)]})
		}
		out = append(out, lv)
	}
	return out
}

func stringKeyed[V any](m map[finding.AssetKind]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[string(k)] = v
	}
	return out
}
