package k8s

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// Exposure across files. Applications are often split over one directory
// (deployment.yaml, service.yaml, ingress.yaml), so a workload's Service or
// Ingress may live next to it rather than in its file. When a finding's
// severity depends on whether a pod is exposed, and the analyzed file alone
// does not publish it, the other manifests of the directory are read for
// their Services and Ingresses only, through the project index
// (Pass.Siblings): the files of the scan, never a link, within its bounds.
//
// Nothing from a sibling is ever reported on: its own findings are reported
// when it is analyzed itself, so every finding stays in the analyzed file
// and none is reported twice; a sibling's Service may only be a Related
// place. Siblings are read lazily, at most once per analyzed file, so a
// directory of thousands of manifests without exposure-dependent findings
// costs no extra reads.
//
// Only siblings the engine classifies as Kubernetes are read: YAML with
// apiVersion and kind in its first 8 KiB and JSON with both keys. A Helm
// template, a values file that merely mentions "kind: Service", or a
// manifest whose apiVersion hides past a long header is not analyzed as a
// manifest itself, so it lends no exposure either.

// exposingKind finds a Service or Ingress kind in YAML or JSON text, List
// items included.
var exposingKind = regexp.MustCompile(`(?m)\bkind"?\s*:\s*["']?(Service|Ingress|HTTPRoute|GRPCRoute|TLSRoute|TCPRoute|UDPRoute|VirtualService|Route)["']?\s*(,|}|$)`)

// exposureOf is how pod p is reachable from outside the cluster, looking at
// the sibling manifests of the file when the file itself does not publish p.
func (f *file) exposureOf(p *pod) exposure {
	if f.exposed[p].level < exposedPublic && !f.sibDone {
		f.loadSiblings()
	}
	return f.exposed[p]
}

// loadSiblings reads the Services and Ingresses of the sibling manifests
// and marks the analyzed file's pods they reach.
func (f *file) loadSiblings() {
	f.sibDone = true
	if f.pass.Kind != source.Kubernetes || len(f.pods) == 0 {
		return
	}
	var services []*service
	var ingresses []*object
	budget := maxObjects
	for _, sf := range f.pass.Siblings(source.Kubernetes) {
		if !exposingKind.Match(sf.Content) {
			continue
		}
		line := 0 // lines before the document
		for _, doc := range documents(sf.Content) {
			off := line
			line += bytes.Count(doc, []byte("\n"))
			if budget <= 0 || f.canceled() {
				break
			}
			if !exposingKind.Match(doc) {
				continue // parse only the documents that can matter
			}
			docs, _ := yamlutil.Parse(doc) // a broken document lends nothing; its file reports the error
			objs := collectObjects(docs, budget)
			budget -= len(objs)
			for _, o := range objs {
				o.sibling, o.path, o.lineOff = path.Base(sf.Path), sf.Path, off
				switch o.kind {
				case "Service":
					services = append(services, parseService(o))
				default:
					if isRoute(o) {
						ingresses = append(ingresses, o)
					}
				}
			}
		}
	}
	for _, s := range services {
		if lvl := s.level(); lvl > exposedNone {
			f.mark(s, lvl, s.via())
			for _, sp := range s.ports {
				f.checkSiblingPort(s, sp, s.via(), nil, []finding.Related{{Location: f.locOf(s.obj, sp.node),
					Message: fmt.Sprintf("%s publishes port %d", s.via(), sp.port)}})
			}
		}
	}
	named := func(ns, name string) *service {
		for _, s := range services {
			if s.obj.name == name && nsKey(s.obj.namespace, "") == nsKey(ns, "") {
				return s
			}
		}
		return nil
	}
	// An Ingress, here or in a sibling, routing to a Service, here or in a
	// sibling. An Ingress and Service both in this file were marked already.
	for _, ing := range append(append([]*object{}, f.ingresses...), ingresses...) {
		for _, b := range backends(ing) {
			s := named(b.namespace(ing), b.svc)
			if s == nil && ing.sibling != "" {
				s = f.serviceNamed(b.namespace(ing), b.svc)
			}
			if s == nil {
				continue
			}
			via := ing.kind + " " + ing.name + ing.in()
			f.mark(s, exposedPublic, via)
			for _, sp := range s.ports {
				if b.matches(sp) {
					var rel []finding.Related
					if s.obj.sibling != "" {
						rel = append(rel, finding.Related{Location: f.locOf(s.obj, sp.node), Message: fmt.Sprintf("%s, port %d", s.via(), sp.port)})
					}
					if ing.sibling == "" {
						f.checkSiblingPort(s, sp, via, b.node, rel) // the Ingress is here: report on its backend
					} else {
						rel = append(rel, finding.Related{Location: f.locOf(ing, b.node), Message: fmt.Sprintf("%s routes to Service %s", via, s.obj.name)})
						f.checkSiblingPort(s, sp, via, nil, rel)
					}
				}
			}
		}
	}
}

