package graph

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/atlas"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

// Bounds on the search, so a hostile or huge project costs bounded time:
// each opening explores at most maxStates states, paths are at most
// maxHops long, and at most maxPaths paths are kept (the best ones).
const (
	maxHops   = 10
	maxStates = 20000
	maxPaths  = 500
)

// state is an attacker's foothold on one asset.
type state struct {
	asset    string
	foothold string
}

// step is how the search reached a state: from which state, along which
// relation, with which evidence.
type step struct {
	prev      state
	first     bool
	via       string
	finding   string
	location  finding.Location
	technique string
	message   string
}

// Analyze computes the attack paths of a finished scan, the chokepoints
// they share, and each finding's reach, and stores them in r. Findings are
// re-sorted so that, within a severity, those that reach an impact come
// first.
func Analyze(r *result.Result) {
	g := New(r.Assets, r.Edges)
	addFindingLinks(g, r.Findings)
	paths := Paths(g, r.Findings)
	r.AttackPaths = paths
	r.Chokepoints = chokepoints(paths)
	reach := map[string]map[string]bool{}
	for _, p := range paths {
		for _, h := range p.Hops {
			if h.Finding == "" {
				continue
			}
			if reach[h.Finding] == nil {
				reach[h.Finding] = map[string]bool{}
			}
			reach[h.Finding][p.Impact] = true
		}
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Reach = nil
		for imp := range reach[f.Fingerprint] {
			f.Reach = append(f.Reach, imp)
		}
		sort.Strings(f.Reach)
	}
	result.SortFindings(r.Findings)
}

// findingLink is an edge the graph adds for a finding (code that loads an
// artifact runs what it holds; a credential is used by the store it is
// written for). The finding is the edge's evidence.
type findingLink struct {
	finding  string
	location finding.Location
	rule     string
}

// addFindingLinks adds the relations findings show: each file whose code
// loads an artifact unsafely gets a pipeline-step asset ("code:PATH") that
// runs code from what it loads, so a write to a store reaches the code
// that unpickles from it; and a credential found with the store, service
// or workload it is written for (a DVC remote's keys, a default password
// of a compose service) is used by that asset.
func addFindingLinks(g *Graph, fs []finding.Finding) {
	if g.links == nil {
		g.links = map[finding.Edge]findingLink{}
	}
	link := func(e finding.Edge, f *finding.Finding) {
		if _, dup := g.links[e]; dup {
			return
		}
		for _, x := range g.out[e.From] {
			if x == e {
				return
			}
		}
		g.links[e] = findingLink{finding: f.Fingerprint, location: f.Location, rule: f.RuleID}
		g.out[e.From] = append(g.out[e.From], e)
		g.in[e.To] = append(g.in[e.To], e)
	}
	for i := range fs {
		f := &fs[i]
		if family(f.RuleID) == "secret" {
			for _, c := range f.Assets {
				if g.kind(c) != finding.AssetCredential {
					continue
				}
				for _, x := range f.Assets {
					if k := g.kind(x); k != "" && k != finding.AssetCredential {
						link(finding.Edge{From: x, To: c, Kind: finding.EdgeUsesSecret}, f)
					}
				}
			}
		}
		if !loaderRule(f.RuleID) || len(f.Assets) == 0 {
			continue
		}
		step := "pipeline-step:code:" + f.Location.Path
		if g.Assets[step] == nil {
			g.Assets[step] = &finding.Asset{ID: step, Kind: finding.AssetPipelineStep, Name: "code:" + f.Location.Path,
				Locations: []finding.Location{{Path: f.Location.Path}}}
		}
		for _, id := range f.Assets {
			if id == step || g.Assets[id] == nil || g.Assets[id].Kind == finding.AssetCredential {
				continue
			}
			link(finding.Edge{From: step, To: id, Kind: finding.EdgeRunsCode}, f)
		}
	}
}

