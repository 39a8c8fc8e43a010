package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/mlsec/mlsec/internal/result"
)

// The "paths" format is the attack paths as text chains: each path from
// its entry to its impact, every hop with the foothold it gives and the
// file and line that show it, then the chokepoints.
func init() { register("paths", WritePaths) }

// WritePaths writes the attack paths of r as text.
func WritePaths(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	p := textPrinter{w: bw, color: r.Color, width: r.Width}
	res := r.Result
	if len(res.AttackPaths) == 0 {
		p.printf("No attack paths: no finding opens a foothold that the recorded assets carry to an impact.\n\n")
	}
	for i, ap := range res.AttackPaths {
		p.path(i+1, ap, r)
	}
	if len(res.Chokepoints) > 0 {
		p.printf("%s\n", p.style(ansiBold, "Chokepoints (securing one cuts every path through it):"))
		for _, c := range res.Chokepoints {
			p.printf("  %-3d paths  %s  → %s\n", c.Paths, Escape(c.Asset), strings.Join(c.Impacts, ", "))
		}
		p.printf("\n")
	}
	return bw.Flush()
}

// path prints one attack path.
func (p textPrinter) path(n int, ap result.AttackPath, r *Report) {
	p.printf("%s %s → %s  %s\n", p.style(ansiBold, fmt.Sprintf("%d.", n)), p.style(ansiBold, ap.Entry), p.style(ansiBold, ap.Impact),
		p.style(ansiDim, fmt.Sprintf("[path %s, score %d; ATLAS %s; %s]", ap.ID, ap.Score, strings.Join(ap.Techniques, " → "), strings.Join(ap.Phases, " → "))))
	for i, h := range ap.Hops {
		arrow := "   "
		if i > 0 {
			arrow = " → "
		}
		p.printf("  %s%s %s\n", arrow, Escape(h.Asset), p.style(ansiDim, "("+h.Foothold+")"))
		at := ""
		if h.Location.Path != "" {
			at = Escape(h.Location.String()) + "  "
		}
		p.printf("       %s%s: %s\n", at, p.style(ansiBold, h.Via), Escape(oneLine(h.Message, 200)))
	}
	p.printf("\n")
}

// pathsSummary is the text report's short account of the attack paths:
// the count and the best few, pointing at the full listing.
func (p textPrinter) pathsSummary(r *Report) {
	paths := r.Result.AttackPaths
	if len(paths) == 0 {
		return
	}
	p.printf("%s\n", p.style(ansiBold, fmt.Sprintf("Attack paths: %d ('mlsec paths' shows every hop)", len(paths))))
	for i, ap := range paths {
		if i == 5 {
			p.printf("  … and %d more\n", len(paths)-5)
			break
		}
		var hops []string
		for _, h := range ap.Hops {
			hops = append(hops, Escape(h.Asset))
		}
		p.printf("  %s → %s: %s\n", ap.Entry, ap.Impact, strings.Join(hops, " → "))
	}
	p.printf("\n")
}
