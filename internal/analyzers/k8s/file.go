package k8s

import (
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
	sibling                           string // base name of the sibling file it was read from; "" in the analyzed file
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
	sas         map[string]*object // namespace/name → ServiceAccount
	secrets     map[string]*object // namespace/name → Secret
	exposed     map[*pod]exposure  // pods a LoadBalancer, NodePort or Ingress reaches: read through exposureOf
	sibDone     bool               // the sibling manifests were read for exposure (see xfile.go)
	assetIDs    map[*object]string // the asset recorded for each workload object
	secretUsers map[string][]*pod  // namespace/name of a Secret → pods that read it

	checked map[*yaml.Node]bool // nodes already checked, so aliases and shared specs report once
	keys    map[string]bool     // other things already reported
	stop    bool                // the context was cancelled
}

func newFile(pass *analysis.Pass, docs []*yaml.Node) *file {
	return &file{pass: pass, docs: docs, sas: map[string]*object{}, secrets: map[string]*object{}, checked: map[*yaml.Node]bool{}, keys: map[string]bool{}}
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

// loc is the location of a node.
func (f *file) loc(n *yaml.Node) finding.Location {
	if n == nil {
		return f.pass.Line(0, 0)
	}
	return f.pass.Line(n.Line, n.Column)
}

// report records a finding at n with the rule's own severity.
func (f *file) report(r *rule.Rule, n *yaml.Node, evidence, msg string, assets ...string) {
	f.reportSev(r, r.Severity, n, evidence, msg, assets...)
}

// reportSev records a finding at n with a severity chosen from the evidence.
func (f *file) reportSev(r *rule.Rule, sev rule.Severity, n *yaml.Node, evidence, msg string, assets ...string) {
	f.reportAt(r, sev, f.loc(n), evidence, msg, assets...)
}

// reportAt records a finding at a location.
func (f *file) reportAt(r *rule.Rule, sev rule.Severity, loc finding.Location, evidence, msg string, assets ...string) {
	var ids []string
	for _, a := range assets {
		if a != "" {
			ids = append(ids, a)
		}
	}
	f.pass.ReportFinding(finding.Finding{
		Rule: r, Severity: sev, Confidence: r.Confidence,
		Location: loc, Message: msg, Evidence: evidence, Assets: ids,
	})
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
