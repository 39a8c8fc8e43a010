package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

// MarkdownLimit is the most characters the Markdown summary holds: GitHub
// rejects pull-request comments longer than 65,536 characters, and a step
// summary is shown only up to 1 MiB. Bytes are counted, which is never
// fewer than characters, with room to spare for the closing note.
const MarkdownLimit = 65536

// markdownTop is how many findings the summary lists when there is room.
const markdownTop = 50

func init() { register("markdown", WriteMarkdown) }

// WriteMarkdown writes a summary for a pull-request comment or
// $GITHUB_STEP_SUMMARY: the verdict, counts by severity and phase, the
// findings most worth reading (most severe first, then those whose attack
// paths reach most), the attack paths, the mitigations findings call for,
// and the files that were not analyzed. It never grows past MarkdownLimit:
// what does not fit is cut at a row boundary and a note says how much was
// left out and which format has it all.
//
// With a baseline, the findings the scan reports are exactly the ones not
// in it, so the list is headed "new since the baseline" and the count of
// baselined findings is given; without one, it says that nothing is known
// of what is new.
//
// Text from scanned files is escaped so that it cannot break the tables,
// inject HTML or links, or mention people (@name) in a comment.
func WriteMarkdown(w io.Writer, r *Report) error {
	res := r.Result
	var head strings.Builder
	icon := "✅"
	switch {
	case r.Incomplete():
		icon = "⚠️"
	case r.Failing():
		icon = "❌"
	}
	fmt.Fprintf(&head, "## %s mlsec: %s\n\n", icon, plural(len(res.Findings), "finding", "findings"))
	fmt.Fprintf(&head, "**Verdict:** %s\n\n", mdEscape(verdict(r)))

	head.WriteString("| Severity | Findings |\n| --- | ---: |\n")
	counts := Counts(res)
	for _, s := range rule.Severities() {
		fmt.Fprintf(&head, "| %s | %d |\n", s, counts[s])
	}
	head.WriteString("\n| MLOps phase | Findings |\n| --- | ---: |\n")
	byPhase := map[rule.Phase]int{}
	for _, f := range res.Findings {
		byPhase[f.Phase]++
	}
	for _, p := range rule.Phases() {
		fmt.Fprintf(&head, "| %s | %d |\n", p.Title(), byPhase[p])
	}
	fmt.Fprintf(&head, "\n%s analyzed, %d skipped", plural(res.Analyzed, "file", "files"), len(res.Skipped))
	if res.Suppressed > 0 {
		fmt.Fprintf(&head, ", %d findings suppressed inline", res.Suppressed)
	}
	head.WriteString(".\n\n")

	b := &mdBudget{limit: MarkdownLimit - len(mdTruncNote(0, 0)) - 64}
	b.add(head.String())

	title := "Top findings"
	switch {
	case r.Baseline != "":
		title = "New since the baseline"
		b.add(fmt.Sprintf("### %s (%d)\n\n", title, len(res.Findings)))
		b.add(fmt.Sprintf("Compared with the baseline `%s`: %s already in it %s not shown.\n\n",
			mdCode(r.Baseline), plural(res.Baselined, "finding", "findings"), map[bool]string{true: "is", false: "are"}[res.Baselined == 1]))
	default:
		b.add(fmt.Sprintf("### %s\n\n", title))
		b.add("No baseline was given, so every finding is listed, not only new ones (`--baseline FILE` shows only those new since it).\n\n")
	}
	top := ranked(res.Findings)
	shown := 0
	if len(top) > 0 {
		b.add("| Severity | Rule | Location | Finding |\n| --- | --- | --- | --- |\n")
		for _, f := range top {
			if shown == markdownTop || !b.add(mdFindingRow(f, r)) {
				break
			}
			shown++
		}
		b.add("\n")
		if shown < len(top) {
			b.add(fmt.Sprintf("%d more %s not listed here; the full list is in `-f html`, `-f json` or `-f sarif` output.\n\n",
				len(top)-shown, map[bool]string{true: "is", false: "are"}[len(top)-shown == 1]))
		}
	} else {
		b.add("None.\n\n")
	}

	if len(res.AttackPaths) > 0 {
		b.add(fmt.Sprintf("### Attack paths (%d)\n\n", len(res.AttackPaths)))
		for i, p := range res.AttackPaths {
			if i == 10 || !b.add(mdPath(p, res)) {
				b.add(fmt.Sprintf("\n%d more in the HTML and JSON reports.\n", len(res.AttackPaths)-i))
				break
			}
		}
		b.add("\n")
	}

	rows, derived := checklist(r)
	var missing []mitigationRow
	for _, m := range rows {
		if m.Status == result.MitigationMissing {
			missing = append(missing, m)
		}
	}
	if len(missing) > 0 {
		b.add("### ATLAS mitigations missing\n\n")
		if derived {
			b.add("Named by the findings; `mlsec assess` also says which are in place.\n\n")
		}
		b.add("| Mitigation | Findings | Counters |\n| --- | ---: | --- |\n")
		for _, m := range missing {
			counters := strings.Join(m.Counters, ", ")
			if counters == "" {
				counters = "—"
			}
			row := fmt.Sprintf("| [%s](%s) %s | %d | %s |\n", m.ID, m.URL, mdEscape(m.Name), m.Findings, counters)
			if !b.add(row) {
				break
			}
		}
		b.add("\n")
	}

	if len(res.Failed)+len(res.NotAnalyzed) > 0 {
		b.add("### Not analyzed\n\n")
		for _, s := range res.Failed {
			if !b.add(fmt.Sprintf("- `%s`: %s (the scan is incomplete)\n", mdCode(s.Path), mdEscape(s.Reason))) {
				break
			}
		}
		for _, s := range res.NotAnalyzed {
			if !b.add(fmt.Sprintf("- `%s`: %s\n", mdCode(s.Path), mdEscape(s.Reason))) {
				break
			}
		}
		b.add("\n")
	}
	b.sb.WriteString(fmt.Sprintf("<sub>mlsec %s</sub>\n", mdEscape(r.Version)))
	if b.cut > 0 {
		b.sb.WriteString(mdTruncNote(b.cut, len(res.Findings)))
	}
	_, err := io.WriteString(w, b.sb.String())
	return err
}

