package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
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

// WriteText writes findings for people: most severe first across all
// phases, each with its phase, location, explanation, ATLAS techniques and
// fix (one line each with Compact); then the files that were not analyzed,
// and a summary line that says why the exit code is what it is.
//
// Everything taken from the scanned files (paths, archive member names,
// messages quoting evidence) is escaped: a file name can carry terminal
// escape sequences that would otherwise rewrite the report on screen.
func WriteText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	p := textPrinter{w: bw, color: r.Color, width: r.Width}
	res := r.Result
	for _, f := range res.Findings {
		if r.Compact {
			p.compact(f)
		} else {
			p.finding(f, r)
		}
	}
	if r.Compact && len(res.Findings) > 0 {
		p.printf("\n")
	}
	p.pathsSummary(r)
	p.files("Not fully analyzed (the scan is incomplete):", res.Failed, ansiBold)
	what := "Not analyzed (add --strict to fail the scan on these):"
	if r.Strict {
		what = "Not analyzed (the scan is incomplete: --strict):"
	}
	p.files(what, res.NotAnalyzed, ansiBold)
	p.files("Warnings:", res.Warnings, ansiBold)
	if len(res.Skipped) > 0 {
		p.printf("%s\n", p.style(ansiDim, fmt.Sprintf("Skipped %s (-f json lists each):", plural(len(res.Skipped), "path", "paths"))))
		for _, rc := range skipReasons(res) {
			p.printf("%s\n", p.style(ansiDim, fmt.Sprintf("  %5d  %s", rc.n, Escape(rc.reason))))
		}
		p.printf("\n")
	}
	p.printf("%s\n", summaryLine(r))
	return bw.Flush()
}

type textPrinter struct {
	w     *bufio.Writer
	color bool
	width int
}

func (p textPrinter) printf(format string, a ...any) { fmt.Fprintf(p.w, format, a...) }

func (p textPrinter) style(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + ansiReset
}

// field prints "  label text", wrapping text at the printer's width with
// the continuation lines indented under the text.
func (p textPrinter) field(label, text string) {
	indent := "  "
	first := indent
	if label != "" {
		first += p.style(ansiDim, label) + " "
	}
	hang := len(indent)
	if label != "" {
		hang += utf8.RuneCountInString(label) + 1
	}
	lines := wrap(text, p.width-hang)
	p.printf("%s%s\n", first, lines[0])
	for _, l := range lines[1:] {
		p.printf("%s%s\n", strings.Repeat(" ", hang), l)
	}
}

func (p textPrinter) finding(f finding.Finding, r *Report) {
	sev := fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String()))
	p.printf("%s %s  %s  %s\n", p.style(severityColor[f.Severity], sev), p.style(ansiBold, f.RuleID),
		Escape(f.Location.String()), p.style(ansiDim, string(f.Phase)))
	p.field("", Escape(f.Message))
	if f.SeverityReason != "" {
		p.field("severity:", Escape(f.SeverityReason))
	}
	for _, rel := range f.Related {
		p.field("also:", Escape(rel.Location.String()+": "+rel.Message))
	}
	if f.Evidence != "" {
		p.field("evidence:", Escape(oneLine(f.Evidence, 160)))
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
		p.field("ATLAS:", strings.Join(names, "; "))
	}
	if f.Rule != nil && f.Rule.Fix != "" {
		p.field("fix:", f.Rule.Fix)
	}
	p.printf("\n")
}

// compact prints one finding on one line: severity, rule, place, message.
func (p textPrinter) compact(f finding.Finding) {
	line := fmt.Sprintf("%-8s %s %s %s", strings.ToUpper(f.Severity.String()), f.RuleID, Escape(f.Location.String()), Escape(oneLine(f.Message, 200)))
	if p.width > 0 {
		line = truncate(line, p.width)
	}
	p.printf("%s\n", p.style(severityColor[f.Severity], line[:8])+line[8:])
}

func (p textPrinter) files(title string, l []source.Skip, style string) {
	if len(l) == 0 {
		return
	}
	p.printf("%s\n", p.style(style, title))
	for _, s := range l {
		p.field("", Escape(s.Path+": "+s.Reason))
	}
	p.printf("\n")
}

// summaryLine is the last line of text output, also printed by other
// formats to stderr. It ends with the verdict: the exit code and its reason.
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
	if len(res.NotAnalyzed) > 0 {
		line += fmt.Sprintf(", %d not analyzed", len(res.NotAnalyzed))
	}
	line += fmt.Sprintf(", %d skipped", len(res.Skipped))
	if res.Suppressed > 0 {
		line += fmt.Sprintf("; %d suppressed inline", res.Suppressed)
	}
	if res.Baselined > 0 {
		line += fmt.Sprintf("; %d in baseline", res.Baselined)
	}
	line += fmt.Sprintf(" · %.2fs · %s", res.Duration.Seconds(), verdict(r))
	return line
}

// verdict says what the exit code will be, and why.
func verdict(r *Report) string {
	code := r.ExitCode()
	switch {
	case code == ExitIncomplete && r.Result.Incomplete():
		return fmt.Sprintf("exit %d: %s could not be fully analyzed", code, plural(len(r.Result.Failed), "file", "files"))
	case code == ExitIncomplete:
		return fmt.Sprintf("exit %d: %s not analyzed (--strict)", code, plural(len(r.Result.NotAnalyzed), "file", "files"))
	case r.WritingBaseline:
		return fmt.Sprintf("exit %d: findings recorded in the baseline", code)
	case r.NoFail:
		return fmt.Sprintf("exit %d: --fail-on none", code)
	case code == ExitFindings:
		n := 0
		for _, f := range r.Result.Findings {
			if f.Severity >= r.FailOn {
				n++
			}
		}
		return fmt.Sprintf("exit %d: %s at or above %s (--fail-on)", code, plural(n, "finding", "findings"), r.FailOn)
	}
	return fmt.Sprintf("exit %d: nothing at or above %s (--fail-on)", code, r.FailOn)
}

// Summary is the one-line summary of a scan.
func Summary(r *Report) string { return summaryLine(r) }

// oneLine folds whitespace and shortens s to at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	return truncate(s, n)
}

func truncate(s string, n int) string {
	if rs := []rune(s); n > 1 && len(rs) > n {
		return string(rs[:n-1]) + "…"
	}
	return s
}

// Escape makes text from scanned files safe to print on a terminal:
// control characters (ESC, BEL, carriage return, backspace, C1 controls,
// bidirectional overrides that reorder what is shown) become Go-style
// escapes, so a hostile file name cannot move the cursor, recolour or hide
// the report. Newlines and tabs are kept.
func Escape(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !needsEscape(r) {
			b.WriteRune(r)
			continue
		}
		q := fmt.Sprintf("%+q", string(r))
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

func needsEscape(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	if r == utf8.RuneError {
		return true
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// wrap breaks text into lines of at most width runes at spaces; a word
// longer than the width stands on its own line. width <= 0 does not wrap.
func wrap(text string, width int) []string {
	if width <= 20 {
		return []string{text}
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			switch {
			case line == "":
				line = w
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width:
				out = append(out, line)
				line = w
			default:
				line += " " + w
			}
		}
		out = append(out, line)
	}
	return out
}
