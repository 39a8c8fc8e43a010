package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// The "dot" format is the asset graph in Graphviz: assets as nodes by
// kind, recorded relations as edges, and the hops of attack paths drawn
// in red. `dot -Tsvg` renders it.
func init() { register("dot", WriteDOT) }

// WriteDOT writes the asset graph and attack paths of r as Graphviz DOT.
func WriteDOT(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	g := buildView(r)
	fmt.Fprintln(bw, "digraph mlsec {")
	fmt.Fprintln(bw, `  rankdir=LR; node [shape=box, style="rounded,filled", fillcolor="#f4f4f4", fontname="Helvetica"]; edge [fontname="Helvetica", fontsize=10];`)
	for _, n := range g.nodes {
		attrs := fmt.Sprintf("label=%s", strconv.Quote(n.label))
		if n.entry {
			attrs += `, shape=ellipse, fillcolor="#ffe0e0"`
		} else if n.onPath {
			attrs += `, color="#c00000", penwidth=2`
		}
		fmt.Fprintf(bw, "  %s [%s];\n", strconv.Quote(n.id), attrs)
	}
	for _, e := range g.edges {
		attrs := fmt.Sprintf("label=%s", strconv.Quote(e.label))
		if e.onPath {
			attrs += `, color="#c00000", penwidth=2`
		}
		fmt.Fprintf(bw, "  %s -> %s [%s];\n", strconv.Quote(e.from), strconv.Quote(e.to), attrs)
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

// view is the graph both DOT and Mermaid draw.
type view struct {
	nodes []viewNode
	edges []viewEdge
}

type viewNode struct {
	id, label     string
	entry, onPath bool
}

type viewEdge struct {
	from, to, label string
	onPath          bool
}

// buildView gathers the assets and edges of r, plus an entry node per
// entry point linked to the first hop of each path, marking what paths use.
func buildView(r *Report) view {
	res := r.Result
	onNode := map[string]bool{}
	onEdge := map[[2]string]string{}
	entries := map[string]bool{}
	for _, p := range res.AttackPaths {
		entry := "entry:" + p.Entry
		entries[entry] = true
		prev := entry
		for _, h := range p.Hops {
			onNode[h.Asset] = true
			if prev != h.Asset {
				onEdge[[2]string{prev, h.Asset}] = h.Via
			}
			prev = h.Asset
		}
	}
	nodes := map[string]viewNode{}
	for _, a := range res.Assets {
		nodes[a.ID] = viewNode{id: a.ID, label: string(a.Kind) + "\n" + a.Name, onPath: onNode[a.ID]}
	}
	for e := range entries {
		nodes[e] = viewNode{id: e, label: strings.TrimPrefix(e, "entry:"), entry: true}
	}
	seen := map[[2]string]bool{}
	var edges []viewEdge
	for _, e := range res.Edges {
		k := [2]string{e.From, e.To}
		for _, id := range k {
			if _, ok := nodes[id]; !ok {
				nodes[id] = viewNode{id: id, label: id, onPath: onNode[id]}
			}
		}
		_, on := onEdge[k]
		edges = append(edges, viewEdge{from: e.From, to: e.To, label: string(e.Kind), onPath: on})
		seen[k] = true
	}
	var extra []viewEdge
	for k, label := range onEdge {
		if seen[k] {
			continue
		}
		for _, id := range k {
			if _, ok := nodes[id]; !ok {
				nodes[id] = viewNode{id: id, label: id, onPath: true}
			}
		}
		extra = append(extra, viewEdge{from: k[0], to: k[1], label: label, onPath: true})
	}
	sort.Slice(extra, func(i, j int) bool {
		if extra[i].from != extra[j].from {
			return extra[i].from < extra[j].from
		}
		return extra[i].to < extra[j].to
	})
	edges = append(edges, extra...)
	v := view{edges: edges}
	for _, n := range nodes {
		v.nodes = append(v.nodes, n)
	}
	sort.Slice(v.nodes, func(i, j int) bool { return v.nodes[i].id < v.nodes[j].id })
	return v
}