// mdBudget builds the summary within a size limit: once a part does not
// fit, no later part is added either, so the summary is a clean prefix.
type mdBudget struct {
	sb    strings.Builder
	limit int
	cut   int // parts left out
}

func (b *mdBudget) add(s string) bool {
	if b.cut > 0 || b.sb.Len()+len(s) > b.limit {
		b.cut++
		return false
	}
	b.sb.WriteString(s)
	return true
}

func mdTruncNote(cut, findings int) string {
	return fmt.Sprintf("\n> [!NOTE]\n> This summary was cut to stay within GitHub's 65,536-character comment limit (%d parts left out). All %d findings are in the `-f html`, `-f json` and `-f sarif` reports.\n", cut, findings)
}

func mdFindingRow(f finding.Finding, r *Report) string {
	msg := mdEscape(oneLine(f.Message, 240))
	if f.Evidence != "" {
		msg += " — `" + mdCode(oneLine(f.Evidence, 80)) + "`"
	}
	if len(f.Reach) > 0 {
		msg += " · reaches " + mdEscape(strings.Join(f.Reach, ", "))
	}
	if f.Inconclusive {
		msg += " · inconclusive"
	}
	var techs []string
	for _, t := range f.Techniques {
		techs = append(techs, fmt.Sprintf("[%s](%s)", t, atlasURL(r.catalog(), t)))
	}
	if len(techs) > 0 {
		msg += "<br>ATLAS: " + strings.Join(techs, " ")
	}
	sev := strings.ToUpper(f.Severity.String())
	if f.Severity >= rule.High {
		sev = "**" + sev + "**"
	}
	return fmt.Sprintf("| %s | `%s` | `%s` | %s |\n", sev, f.RuleID, mdCode(f.Location.String()), msg)
}

func mdPath(p result.AttackPath, res *result.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- **%s → %s** (score %d): %s", mdEscape(p.Entry), mdEscape(p.Impact), p.Score, mdEscape(p.Entry))
	for _, h := range p.Hops {
		fmt.Fprintf(&b, " → %s (%s, `%s`)", mdEscape(assetName(res, h.Asset)), mdEscape(h.Foothold), mdCode(h.Location.String()))
	}
	b.WriteString("\n")
	return b.String()
}

// mdEscape makes text from scanned files inert in GitHub Markdown: table
// pipes, emphasis, links, HTML, and @mentions and #references, which would
// notify people or link issues from a comment.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			b.WriteString("&#64;")
		case '|':
			b.WriteString("\\|")
		case '\\', '`', '*', '_', '[', ']', '(', ')', '#', '~', '!', '{', '}':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			if needsEscape(c) {
				q := fmt.Sprintf("%+q", string(c))
				b.WriteString(q[1 : len(q)-1])
				continue
			}
			b.WriteRune(c)
		}
	}
	return b.String()
}

// mdCode makes text safe inside a code span: backticks cannot close it
// (they become ʼ), pipes cannot split a table cell, and line breaks and
// control characters are folded.
func mdCode(s string) string {
	s = Escape(strings.Join(strings.Fields(s), " "))
	return strings.NewReplacer("`", "ʼ", "|", "\\|").Replace(s)
}

// assetName is an asset's name as reports show it, or its ID when the
// result does not hold it.
func assetName(res *result.Result, id string) string {
	for i := range res.Assets {
		if res.Assets[i].ID == id {
			return res.Assets[i].Name
		}
	}
	return id
}
