// Package graph turns what the analyzers recorded (assets, the edges
// between them, and the findings placed on them) into attack paths: how a
// foothold one finding gives travels through the pipeline, from an entry
// point (the internet, a pull request from a fork, a hub download, anyone
// who can read the repository) to an impact (the model in production, the
// training data, credentials, cloud spend, data exposure).
//
// It runs after the engine, on the finished result, and reads nothing
// else: analyzers add assets and edges, the graph joins them (link.go),
// findings open footholds (footholds.go) and typed rules move them along
// the edges (propagate.go).
package graph

import (
	"sort"

	"github.com/mlsec/mlsec/internal/finding"
)

// Graph is the assets of a scan and the relations between them, with the
// links the linker added.
type Graph struct {
	Assets map[string]*finding.Asset
	out    map[string][]finding.Edge // by From
	in     map[string][]finding.Edge // by To
	edges  []finding.Edge            // every edge, recorded and linked, sorted
	// links are the edges added for findings (code that loads an
	// artifact runs it), with the finding as their evidence.
	links map[finding.Edge]findingLink
}

// EdgeContains is a link the graph adds: a store holds an object whose URI
// is inside it (s3://models holds s3://models/credit/v7). Writing the store
// writes the object.
const EdgeContains finding.EdgeKind = "contains"

// New builds the graph of assets and edges, linking assets that name the
// same thing in different ways. Edges to assets nobody recorded are kept
// with a placeholder asset, so a relation is never lost.
func New(assets []finding.Asset, edges []finding.Edge) *Graph {
	g := &Graph{Assets: make(map[string]*finding.Asset, len(assets)), out: map[string][]finding.Edge{}, in: map[string][]finding.Edge{}}
	for i := range assets {
		a := assets[i]
		g.Assets[a.ID] = &a
	}
	seen := make(map[finding.Edge]bool, len(edges))
	add := func(e finding.Edge) {
		if e.From == e.To || seen[e] {
			return
		}
		seen[e] = true
		for _, id := range []string{e.From, e.To} {
			if g.Assets[id] == nil {
				g.Assets[id] = placeholder(id)
			}
		}
		g.edges = append(g.edges, e)
	}
	for _, e := range edges {
		add(e)
	}
	for _, e := range link(g.Assets) {
		add(e)
	}
	sort.Slice(g.edges, func(i, j int) bool { return edgeLess(g.edges[i], g.edges[j]) })
	for _, e := range g.edges {
		g.out[e.From] = append(g.out[e.From], e)
		g.in[e.To] = append(g.in[e.To], e)
	}
	return g
}

// Edges returns every edge, recorded and linked, in a stable order.
func (g *Graph) Edges() []finding.Edge { return g.edges }

// Out returns the edges from id; In those to it.
func (g *Graph) Out(id string) []finding.Edge { return g.out[id] }

// In returns the edges to id.
func (g *Graph) In(id string) []finding.Edge { return g.in[id] }

func edgeLess(a, b finding.Edge) bool {
	if a.From != b.From {
		return a.From < b.From
	}
	if a.To != b.To {
		return a.To < b.To
	}
	return a.Kind < b.Kind
}

// placeholder is an asset known only from an edge: its kind is the part of
// the ID before the first colon.
func placeholder(id string) *finding.Asset {
	kind, name := id, id
	for i := 0; i < len(id); i++ {
		if id[i] == ':' {
			kind, name = id[:i], id[i+1:]
			break
		}
	}
	return &finding.Asset{ID: id, Kind: finding.AssetKind(kind), Name: name}
}
