package k8s

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// Bounds on hostile input. Aliases are resolved one level at a time by
// yamlutil, so repeated aliases to one node can only multiply work by the
// number of distinct paths the walker follows; these caps bound the rest.
const (
	maxObjects    = 5000 // Kubernetes objects per file, List items included
	maxItems      = 500  // elements of one sequence the walker visits (containers, env, ports…)
	maxPodsPerObj = 200
)

// object is one Kubernetes resource in the file.
type object struct {
	node                              *yaml.Node
	apiVersion, kind, name, namespace string
	// Objects read from a sibling file (xfile.go) lend context only.
	sibling string // base name of the sibling file, for messages; "" in the analyzed file
	path    string // the sibling's path as reports show it
	lineOff int    // lines before the object's document in the sibling
}

// ref is "namespace/Kind/name", the object's name in asset IDs.
func (o *object) ref() string {
	ns := o.namespace
	if ns == "" {
		ns = "default"
	}
	return ns + "/" + o.kind + "/" + o.name
}

// group is the API group of apiVersion ("" for the core group).
func (o *object) group() string {
	g, _, ok := strings.Cut(o.apiVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// file is one pass over one file: its objects and what was learnt from them.
type file struct {
	pass *analysis.Pass
	docs []*yaml.Node
	objs []*object

	pods        []*pod
	services    []*service
	ingresses   []*object
	roles       map[string]*object // "Role/ns/name" and "ClusterRole/name"
	bindings    []*object          // RoleBindings and ClusterRoleBindings
	sas         map[string]*object // namespace/name → ServiceAccount
	secrets     map[string]*object // namespace/name → Secret
	exposed     map[*pod]exposure  // pods a LoadBalancer, NodePort or Ingress reaches: read through exposureOf
	sibDone     bool               // the sibling manifests were read for exposure (see xfile.go)
	rbacDone    bool               // the sibling manifests were read for RBAC (see rbac.go)
	sibSAs      map[string]*object // namespace/name → ServiceAccount of a sibling manifest
	assetIDs    map[*object]string // the asset recorded for each workload object
	secretUsers map[string][]*pod  // namespace/name of a Secret → pods that read it

	pending map[pendingKey]*pending // findings open to more reasons, reported by flush
	order   []pendingKey

	checked map[*yaml.Node]bool // nodes already checked, so aliases and shared specs report once
	keys    map[string]bool     // other things already reported
	stop    bool                // the context was cancelled
}

func newFile(pass *analysis.Pass, docs []*yaml.Node) *file {
	return &file{pass: pass, docs: docs, sas: map[string]*object{}, secrets: map[string]*object{}, checked: map[*yaml.Node]bool{}, keys: map[string]bool{},
		pending: map[pendingKey]*pending{}}
}

// once reports whether n is met for the first time.
func (f *file) once(n *yaml.Node) bool {
	if n == nil || f.checked[n] {
		return false
	}
	f.checked[n] = true
	return true
}

// first reports whether key is met for the first time.
func (f *file) first(key string) bool {
	if f.keys[key] {
		return false
	}
	f.keys[key] = true
	return true
}

// canceled checks the context, remembering the answer.
func (f *file) canceled() bool {
	if !f.stop && f.pass.Canceled() {
		f.stop = true
	}
	return f.stop
}

// collect turns the file's documents into objects.
func (f *file) collect() { f.objs = collectObjects(f.docs, maxObjects) }

// collectObjects turns documents into at most max objects, flattening v1
// List kinds.
func collectObjects(docs []*yaml.Node, max int) []*object {
	var objs []*object
	var add func(n *yaml.Node, depth int)
	add = func(n *yaml.Node, depth int) {
		n = yamlutil.Resolve(n)
		if n == nil || n.Kind != yaml.MappingNode || len(objs) >= max {
			return
		}
		kind := yamlutil.Str(yamlutil.Get(n, "kind"))
		api := yamlutil.Str(yamlutil.Get(n, "apiVersion"))
		if kind == "" || api == "" {
			return
		}
		if strings.HasSuffix(kind, "List") && depth == 0 {
			for _, it := range limit(yamlutil.Items(yamlutil.Get(n, "items"))) {
				add(it, depth+1)
			}
			return
		}
		md := yamlutil.Get(n, "metadata")
		name := yamlutil.Str(yamlutil.Get(md, "name"))
		if name == "" {
			name = yamlutil.Str(yamlutil.Get(md, "generateName")) // Argo workflows, Jobs created by tools
		}
		objs = append(objs, &object{
			node: n, apiVersion: api, kind: kind, name: name,
			namespace: yamlutil.Str(yamlutil.Get(md, "namespace")),
		})
	}
	for _, d := range docs {
		add(d, 0)
	}
	return objs
}

// limit caps a sequence's elements at maxItems.
func limit(items []*yaml.Node) []*yaml.Node {
	if len(items) > maxItems {
		return items[:maxItems]
	}
	return items
}

// loc is the location of a node of the analyzed file.
func (f *file) loc(n *yaml.Node) finding.Location {
	if n == nil {
		return f.pass.Line(0, 0)
	}
	return f.pass.Line(n.Line, n.Column)
}

// locOf is the location of a node of object o, which may have been read
// from a sibling file: only Related entries may point there.
func (f *file) locOf(o *object, n *yaml.Node) finding.Location {
	if o == nil || o.path == "" {
		return f.loc(n)
	}
	l := finding.Location{Path: o.path}
	if n != nil {
		l.Line, l.Column = n.Line+o.lineOff, n.Column
	}
	return l
}

// maxRelated bounds the Related entries of one finding: a file of 3,000
// pods on one image is one finding, not one with 3,000 places.
const maxRelated = 20

// pendingKey names one finding: a rule and the subject it is about.
type pendingKey struct {
	rule    *rule.Rule
	subject any
}

// pending is a finding still open to more reasons.
type pending struct {
	d     analysis.Diagnostic
	route bool // d is about a route to the subject (a Service port), not the subject itself
	extra int  // reasons left out of Related past maxRelated
}

// fold records d as the finding of its rule about subject (a container
// or pod spec node, a workload object, an image ID): the same rule on the
// same subject reached for several reasons (a TorchServe command line
// without token auth, and its management port on a LoadBalancer) is one
// finding. The most severe reason leads; the others become Related
// entries. Findings are reported by flush, once the whole file is read.
func (f *file) fold(subject any, d analysis.Diagnostic) { f.add(subject, d, false) }

// foldRoute is fold for a reason found on a route to the subject (the
// Service or Ingress that publishes it): on equal severity the finding
// stays on the subject itself.
func (f *file) foldRoute(subject any, d analysis.Diagnostic) { f.add(subject, d, true) }

func (f *file) add(subject any, d analysis.Diagnostic, route bool) {
	k := pendingKey{d.Rule, subject}
	p := f.pending[k]
	if p == nil {
		f.pending[k] = &pending{d: d, route: route}
		f.order = append(f.order, k)
		return
	}
	lead := p.d
	if s, ls := severity(d), severity(lead); s > ls || s == ls && p.route && !route {
		lead, d = d, lead // d is now the reason that yields, with its own Related
		p.route = route
	}
	// Appends below never write into a backing array d shares.
	lead.Related, lead.Assets = slices.Clip(lead.Related), slices.Clip(lead.Assets)
	for _, r := range append([]finding.Related{{Location: d.Location, Message: d.Message}}, d.Related...) {
		if r.Location == lead.Location && r.Message == lead.Message || slices.Contains(lead.Related, r) {
			continue
		}
		if len(lead.Related) >= maxRelated {
			p.extra++
			continue
		}
		lead.Related = append(lead.Related, r)
	}
	for _, a := range d.Assets {
		if a != "" && !slices.Contains(lead.Assets, a) {
			lead.Assets = append(lead.Assets, a)
		}
	}
	p.d = lead
}

// severity is a diagnostic's effective severity: the rule's unless a
// reason says otherwise.
func severity(d analysis.Diagnostic) rule.Severity {
	if d.SeverityReason != "" {
		return d.Severity
	}
	return d.Rule.Severity
}

// flush reports the folded findings in the order they were first met.
func (f *file) flush() {
	for _, k := range f.order {
		p := f.pending[k]
		if p.extra > 0 {
			p.d.Message += fmt.Sprintf(" (and %d more places)", p.extra)
		}
		f.pass.Report(p.d)
	}
	f.order, f.pending = nil, map[pendingKey]*pending{}
}

// ids drops empty asset IDs.
func ids(as ...string) []string {
	var out []string
	for _, a := range as {
		if a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// keyNode is the key node of key in mapping m, for findings about a key
// whose value is a block (the value node would point past the key's line).
func keyNode(m *yaml.Node, key string) *yaml.Node {
	m = yamlutil.Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// isTrue reads a YAML boolean, accepting the quoted forms people write too.
func isTrue(n *yaml.Node) bool {
	switch strings.ToLower(yamlutil.Str(n)) {
	case "true", "yes", "on":
		return true
	}
	return false
}

// isFalse reads an explicit YAML false.
func isFalse(n *yaml.Node) bool {
	switch strings.ToLower(yamlutil.Str(n)) {
	case "false", "no", "off":
		return true
	}
	return false
}

// strMap reads a mapping of scalars (labels, selectors, annotations).
func strMap(n *yaml.Node) map[string]string {
	out := map[string]string{}
	count := 0
	yamlutil.Pairs(n, func(k, v *yaml.Node) {
		if count < maxItems {
			out[k.Value] = yamlutil.Str(v)
		}
		count++
	})
	return out
}
