package assess

import (
	"fmt"
	"io"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/report"
	"github.com/mlsec/mlsec/internal/result"
)

// WriteText writes the assessment for people: the automation level on each
// scale and what the next level needs, each phase's score with the
// practices found (and where) or missing, and the mitigations with the
// priority of the missing ones. Paths and evidence text are escaped: a
// file name cannot drive the terminal.
func WriteText(w io.Writer, res *result.Result) error {
	a := res.Assessment
	if a == nil {
		_, err := fmt.Fprintln(w, "No assessment.")
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "MLOps assessment of %s\n\n", report.Escape(strings.Join(res.Paths, ", ")))

	b.WriteString("Automation level\n")
	for _, l := range a.Levels {
		fmt.Fprintf(&b, "  %-11s level %d  %s\n", l.Scale, l.Level, l.Name)
		for _, e := range l.Evidence {
			fmt.Fprintf(&b, "  %-11s          because %s  %s\n", "", where(e.Location), report.Escape(e.What))
		}
		if len(l.Missing) > 0 {
			fmt.Fprintf(&b, "  %-11s          next level needs: %s\n", "", strings.Join(l.Missing, "; "))
		}
		if src := ScaleSource(l.Scale); src != "" {
			fmt.Fprintf(&b, "  %-11s          scale: %s\n", "", src)
		}
	}

	b.WriteString("\nPhases (score 0-100, rubric in docs/ASSESSMENT.md)\n")
	for _, p := range a.Phases {
		fmt.Fprintf(&b, "  %-12s %3d/100\n", p.Phase, p.Score)
		for _, pr := range p.Practices {
			mark := "[ ]"
			if pr.Present {
				mark = "[x]"
			}
			fmt.Fprintf(&b, "    %s %s (%d)\n", mark, pr.Name, pr.Weight)
			for _, e := range pr.Evidence {
				fmt.Fprintf(&b, "          %s  %s\n", where(e.Location), report.Escape(e.What))
			}
		}
	}

	priority := map[string]finding.Finding{}
	for _, f := range res.Findings {
		if f.Rule != nil && f.Rule.Family() == "assess" && len(f.Mitigations) > 0 {
			priority[f.Mitigations[0]] = f
		}
	}
	b.WriteString("\nATLAS mitigations\n")
	for _, m := range a.Mitigations {
		status := m.Status
		if status == result.MitigationNotApplicable {
			status = "n/a"
		}
		fmt.Fprintf(&b, "  %-8s %s %s\n", status, m.ID, m.Name)
		switch {
		case m.Status == result.MitigationMissing:
			if f, ok := priority[m.ID]; ok {
				fmt.Fprintf(&b, "           priority %s: %s (%s)\n", f.Severity, report.Escape(f.Message), f.RuleID)
			} else {
				b.WriteString("           no finding of the scan would be countered by it\n")
			}
		case m.Status == result.MitigationNotApplicable:
			b.WriteString("           the repository has nothing it applies to\n")
		}
		for _, e := range m.Evidence {
			fmt.Fprintf(&b, "           %s  %s\n", where(e.Location), report.Escape(e.What))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func where(l finding.Location) string {
	s := report.Escape(l.Path)
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
	}
	return s
}
