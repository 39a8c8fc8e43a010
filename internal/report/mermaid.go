package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// The "mermaid" format is the asset graph as a Mermaid flowchart, which
// GitHub renders in Markdown: attack-path nodes and links in red.
func init() { register("mermaid", WriteMermaid) }

// WriteMermaid writes the asset graph and attack paths of r as Mermaid.
func WriteMermaid(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	g := buildView(r)
	ids := map[string]string{}
	for i, n := range g.nodes {
		ids[n.id] = fmt.Sprintf("n%d", i)
	}
	fmt.Fprintln(bw, "flowchart LR")
	for _, n := range g.nodes {
		label := mermaidText(strings.ReplaceAll(n.label, "\n", ": "))
		if n.entry {
			fmt.Fprintf(bw, "  %s([\"%s\"])\n", ids[n.id], label)
		} else {
			fmt.Fprintf(bw, "  %s[\"%s\"]\n", ids[n.id], label)
		}
	}
	var red []int
	for i, e := range g.edges {
		fmt.Fprintf(bw, "  %s -->|%s| %s\n", ids[e.from], mermaidText(e.label), ids[e.to])
		if e.onPath {
			red = append(red, i)
		}
	}
	for _, n := range g.nodes {
		if n.onPath || n.entry {
			fmt.Fprintf(bw, "  style %s stroke:#c00000,stroke-width:2px\n", ids[n.id])
		}
	}
	for _, i := range red {
		fmt.Fprintf(bw, "  linkStyle %d stroke:#c00000,stroke-width:2px\n", i)
	}
	return bw.Flush()
}

// mermaidText makes a label safe inside Mermaid's quotes: Mermaid has no
// escape for '"', and '|' ends an edge label; HTML entities are rendered.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "|", "#124;", "<", "#lt;", ">", "#gt;", "\n", " ").Replace(s)
}
