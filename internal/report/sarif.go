package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

// SARIF 2.1.0, the subset GitHub code scanning reads. Plain structs keep the
// output exactly what we mean and the dependency list short.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	toolURI      = "https://github.com/mlsec/mlsec"
	// fingerprintKey names our partialFingerprints entry; the version lets us
	// change the recipe without colliding with old alerts.
	fingerprintKey = "mlsecFingerprint/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                    `json:"tool"`
	Invocations        []sarifInvocation            `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactBase `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                `json:"results"`
}

type sarifArtifactBase struct {
	URI string `json:"uri"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifText       `json:"help"`
	HelpURI              string          `json:"helpUri,omitempty"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
	Phase            string   `json:"mlops-phase"`
	Techniques       []string `json:"atlas-techniques"`
	Mitigations      []string `json:"atlas-mitigations,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	CodeFlows           []sarifCodeFlow   `json:"codeFlows,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

// sarifCodeFlow is one attack path the result opens, as SARIF's code flow:
// code scanning shows each hop as a step with its file and line.
type sarifCodeFlow struct {
	Message     sarifText         `json:"message"`
	ThreadFlows []sarifThreadFlow `json:"threadFlows"`
}

type sarifThreadFlow struct {
	Locations []sarifThreadFlowLocation `json:"locations"`
}

type sarifThreadFlowLocation struct {
	Location sarifLocation `json:"location"`
}

type sarifLocation struct {
	ID               int           `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifLevel maps severities onto SARIF's three result levels.
func sarifLevel(s rule.Severity) string {
	switch {
	case s >= rule.High:
		return "error"
	case s == rule.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the CVSS-like score GitHub uses to label alerts
// critical (≥9), high (≥7), medium (≥4) or low.
func securitySeverity(s rule.Severity) string {
	return map[rule.Severity]string{rule.Critical: "9.5", rule.High: "8.0", rule.Medium: "5.5", rule.Low: "3.0", rule.Info: "0.0"}[s]
}

func precision(c rule.Confidence) string {
	return map[rule.Confidence]string{rule.HighConfidence: "high", rule.MediumConfidence: "medium", rule.LowConfidence: "low"}[c]
}

func init() { register("sarif", WriteSARIF) }

// MaxSARIFResults is the most results one SARIF run carries: GitHub code
// scanning rejects uploads with more than 25,000 results per run. The most
// severe are kept, and a notification says how many were left out.
const MaxSARIFResults = 25000

// WriteSARIF writes the scan as a SARIF 2.1.0 log. Suppressed and baselined
// findings are not in the result, so they are left out, not marked.
//
// GitHub reads the severity it shows from the rule's security-severity, not
// from the result. A rule reported at a severity other than its default
// (raised or lowered by what the evidence shows, or by rules.severity in the
// configuration) is therefore given a child rule, with SARIF's hierarchical
// ID "family/slug/severity", carrying that severity; its results point at
// it. Code scanning then shows the severity mlsec reported.
//
// Artifact URIs are relative to the scan root they were found under, with
// uriBaseId SRCROOT (ROOT2, ROOT3… for further roots) resolved in
// originalUriBaseIds, whatever form the path argument had.
func WriteSARIF(w io.Writer, r *Report) error {
	index := map[string]int{}
	var rules []sarifRule
	addRule := func(rl *rule.Rule, sev rule.Severity) string {
		id := rl.ID
		if sev != rl.Severity {
			id += "/" + sev.String()
		}
		if _, ok := index[id]; !ok {
			index[id] = len(rules)
			sr := sarifRuleFor(rl, r)
			if sev != rl.Severity {
				sr.ID, sr.Name = id, sr.Name+strings.ToUpper(sev.String()[:1])+sev.String()[1:]
				sr.ShortDescription.Text += " (" + sev.String() + ")"
				sr.DefaultConfiguration.Level = sarifLevel(sev)
				sr.Properties.SecuritySeverity = securitySeverity(sev)
			}
			rules = append(rules, sr)
		}
		return id
	}
	for _, rl := range r.Rules {
		addRule(rl, rl.Severity)
	}
	roots := newRoots(r.Result.Paths)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "mlsec", Version: numericVersion(r.SemanticVersion), SemanticVersion: r.SemanticVersion,
			InformationURI: toolURI}},
		OriginalURIBaseIDs: roots.bases(),
		Results:            []sarifResult{},
	}
	findings := r.Result.Findings // sorted most severe first
	capped := 0
	if len(findings) > MaxSARIFResults {
		capped = len(findings) - MaxSARIFResults
		findings = findings[:MaxSARIFResults]
	}
	opened := map[string][]result.AttackPath{} // by the fingerprint of the finding that opens them
	for _, p := range r.Result.AttackPaths {
		if len(p.Hops) > 0 && p.Hops[0].Finding != "" {
			opened[p.Hops[0].Finding] = append(opened[p.Hops[0].Finding], p)
		}
	}
	for _, f := range findings {
		if f.Rule == nil {
			return fmt.Errorf("sarif: finding of unknown rule %s", f.RuleID)
		}
		id := addRule(f.Rule, f.Severity)
		msg := f.Message
		if f.Location.Member != "" || f.Location.HasOff {
			msg += " (at " + f.Location.String() + ")"
		}
		if f.SeverityReason != "" {
			msg += "\nSeverity " + f.Severity.String() + ": " + f.SeverityReason
		}
		if f.Evidence != "" {
			msg += "\nEvidence: " + oneLine(f.Evidence, 300)
		}
		props := map[string]any{"severity": f.Severity.String(), "mlops-phase": string(f.Phase), "atlas-techniques": nonNilStrings(f.Techniques)}
		if f.Location.Member != "" {
			props["archive-member"] = f.Location.Member
		}
		if f.Location.HasOff {
			props["byte-offset"] = f.Location.Offset
		}
		if f.Location.Cell > 0 {
			props["notebook-cell"], props["notebook-cell-line"] = f.Location.Cell, f.Location.CellLine
		}
		var related []sarifLocation
		for i, rel := range f.Related {
			l := roots.loc(rel.Location)
			l.ID, l.Message = i+1, &sarifText{Text: rel.Message}
			related = append(related, l)
		}
		if len(f.Reach) > 0 {
			props["reach"] = f.Reach
		}
		var flows []sarifCodeFlow
		for _, p := range opened[f.Fingerprint] {
			tf := sarifThreadFlow{}
			for _, h := range p.Hops {
				if h.Location.Path == "" {
					continue
				}
				l := roots.loc(h.Location)
				l.Message = &sarifText{Text: h.Foothold + " on " + h.Asset + ": " + h.Message}
				tf.Locations = append(tf.Locations, sarifThreadFlowLocation{Location: l})
			}
			if len(tf.Locations) > 0 {
				flows = append(flows, sarifCodeFlow{Message: sarifText{Text: "attack path " + p.ID + ": " + p.Entry + " to " + p.Impact},
					ThreadFlows: []sarifThreadFlow{tf}})
			}
		}
		run.Results = append(run.Results, sarifResult{
			RuleID:              id,
			RuleIndex:           index[id],
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{Text: msg},
			Locations:           []sarifLocation{roots.loc(f.Location)},
			RelatedLocations:    related,
			PartialFingerprints: map[string]string{fingerprintKey: f.Fingerprint},
			CodeFlows:           flows,
			Properties:          props,
		})
	}
	run.Tool.Driver.Rules = rules
	inv := sarifInvocation{ExecutionSuccessful: !r.Incomplete()}
	if capped > 0 {
		inv.Notifications = append(inv.Notifications, sarifNotification{
			Level: "warning",
			Message: sarifText{Text: fmt.Sprintf("%d less severe results were left out: a SARIF run holds at most %d (GitHub code scanning's limit); use -f json for all %d",
				capped, MaxSARIFResults, len(r.Result.Findings))},
		})
	}
	for _, s := range r.Result.Failed {
		inv.Notifications = append(inv.Notifications, sarifNotification{
			Level:     "error",
			Message:   sarifText{Text: "not fully analyzed: " + s.Reason},
			Locations: []sarifLocation{roots.loc(finding.Location{Path: s.Path})},
		})
	}
	for _, s := range r.Result.NotAnalyzed {
		inv.Notifications = append(inv.Notifications, sarifNotification{
			Level:     "warning",
			Message:   sarifText{Text: "not analyzed: " + s.Reason},
			Locations: []sarifLocation{roots.loc(finding.Location{Path: s.Path})},
		})
	}
	run.Invocations = []sarifInvocation{inv}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleFor(rl *rule.Rule, r *Report) sarifRule {
	tags := []string{"security", "mlsec", "mlops-phase/" + string(rl.Phase)}
	for _, t := range rl.Techniques {
		tags = append(tags, "atlas/"+t)
	}
	full := rl.Summary
	if rl.Description != "" {
		full = rl.Description
	}
	var help, md strings.Builder
	fmt.Fprintf(&help, "%s\n\n%s\n\nFix: %s\n", rl.Summary, rl.Description, rl.Fix)
	fmt.Fprintf(&md, "**%s**\n\n%s\n\n**Fix:** %s\n\n**MLOps phase:** %s\n\n**MITRE ATLAS:**\n", rl.Summary, rl.Description, rl.Fix, rl.Phase.Title())
	for _, t := range rl.Techniques {
		name := ""
		if r.TechniqueName != nil {
			name = " " + r.TechniqueName(t)
		}
		fmt.Fprintf(&md, "- [%s%s](https://atlas.mitre.org/techniques/%s)\n", t, name, t)
	}
	if len(rl.References) > 0 {
		md.WriteString("\n**References:**\n")
		for _, u := range rl.References {
			fmt.Fprintf(&md, "- %s\n", u)
		}
	}
	helpURI := ""
	if len(rl.References) > 0 {
		helpURI = rl.References[0]
	}
	return sarifRule{
		ID:                   rl.ID,
		Name:                 ruleName(rl.ID),
		ShortDescription:     sarifText{Text: rl.Title},
		FullDescription:      sarifText{Text: full},
		Help:                 sarifText{Text: help.String(), Markdown: md.String()},
		HelpURI:              helpURI,
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(rl.Severity)},
		Properties: sarifRuleProps{
			Tags: tags, Precision: precision(rl.Confidence), SecuritySeverity: securitySeverity(rl.Severity),
			Phase: string(rl.Phase), Techniques: nonNilStrings(rl.Techniques), Mitigations: rl.Mitigations,
		},
	}
}

// ruleName turns "code/pickle-load" into "CodePickleLoad", the PascalCase
// name SARIF viewers show.
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '/' || r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// numericVersion is the dotted numbers of a semantic version ("1.4.0" of
// "1.4.0-rc.1+abc"), as SARIF consumers that compare versions expect;
// "0.0.0" when there are none.
func numericVersion(sem string) string {
	core, _, _ := strings.Cut(sem, "+")
	core, _, _ = strings.Cut(core, "-")
	for _, part := range strings.Split(core, ".") {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			return "0.0.0"
		}
	}
	return core
}

// scanRoots maps report paths back to the scan root they were found under.
type scanRoots struct {
	display []string // each root as reports show it (cleaned, slash-separated)
	dirs    []string // each root's directory, absolute: the root itself, or a file root's parent
	files   []bool   // the root is a single file
}

func newRoots(paths []string) *scanRoots {
	r := &scanRoots{}
	for _, p := range paths {
		if isURI(p) {
			// An object-store prefix is its own base: s3://bucket/prefix/.
			d := strings.TrimSuffix(p, "/")
			r.display, r.dirs, r.files = append(r.display, d), append(r.dirs, d), append(r.files, false)
			continue
		}
		d := filepath.ToSlash(filepath.Clean(p))
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = p
		}
		info, err := os.Stat(p)
		file := err == nil && !info.IsDir()
		if file {
			abs = filepath.Dir(abs)
		}
		r.display, r.dirs, r.files = append(r.display, d), append(r.dirs, filepath.ToSlash(abs)), append(r.files, file)
	}
	return r
}

func baseID(i int) string {
	if i == 0 {
		return "SRCROOT"
	}
	return fmt.Sprintf("ROOT%d", i+1)
}

// bases resolves each uriBaseId to its root directory as a file URI.
func (r *scanRoots) bases() map[string]sarifArtifactBase {
	if len(r.dirs) == 0 {
		return nil
	}
	out := map[string]sarifArtifactBase{}
	for i, d := range r.dirs {
		if isURI(d) {
			out[baseID(i)] = sarifArtifactBase{URI: objectURI(d + "/")}
			continue
		}
		out[baseID(i)] = sarifArtifactBase{URI: (&url.URL{Scheme: "file", Path: strings.TrimSuffix(d, "/") + "/"}).String()}
	}
	return out
}

// loc makes an artifact location relative to the root the path is under.
// Binary files get line 1, since GitHub needs a region to show an alert;
// the member and offset are in the message.
func (r *scanRoots) loc(l finding.Location) sarifLocation {
	reg := &sarifRegion{StartLine: max(l.Line, 1), StartColumn: l.Column}
	for i, d := range r.display {
		var rel string
		switch {
		case r.files[i] && l.Path == d:
			rel = path.Base(d)
		case d == ".":
			rel = strings.TrimPrefix(l.Path, "./")
			if path.IsAbs(rel) || strings.HasPrefix(rel, "../") {
				continue
			}
		case strings.HasPrefix(l.Path, d+"/"):
			rel = strings.TrimPrefix(l.Path, d+"/")
		case l.Path == d && isURI(d):
			// A single object was scanned: name it whole.
			return sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: objectURI(d)}, Region: reg}}
		case l.Path == d:
			rel = ""
		default:
			continue
		}
		return sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uriPath(rel), URIBaseID: baseID(i)}, Region: reg}}
	}
	art := sarifArtifact{URI: uriPath(l.Path), URIBaseID: "SRCROOT"}
	if path.IsAbs(l.Path) {
		art = sarifArtifact{URI: (&url.URL{Scheme: "file", Path: l.Path}).String()}
	}
	return sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: art, Region: reg}}
}

// isURI says a scanned path is an object-store location (s3://…, gs://…,
// azblob://…) rather than a local path.
func isURI(p string) bool {
	scheme, _, ok := strings.Cut(p, "://")
	return ok && scheme != "" && strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}

// objectURI escapes an object's URI for SARIF: keys are opaque and may hold
// spaces, '#' or '?'.
func objectURI(u string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	bucket, key, _ := strings.Cut(rest, "/")
	return (&url.URL{Scheme: scheme, Host: bucket, Path: "/" + key}).String()
}

func uriPath(p string) string {
	return (&url.URL{Path: strings.TrimPrefix(p, "./")}).EscapedPath()
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
