package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/mlsec/mlsec/internal/result"
)

// pathGraph draws attack paths as one layered graph in inline SVG: entry
// points in the left column, the assets of the hops in the columns between
// (hop n of every path in column n), impacts in the right column. A node
// that several paths share at the same depth is drawn once, so shared
// hops (chokepoints) show as boxes many arrows go through. The layout is
// computed here, not by a script: the picture prints, and needs no library.
func pathGraph(paths []result.AttackPath, name func(string) string) template.HTML {
	if len(paths) == 0 {
		return ""
	}
	const (
		boxW, boxH = 168, 40
		gapX, gapY = 56, 14
		pad        = 10
	)
	type node struct {
		col, row int
		label    string
		sub      string
		class    string
		title    string
	}
	depth := 0
	for _, p := range paths {
		depth = max(depth, len(p.Hops))
	}
	cols := depth + 2
	index := map[string]int{} // column + key → node
	var nodes []node
	rows := make([]int, cols)
	get := func(col int, key, label, sub, class, title string) int {
		k := fmt.Sprintf("%d\x00%s", col, key)
		if i, ok := index[k]; ok {
			return i
		}
		nodes = append(nodes, node{col: col, row: rows[col], label: label, sub: sub, class: class, title: title})
		rows[col]++
		index[k] = len(nodes) - 1
		return len(nodes) - 1
	}
	type edge struct {
		from, to int
		label    string
	}
	var edges []edge
	seenEdge := map[[2]int]bool{}
	for _, p := range paths {
		prev := get(0, "entry:"+p.Entry, p.Entry, "entry", "entry", "entry point: "+p.Entry)
		for i, h := range p.Hops {
			n := name(h.Asset)
			cur := get(i+1, h.Asset, n, h.Foothold, "hop", n+" ("+h.Foothold+") via "+h.Via+" at "+h.Location.String())
			if k := [2]int{prev, cur}; !seenEdge[k] {
				seenEdge[k] = true
				edges = append(edges, edge{prev, cur, h.Via})
			}
			prev = cur
		}
		imp := get(cols-1, "impact:"+p.Impact, p.Impact, "impact", "impact", "impact: "+p.Impact)
		if k := [2]int{prev, imp}; !seenEdge[k] {
			seenEdge[k] = true
			edges = append(edges, edge{prev, imp, ""})
		}
	}
	maxRows := 0
	for _, n := range rows {
		maxRows = max(maxRows, n)
	}
	width := pad*2 + cols*boxW + (cols-1)*gapX
	height := pad*2 + maxRows*boxH + (maxRows-1)*gapY
	// Columns with fewer nodes are centred vertically, as layered graphs
	// are usually drawn.
	pos := func(n node) (x, y int) {
		off := (maxRows - rows[n.col]) * (boxH + gapY) / 2
		return pad + n.col*(boxW+gapX), pad + off + n.row*(boxH+gapY)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="graph" role="img" aria-labelledby="graph-title" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`, width, height, width, height)
	b.WriteString(`<title id="graph-title">Attack paths from entry points (left) to impacts (right)</title>`)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#6b7280"/></marker></defs>`)
	for _, e := range edges {
		x1, y1 := pos(nodes[e.from])
		x2, y2 := pos(nodes[e.to])
		x1, y1, y2 = x1+boxW, y1+boxH/2, y2+boxH/2
		mid := (x1 + x2) / 2
		fmt.Fprintf(&b, `<path class="edge" d="M%d %d C%d %d %d %d %d %d" marker-end="url(#arrow)">`, x1, y1, mid, y1, mid, y2, x2, y2)
		if e.label != "" {
			fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(e.label))
		}
		b.WriteString(`</path>`)
	}
	for _, n := range nodes {
		x, y := pos(n)
		fmt.Fprintf(&b, `<g class="node %s"><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="6"/>`,
			n.class, html.EscapeString(Escape(n.title)), x, y, boxW, boxH)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="l">%s</text>`, x+8, y+17, html.EscapeString(truncate(Escape(n.label), 26)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="s">%s</text></g>`, x+8, y+32, html.EscapeString(truncate(n.sub, 30)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) //nolint:gosec // every text above is escaped with html.EscapeString
}