// needsSiblings reports whether the file has a core workload running a
// model server with a management API that a sibling Service could expose:
// that Service's own file cannot see the pods, so only this file can tell.
// Serving CRs (KServe, Seldon) are left out: their operators create the
// Services. The test is cheap and rarely true, so directories of many
// manifests are not read for every file.
func (f *file) needsSiblings() bool {
	for _, p := range f.pods {
		if p.role != roleServing || f.exposed[p].level >= exposedPublic || !coreWorkloads[p.obj.kind] {
			continue
		}
		for _, c := range p.containers {
			argv := strings.ToLower(yamlutil.Str(yamlutil.Get(c, "image")))
			for _, k := range []string{"command", "args"} {
				for _, a := range limit(yamlutil.Items(yamlutil.Get(c, k))) {
					argv += " " + strings.ToLower(yamlutil.Str(a))
				}
			}
			if strings.Contains(argv, "torchserve") || (strings.Contains(argv, "tritonserver") && tritonExplicit(argv)) {
				return true
			}
		}
	}
	return false
}

// coreWorkloads are the kinds whose pods a user-written Service selects.
var coreWorkloads = map[string]bool{"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true, "Pod": true, "ReplicationController": true}

// checkSiblingPort reports a model server management API of this file's
// pods reached through a Service or Ingress of a sibling file. The reason
// is placed on the Ingress backend when the Ingress is in this file, and
// otherwise on the container port it reaches, so it is in this file; rel
// points at the sibling's Service or Ingress. It joins the finding of the
// container it reaches, like a Service port of this file.
func (f *file) checkSiblingPort(s *service, sp svcPort, via string, at *yaml.Node, rel []finding.Related) {
	ports := f.containerPorts(s, sp)
	srv, p, c := f.adminServer(s, ports)
	if srv == "" {
		return
	}
	if at == nil {
		at = f.containerPortNode(s, ports)
	}
	if at == nil {
		return
	}
	f.foldRoute(c, analysis.Diagnostic{Rule: rules.ModelServerAdmin, Location: f.loc(at), Evidence: fmt.Sprintf("%s port %d", s.obj.name, sp.port),
		Message: fmt.Sprintf("%s is reachable from outside the cluster through %s", srv, via),
		Assets:  ids(f.assetOf(p.obj)), Related: rel})
}

// containerPortNode is the containerPort entry, in a pod s selects, that
// one of ports reaches; nil when none is declared.
func (f *file) containerPortNode(s *service, ports []int) *yaml.Node {
	for _, p := range f.pods {
		if !s.selects(p) {
			continue
		}
		for _, c := range p.containers {
			for _, cp := range limit(yamlutil.Items(yamlutil.Get(c, "ports"))) {
				n := yamlutil.Get(cp, "containerPort")
				v, _ := strconv.Atoi(yamlutil.Str(n))
				if v != 0 && slices.Contains(ports, v) {
					return n
				}
			}
		}
	}
	return nil
}

// documents splits YAML text into its documents at "---" lines, so that a
// large sibling is parsed only where it may declare a Service or an
// Ingress. Anchors never cross documents, so nothing is lost; a "---" at
// the start of a line is a document marker wherever it appears outside a
// quoted scalar, and a split inside one only spoils that document.
func documents(src []byte) [][]byte {
	var out [][]byte
	start := 0
	for i := 0; i < len(src); {
		end := bytes.IndexByte(src[i:], '\n')
		next := len(src)
		if end >= 0 {
			next = i + end + 1
		}
		line := src[i:next]
		if i > start && bytes.HasPrefix(line, []byte("---")) && (len(line) == 3 || line[3] == ' ' || line[3] == '\t' || line[3] == '\n' || line[3] == '\r') {
			out = append(out, src[start:i])
			start = i
		}
		i = next
	}
	return append(out, src[start:])
}