// Paths finds, for every finding that opens a foothold, the shortest way
// to each impact it can reach, best first.
func Paths(g *Graph, fs []finding.Finding) []result.AttackPath {
	var out []result.AttackPath
	seen := map[string]bool{}
	for i := range fs {
		f := &fs[i]
		o, ok := openingOf(g, f)
		if !ok {
			continue
		}
		at := placement(g, f, o.foothold)
		if at == "" && o.foothold == result.FootholdCredential {
			// A default password with no credential asset: it opens the
			// service it protects.
			o.foothold = result.FootholdWrite
			at = placement(g, f, o.foothold)
		}
		if at == "" {
			continue
		}
		for _, p := range g.search(f, o, at) {
			if !seen[p.ID] {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	if len(out) > maxPaths {
		out = out[:maxPaths]
	}
	return out
}

// search explores breadth-first from the opening and returns one path per
// impact reached (the shortest).
func (g *Graph) search(f *finding.Finding, o opening, at string) []result.AttackPath {
	start := state{at, o.foothold}
	tech := ""
	if len(f.Techniques) > 0 {
		tech = f.Techniques[0]
	}
	how := map[state]step{start: {first: true, via: f.RuleID, finding: f.Fingerprint, location: f.Location, technique: tech, message: f.Message}}
	depth := map[state]int{start: 0}
	queue := []state{start}
	type hit struct {
		s      state
		impact string
	}
	var hits []hit
	impacted := map[string]bool{}
	record := func(s state, impact string) {
		k := impact + "\x00" + s.asset
		if impact == "" || impacted[k] {
			return
		}
		impacted[k] = true
		hits = append(hits, hit{s, impact})
	}
	if o.impact != "" {
		record(start, o.impact)
	}
	for len(queue) > 0 && len(how) < maxStates {
		s := queue[0]
		queue = queue[1:]
		if s != start || s.foothold != result.FootholdCredential {
			// A leaked credential is already its own finding; a public
			// bucket's read or write is an impact from the first hop.
			record(s, g.impactOf(s))
		}
		if depth[s] >= maxHops {
			continue
		}
		for _, n := range g.next(s) {
			if _, ok := how[n.to]; ok {
				continue
			}
			how[n.to] = n.step
			depth[n.to] = depth[s] + 1
			queue = append(queue, n.to)
		}
	}
	// Reading a store the same foothold also writes is not a second path:
	// the write is the worse impact.
	written := map[string]bool{}
	for _, h := range hits {
		if h.impact != result.ImpactDataExposure {
			written[h.s.asset] = true
		}
	}
	var out []result.AttackPath
	for _, h := range hits {
		if h.impact == result.ImpactDataExposure && written[h.s.asset] {
			continue
		}
		out = append(out, g.path(f, o, h.s, h.impact, how))
	}
	return out
}

// path rebuilds the chain of hops that reached s.
func (g *Graph) path(f *finding.Finding, o opening, s state, impact string, how map[state]step) result.AttackPath {
	var hops []result.PathHop
	for cur := s; ; {
		st := how[cur]
		h := result.PathHop{Asset: cur.asset, Foothold: cur.foothold, Via: st.via, Finding: st.finding, Location: st.location,
			Technique: st.technique, Message: st.message}
		if h.Technique != "" {
			if ps := atlas.Phases(h.Technique); len(ps) > 0 {
				h.Phase = string(ps[0])
			}
		}
		if st.first {
			h.Phase = string(f.Phase)
		}
		hops = append(hops, h)
		if st.first {
			break
		}
		cur = st.prev
	}
	for i, j := 0, len(hops)-1; i < j; i, j = i+1, j-1 {
		hops[i], hops[j] = hops[j], hops[i]
	}
	p := result.AttackPath{Entry: o.entry, Impact: impact, Hops: hops}
	sum := sha256.New()
	seenT, seenP := map[string]bool{}, map[string]bool{}
	for _, h := range hops {
		sum.Write([]byte(h.Asset + "\x00" + h.Foothold + "\x00" + h.Via + "\x00" + h.Finding + "\x01"))
		if h.Technique != "" && !seenT[h.Technique] {
			seenT[h.Technique] = true
			p.Techniques = append(p.Techniques, h.Technique)
		}
		if h.Phase != "" && !seenP[h.Phase] {
			seenP[h.Phase] = true
			p.Phases = append(p.Phases, h.Phase)
		}
	}
	sum.Write([]byte(impact))
	p.ID = hex.EncodeToString(sum.Sum(nil))[:12]
	p.Score = score(f.Severity, impact, len(hops))
	return p
}

// score ranks a path: the opening's severity times the impact's weight,
// shorter paths first among equals.
func score(sev rule.Severity, impact string, hops int) int {
	w := map[string]int{result.ImpactProductionModel: 10, result.ImpactTrainingData: 9, result.ImpactCredentials: 7,
		result.ImpactCloudSpend: 6, result.ImpactDataExposure: 5}[impact]
	return (int(sev)+1)*w*10 - hops
}

// transition is one move of the search.
type transition struct {
	to   state
	step step
}

// next lists the footholds a state leads to along the graph's edges, by
// the typed propagation rules:
//
//   - code execution somewhere uses its credentials, reads and writes what
//     it reads and writes, and controls what it deploys or triggers;
//   - a credential grants what its users do with it (the assets they read,
//     write and deploy) and the credentials it can itself read;
//   - write access to a store or dataset writes what it contains, poisons
//     the outputs of the training steps that read it, and controls the model
//     of an endpoint that serves from it;
//   - control of a model controls every endpoint that serves it, and runs
//     code wherever it is loaded by code that unpickles it.
//
// Reading is an end: it exposes data but poisons nothing.
func (g *Graph) next(s state) []transition {
	var out []transition
	add := func(to, foothold string, e finding.Edge, tech, msg string) {
		out = append(out, transition{state{to, foothold}, g.edgeStep(s, e, tech, msg)})
	}
	switch s.foothold {
	case result.FootholdCodeExec:
		for _, e := range g.out[s.asset] {
			switch e.Kind {
			case finding.EdgeUsesSecret:
				add(e.To, result.FootholdCredential, e, "AML.T0055", "code running here can use this credential")
			case finding.EdgeReads:
				add(e.To, result.FootholdRead, e, "AML.T0025", "code running here reads it")
			case finding.EdgeWrites:
				add(e.To, result.FootholdWrite, e, "AML.T0020", "code running here writes it")
			case finding.EdgeDeploys:
				if g.kind(e.To) == finding.AssetModel {
					add(e.To, result.FootholdModel, e, "AML.T0018", "code running here decides the model it deploys")
				}
			case finding.EdgeTriggers:
				add(e.To, result.FootholdCodeExec, e, "AML.T0050", "code running here starts it")
			}
		}
	case result.FootholdCredential:
		for _, e := range g.out[s.asset] {
			if e.Kind == finding.EdgeUsesSecret {
				add(e.To, result.FootholdCredential, e, "AML.T0055", "the credential can read this one")
			}
		}
		for _, u := range g.in[s.asset] {
			if u.Kind != finding.EdgeUsesSecret {
				continue
			}
			switch g.kind(u.From) {
			case finding.AssetDataStore, finding.AssetDataset, finding.AssetRegistry:
				// The key of a store opens the store.
				add(u.From, result.FootholdWrite, u, "AML.T0012", "the credential opens it")
			}
			for _, e := range g.out[u.From] {
				switch e.Kind {
				case finding.EdgeReads:
					add(e.To, result.FootholdRead, e, "AML.T0012", "the credential's holder ("+u.From+") reads it")
				case finding.EdgeWrites:
					add(e.To, result.FootholdWrite, e, "AML.T0012", "the credential's holder ("+u.From+") writes it")
				case finding.EdgeDeploys:
					if g.kind(e.To) == finding.AssetModel {
						add(e.To, result.FootholdModel, e, "AML.T0012", "the credential's holder ("+u.From+") deploys it")
					}
				}
			}
		}
	case result.FootholdWrite, result.FootholdModel:
		for _, e := range g.out[s.asset] {
			if e.Kind == EdgeContains {
				f := result.FootholdWrite
				if g.kind(e.To) == finding.AssetModel {
					f = result.FootholdModel
				}
				add(e.To, f, e, "AML.T0018", "it is stored here")
			}
		}
		for _, e := range g.in[s.asset] {
			from := g.kind(e.From)
			switch {
			case e.Kind == finding.EdgeRunsCode:
				add(e.From, result.FootholdCodeExec, e, "AML.T0011.000", "this code loads it and runs what it holds")
			case (e.Kind == finding.EdgeReads || e.Kind == finding.EdgeDeploys) && from == finding.AssetEndpoint:
				add(e.From, result.FootholdModel, e, "AML.T0031", "this endpoint serves what it holds")
			case e.Kind == finding.EdgeReads && from == finding.AssetPipelineStep && s.foothold == result.FootholdWrite:
				// A training step that reads poisoned data writes a poisoned model.
				for _, w := range g.out[e.From] {
					if w.Kind == finding.EdgeWrites {
						add(w.To, result.FootholdModel, w, "AML.T0020", "trained on data the attacker wrote ("+s.asset+")")
					}
				}
			case e.Kind == finding.EdgeReads && from == finding.AssetModel:
				add(e.From, result.FootholdModel, e, "AML.T0018", "the model is loaded from it")
			}
		}
	}
	return out
}

// edgeStep is the step for following e, with its evidence: the place
// where the relation is written, found as the location of one end in a
// file that also holds the other (the storageUri line of the
// InferenceService that reads the bucket).
func (g *Graph) edgeStep(prev state, e finding.Edge, tech, msg string) step {
	st := step{prev: prev, via: string(e.Kind), technique: tech, message: msg}
	if l, ok := g.links[e]; ok {
		st.finding, st.location, st.via = l.finding, l.location, l.rule
		return st
	}
	st.location = g.evidence(e)
	return st
}

func (g *Graph) evidence(e finding.Edge) finding.Location {
	from, to := g.Assets[e.From], g.Assets[e.To]
	if from == nil || to == nil {
		return finding.Location{}
	}
	// The side that declares a relation is its From (the InferenceService
	// names its storageUri, the SageMaker model its model_data_url): the
	// evidence is where the To end is written in From's file, or else
	// where From is.
	for _, lt := range to.Locations {
		for _, lf := range from.Locations {
			if lt.Path == lf.Path {
				return lt
			}
		}
	}
	if len(from.Locations) > 0 {
		return from.Locations[0]
	}
	if len(to.Locations) > 0 {
		return to.Locations[0]
	}
	return finding.Location{}
}

func (g *Graph) kind(id string) finding.AssetKind {
	if a := g.Assets[id]; a != nil {
		return a.Kind
	}
	return ""
}

// impactOf is the impact a state is, or "".
func (g *Graph) impactOf(s state) string {
	a := g.Assets[s.asset]
	if a == nil {
		return ""
	}
	switch s.foothold {
	case result.FootholdModel:
		if a.Kind == finding.AssetEndpoint {
			return result.ImpactProductionModel
		}
	case result.FootholdCodeExec:
		if a.Kind == finding.AssetEndpoint && g.servesModel(s.asset) {
			return result.ImpactProductionModel
		}
	case result.FootholdCredential:
		return result.ImpactCredentials
	case result.FootholdWrite:
		if g.trainingData(a) {
			return result.ImpactTrainingData
		}
	case result.FootholdRead:
		if (a.Kind == finding.AssetDataStore || a.Kind == finding.AssetDataset) && (a.Attrs["ml"] == "true" || g.trainingData(a)) {
			return result.ImpactDataExposure
		}
	}
	return ""
}

// servesModel reports an endpoint that reads or deploys a model.
func (g *Graph) servesModel(id string) bool {
	for _, e := range g.out[id] {
		if (e.Kind == finding.EdgeReads || e.Kind == finding.EdgeDeploys) && g.kind(e.To) == finding.AssetModel {
			return true
		}
	}
	return false
}

// trainingData reports a store or dataset that holds training data: a
// pipeline step reads it, it is a DVC remote, or its name says so.
func (g *Graph) trainingData(a *finding.Asset) bool {
	if a.Kind != finding.AssetDataStore && a.Kind != finding.AssetDataset {
		return false
	}
	if a.Attrs["dvc-remote"] != "" || strings.Contains(strings.ToLower(a.Name), "train") {
		return true
	}
	for _, e := range g.in[a.ID] {
		if e.Kind == finding.EdgeReads && g.kind(e.From) == finding.AssetPipelineStep {
			return true
		}
	}
	return false
}

// chokepoints are the assets most paths go through (besides where they
// start), with the impacts behind them.
func chokepoints(paths []result.AttackPath) []result.Chokepoint {
	count := map[string]int{}
	impacts := map[string]map[string]bool{}
	for _, p := range paths {
		seen := map[string]bool{}
		for _, h := range p.Hops {
			if seen[h.Asset] {
				continue
			}
			seen[h.Asset] = true
			count[h.Asset]++
			if impacts[h.Asset] == nil {
				impacts[h.Asset] = map[string]bool{}
			}
			impacts[h.Asset][p.Impact] = true
		}
	}
	var out []result.Chokepoint
	for a, n := range count {
		if n < 2 {
			continue
		}
		c := result.Chokepoint{Asset: a, Paths: n}
		for imp := range impacts[a] {
			c.Impacts = append(c.Impacts, imp)
		}
		sort.Strings(c.Impacts)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Paths != out[j].Paths {
			return out[i].Paths > out[j].Paths
		}
		return out[i].Asset < out[j].Asset
	})
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}
