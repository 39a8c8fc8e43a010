package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
)

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

var severityColor = map[rule.Severity]string{
	rule.Critical: "\x1b[1;97;41m",
	rule.High:     "\x1b[1;31m",
	rule.Medium:   "\x1b[1;33m",
	rule.Low:      "\x1b[36m",
	rule.Info:     "\x1b[2m",
}

func init() { register("text", WriteText) }

// WriteText writes findings for people: grouped by MLOps phase, most severe
// first, each with its location, explanation, ATLAS techniques and fix;
// then files that could not be analyzed, and a summary line.
func WriteText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	p := textPrinter{w: bw, color: r.Color}
	res := r.Result
	for _, phase := range rule.Phases() {
		var fs []finding.Finding
		for _, f := range res.Findings {
			if f.Phase == phase {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		p.printf("%s\n\n", p.style(ansiBold, fmt.Sprintf("── %s (%s) ── %s", phase.Title(), phase, plural(len(fs), "finding", "findings"))))
		for _, f := range fs {
			p.finding(f, r)
		}
	}
	var other []finding.Finding
	for _, f := range res.Findings {
		if !f.Phase.Valid() {
			other = append(other, f)
		}
	}
	if len(other) > 0 {
		p.printf("%s\n\n", p.style(ansiBold, "── Other ──"))
		for _, f := range other {
			p.finding(f, r)
		}
	}
	if len(res.Failed) > 0 {
		p.printf("%s\n", p.style(ansiBold, "Not fully analyzed (the scan is incomplete):"))
		for _, s := range res.Failed {
			p.printf("  %s: %s\n", s.Path, s.Reason)
		}
		p.printf("\n")
	}
	if len(res.Warnings) > 0 {
		p.printf("%s\n", p.style(ansiBold, "Warnings:"))
		for _, s := range res.Warnings {
			p.printf("  %s: %s\n", s.Path, s.Reason)
		}
		p.printf("\n")
	}
	if len(res.Skipped) > 0 {
		p.printf("%s\n", p.style(ansiDim, fmt.Sprintf("Skipped %s (-f json lists each):", plural(len(res.Skipped), "path", "paths"))))
		for _, rc := range skipReasons(res) {
			p.printf("%s\n", p.style(ansiDim, fmt.Sprintf("  %5d  %s", rc.n, rc.reason)))
		}
		p.printf("\n")
	}
	p.printf("%s\n", summaryLine(r))
	return bw.Flush()
}

type textPrinter struct {
	w     *bufio.Writer
	color bool
}

func (p textPrinter) printf(format string, a ...any) { fmt.Fprintf(p.w, format, a...) }

func (p textPrinter) style(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + ansiReset
}

func (p textPrinter) finding(f finding.Finding, r *Report) {
	sev := fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String()))
	p.printf("%s %s  %s\n", p.style(severityColor[f.Severity], sev), p.style(ansiBold, f.RuleID), f.Location.String())
	p.printf("  %s\n", f.Message)
	if f.Evidence != "" {
		p.printf("  %s %s\n", p.style(ansiDim, "evidence:"), oneLine(f.Evidence, 160))
	}
	if len(f.Techniques) > 0 {
		names := make([]string, len(f.Techniques))
		for i, id := range f.Techniques {
			names[i] = id
			if r.TechniqueName != nil {
				if n := r.TechniqueName(id); n != "" {
					names[i] = id + " " + n
				}
			}
		}
		p.printf("  %s %s\n", p.style(ansiDim, "ATLAS:"), strings.Join(names, "; "))
	}
	if f.Rule != nil && f.Rule.Fix != "" {
		p.printf("  %s %s\n", p.style(ansiDim, "fix:"), f.Rule.Fix)
	}
	p.printf("\n")
}

// summaryLine is the last line of text output, also printed by other
// formats to stderr when it is a terminal.
func summaryLine(r *Report) string {
	res := r.Result
	counts := Counts(res)
	var parts []string
	for _, s := range rule.Severities() {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	line := plural(len(res.Findings), "finding", "findings")
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	line += fmt.Sprintf(" in %s analyzed", plural(res.Analyzed, "file", "files"))
	if len(res.Failed) > 0 {
		line += fmt.Sprintf(", %d not fully analyzed", len(res.Failed))
	}
	line += fmt.Sprintf(", %d skipped", len(res.Skipped))
	if res.Suppressed > 0 {
		line += fmt.Sprintf("; %d suppressed inline", res.Suppressed)
	}
	if res.Baselined > 0 {
		line += fmt.Sprintf("; %d in baseline", res.Baselined)
	}
	line += fmt.Sprintf(" · %.2fs", res.Duration.Seconds())
	return line
}

// Summary is the one-line summary of a scan.
func Summary(r *Report) string { return summaryLine(r) }

// oneLine folds whitespace and shortens s to at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if rs := []rune(s); len(rs) > n {
		return string(rs[:n-1]) + "…"
	}
	return s
}
