package k8s

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// Exposure levels, from the outside world's point of view.
const (
	exposedNone     = 0
	exposedNodePort = 1 // reachable on every node's address
	exposedPublic   = 2 // LoadBalancer or Ingress
)

// exposure is how a pod is reachable from outside the cluster.
type exposure struct {
	level int
	via   string // "Service x (LoadBalancer)", "Ingress y"
}

// service is a Service object, read once.
type service struct {
	obj      *object
	typ      string
	typNode  *yaml.Node
	selector map[string]string
	ports    []svcPort
}

type svcPort struct {
	node         *yaml.Node
	name         string
	port, target int    // 0 when absent or named
	targetName   string // a named targetPort
}

func parseService(o *object) *service {
	spec := yamlutil.Get(o.node, "spec")
	s := &service{obj: o, typNode: yamlutil.Get(spec, "type"), selector: strMap(yamlutil.Get(spec, "selector"))}
	s.typ = yamlutil.Str(s.typNode)
	for _, pn := range limit(yamlutil.Items(yamlutil.Get(spec, "ports"))) {
		sp := svcPort{node: pn, name: yamlutil.Str(yamlutil.Get(pn, "name"))}
		if n := yamlutil.Get(pn, "port"); n != nil {
			sp.node = n // findings point at the port number
		}
		sp.port, _ = strconv.Atoi(yamlutil.Str(yamlutil.Get(pn, "port")))
		t := yamlutil.Str(yamlutil.Get(pn, "targetPort"))
		if n, err := strconv.Atoi(t); err == nil {
			sp.target = n
		} else {
			sp.targetName = t
		}
		if sp.target == 0 && sp.targetName == "" {
			sp.target = sp.port
		}
		s.ports = append(s.ports, sp)
	}
	return s
}

// level is the Service's own exposure.
func (s *service) level() int {
	switch strings.ToLower(s.typ) {
	case "loadbalancer":
		return exposedPublic
	case "nodeport":
		return exposedNodePort
	}
	return exposedNone
}

// selects reports whether the Service's selector picks the pod, by labels,
// within the same namespace.
func (s *service) selects(p *pod) bool {
	if len(s.selector) == 0 || len(p.labels) == 0 || nsKey(s.obj.namespace, "") != nsKey(p.obj.namespace, "") {
		return false
	}
	for k, v := range s.selector {
		if p.labels[k] != v {
			return false
		}
	}
	return true
}

// containerPort resolves a Service port to the container port numbers it reaches in pods.
func (f *file) containerPorts(s *service, sp svcPort) []int {
	out := []int{sp.port}
	if sp.target != 0 {
		out = append(out, sp.target)
	}
	if sp.targetName != "" {
		for _, p := range f.pods {
			if !s.selects(p) {
				continue
			}
			for _, c := range p.containers {
				for _, cp := range limit(yamlutil.Items(yamlutil.Get(c, "ports"))) {
					if yamlutil.Str(yamlutil.Get(cp, "name")) == sp.targetName {
						n, _ := strconv.Atoi(yamlutil.Str(yamlutil.Get(cp, "containerPort")))
						out = append(out, n)
					}
				}
			}
		}
	}
	return out
}

// ingressBackend is one Service an Ingress routes to.
type ingressBackend struct {
	node       *yaml.Node
	svc        string
	ns         string // the Service's namespace when the route names one
	port       int
	portName   string
	target     int    // an OpenShift Route's targetPort, by number
	targetName string // or by name
	anyPort    bool   // the route names no port: every port of the Service
}

// backends lists an Ingress's backends (networking.k8s.io/v1 and the older v1beta1 shape).
func backends(o *object) []ingressBackend {
	if o.kind != "Ingress" {
		return routeBackends(o)
	}
	spec := yamlutil.Get(o.node, "spec")
	var bs []*yaml.Node
	if d := yamlutil.Get(spec, "defaultBackend"); d != nil {
		bs = append(bs, d)
	}
	if d := yamlutil.Get(spec, "backend"); d != nil {
		bs = append(bs, d)
	}
	for _, r := range limit(yamlutil.Items(yamlutil.Get(spec, "rules"))) {
		for _, hp := range limit(yamlutil.Items(yamlutil.Path(r, "http", "paths"))) {
			if b := yamlutil.Get(hp, "backend"); b != nil {
				bs = append(bs, b)
			}
		}
	}
	var out []ingressBackend
	for _, b := range bs {
		if svc := yamlutil.Get(b, "service"); svc != nil { // v1
			ib := ingressBackend{node: yamlutil.Get(svc, "name"), svc: yamlutil.Str(yamlutil.Get(svc, "name"))}
			ib.port, _ = strconv.Atoi(yamlutil.Str(yamlutil.Path(svc, "port", "number")))
			ib.portName = yamlutil.Str(yamlutil.Path(svc, "port", "name"))
			if pn := yamlutil.Get(yamlutil.Get(svc, "port"), "number"); pn != nil {
				ib.node = pn
			}
			out = append(out, ib)
			continue
		}
		if name := yamlutil.Get(b, "serviceName"); name != nil { // v1beta1
			ib := ingressBackend{node: name, svc: name.Value}
			sp := yamlutil.Str(yamlutil.Get(b, "servicePort"))
			if n, err := strconv.Atoi(sp); err == nil {
				ib.port = n
				ib.node = yamlutil.Get(b, "servicePort")
			} else {
				ib.portName = sp
			}
			out = append(out, ib)
		}
	}
	return out
}

// exposure works out which pods are reachable from outside and reports
// exposed Ray and model-server management ports.
func (f *file) exposure() {
	f.exposed = map[*pod]exposure{}
	for _, s := range f.services {
		if lvl := s.level(); lvl > exposedNone {
			via := s.via()
			f.mark(s, lvl, via)
			for _, sp := range s.ports {
				f.checkExposedPort(s, sp, lvl, via, sp.node)
			}
		}
	}
	for _, ing := range f.ingresses {
		for _, b := range backends(ing) {
			via := ing.kind + " " + ing.name
			s := f.serviceNamed(b.namespace(ing), b.svc)
			if s == nil {
				f.checkUnknownBackend(ing, b)
				continue
			}
			f.mark(s, exposedPublic, via)
			for _, sp := range s.ports {
				if b.matches(sp) {
					f.checkExposedPort(s, sp, exposedPublic, via, b.node)
				}
			}
		}
	}
}

// mark records that the pods s selects are reachable at level lvl through
// via, unless they already are at that level or higher.
func (f *file) mark(s *service, lvl int, via string) {
	for _, p := range f.pods {
		if s.selects(p) && f.exposed[p].level < lvl {
			f.exposed[p] = exposure{lvl, via}
		}
	}
}

// via names the Service for messages: "Service x (NodePort)", with the
// sibling file it was read from when it is not in the analyzed file.
func (s *service) via() string {
	return fmt.Sprintf("Service %s (%s)%s", s.obj.name, s.typ, s.obj.in())
}

// in is " in FILE" for an object read from a sibling file, "" otherwise.
func (o *object) in() string {
	if o.sibling == "" {
		return ""
	}
	return " in " + o.sibling
}

func (f *file) serviceNamed(ns, name string) *service {
	for _, s := range f.services {
		if s.obj.name == name && nsKey(s.obj.namespace, "") == nsKey(ns, "") {
			return s
		}
	}
	return nil
}

// Ray's unauthenticated ports.
var rayPorts = map[int]string{8265: "dashboard and job API", 10001: "Ray client", 6379: "GCS"}

// looksRay reports whether a Service fronts Ray.
func (f *file) looksRay(s *service) bool {
	if strings.Contains(strings.ToLower(s.obj.name), "ray") {
		return true
	}
	for k := range s.selector {
		if strings.HasPrefix(k, "ray.io/") {
			return true
		}
	}
	for _, p := range f.pods {
		if s.selects(p) && (p.role == roleRay || p.obj.group() == "ray.io") {
			return true
		}
	}
	return false
}

// raySeverity is the severity of Ray reached at exposure level lvl: the
// rule's (critical) on a public address, high through a NodePort.
func raySeverity(d *analysis.Diagnostic, lvl int, via string) {
	if lvl != exposedPublic {
		d.Severity, d.SeverityReason = rule.High, "reached through "+via+" on the nodes' addresses, not a public load balancer or Ingress"
	}
}

// raySubject is the Ray workload a Service fronts, the subject of its
// ray-dashboard finding; the Service itself when it selects none here.
func (f *file) raySubject(s *service) (any, string) {
	for _, p := range f.pods {
		if s.selects(p) && (p.role == roleRay || p.obj.group() == "ray.io") {
			return p.obj, f.assetOf(p.obj)
		}
	}
	return s.obj, f.assetOfService(s)
}

// checkExposedPort reports one externally reachable Service port that leads
// to Ray or a model server's management API. Both are reasons on a route:
// they join the finding of the workload they reach.
func (f *file) checkExposedPort(s *service, sp svcPort, lvl int, via string, at *yaml.Node) {
	ports := f.containerPorts(s, sp)
	ray := f.looksRay(s)
	for _, n := range ports {
		what, ok := rayPorts[n]
		if ok && (ray || n == 8265) {
			subject, asset := f.raySubject(s)
			d := analysis.Diagnostic{Rule: rules.RayDashboard, Location: f.loc(at), Evidence: fmt.Sprintf("%s port %d", s.obj.name, n),
				Message: fmt.Sprintf("Ray %s (port %d) is reachable from outside the cluster through %s; Ray has no authentication", what, n, via),
				Assets:  ids(asset)}
			raySeverity(&d, lvl, via)
			f.foldRoute(subject, d)
			return
		}
	}
	if srv, p, c := f.adminServer(s, ports); srv != "" {
		f.foldRoute(c, analysis.Diagnostic{Rule: rules.ModelServerAdmin, Location: f.loc(at), Evidence: fmt.Sprintf("%s port %d", s.obj.name, sp.port),
			Message: fmt.Sprintf("%s is reachable from outside the cluster through %s", srv, via),
			Assets:  ids(f.assetOf(p.obj))})
	}
}

// adminServer names the management API a Service port reaches, with the
// pod and container serving it; "" when none.
func (f *file) adminServer(s *service, ports []int) (string, *pod, *yaml.Node) {
	for _, p := range f.pods {
		if !s.selects(p) {
			continue
		}
		for _, c := range p.containers {
			argv := strings.ToLower(yamlutil.Str(yamlutil.Get(c, "image")))
			for _, k := range []string{"command", "args"} {
				for _, a := range limit(yamlutil.Items(yamlutil.Get(c, k))) {
					argv += " " + strings.ToLower(yamlutil.Str(a))
				}
			}
			for _, n := range ports {
				switch {
				case (n == 8081 || n == 7071) && strings.Contains(argv, "torchserve"):
					return fmt.Sprintf("the TorchServe management API (port %d)", n), p, c
				case (n == 8000 || n == 8001) && strings.Contains(argv, "tritonserver") && tritonExplicit(argv):
					return fmt.Sprintf("Triton with explicit model control (port %d)", n), p, c
				}
			}
		}
	}
	return "", nil, nil
}

func tritonExplicit(argv string) bool {
	return strings.Contains(argv, "--model-control-mode=explicit") || strings.Contains(argv, "--model-control-mode explicit")
}

// checkUnknownBackend judges an Ingress backend whose Service is in another
// file by its name and port alone (KubeRay names the head Service
// <cluster>-head-svc, and the finding joins that cluster's when it is here).
func (f *file) checkUnknownBackend(ing *object, b ingressBackend) {
	if !strings.Contains(strings.ToLower(b.svc), "ray") {
		return
	}
	what, ok := rayPorts[b.port]
	if !ok && (b.portName == "dashboard" || b.portName == "client") {
		what, ok = "Ray "+b.portName, true
	}
	if !ok {
		return
	}
	d := analysis.Diagnostic{Rule: rules.RayDashboard, Location: f.loc(b.node), Evidence: fmt.Sprintf("%s port %d%s", b.svc, b.port, b.portName),
		Message: fmt.Sprintf("%s %s routes to the Ray %s of Service %s; Ray has no authentication", ing.kind, ing.name, what, b.svc)}
	var subject any = b.node
	if cluster, ok := strings.CutSuffix(b.svc, "-head-svc"); ok {
		for _, o := range f.objs {
			if o.group() == "ray.io" && o.name == cluster && nsKey(o.namespace, "") == nsKey(b.namespace(ing), "") {
				subject, d.Assets = o, ids(f.assetOf(o))
				break
			}
		}
	}
	f.foldRoute(subject, d)
}

// checkRayService reports KubeRay head Services of type LoadBalancer or
// NodePort, and head Ingresses, on RayCluster, RayJob and RayService.
func (f *file) checkRayService(o *object) {
	for _, path := range []string{"spec.headGroupSpec", "spec.rayClusterSpec.headGroupSpec", "spec.rayClusterConfig.headGroupSpec"} {
		for _, head := range follow(o.node, path) {
			asset := f.assetOf(o)
			// serviceType, unless the headService template (the base KubeRay
			// builds the head Service from) sets the type itself.
			key, st := "serviceType", yamlutil.Get(head, "serviceType")
			if t := yamlutil.Path(head, "headService", "spec", "type"); t != nil && t.Kind == yaml.ScalarNode && t.Value != "" {
				key, st = "headService.spec.type", t
			}
			if st != nil {
				lvl := map[string]int{"loadbalancer": exposedPublic, "nodeport": exposedNodePort}[strings.ToLower(st.Value)]
				if lvl > exposedNone {
					d := analysis.Diagnostic{Rule: rules.RayDashboard, Location: f.loc(st), Evidence: key + ": " + st.Value,
						Message: fmt.Sprintf("%s %s exposes its head Service as %s: the Ray dashboard/job API (8265), client (10001) and GCS (6379) ports have no authentication%s", o.kind, o.name, st.Value, dashboardNote(head)),
						Assets:  ids(asset)}
					raySeverity(&d, lvl, "its head Service ("+st.Value+")")
					f.fold(o, d)
				}
			}
			if ei := yamlutil.Get(head, "enableIngress"); isTrue(ei) {
				f.fold(o, analysis.Diagnostic{Rule: rules.RayDashboard, Location: f.loc(ei), Evidence: "enableIngress: true",
					Message: fmt.Sprintf("%s %s creates an Ingress for the Ray dashboard, whose job API runs any command without authentication", o.kind, o.name),
					Assets:  ids(asset)})
			}
		}
	}
}

func dashboardNote(head *yaml.Node) string {
	if h := yamlutil.Path(head, "rayStartParams", "dashboard-host"); h != nil && (h.Value == "0.0.0.0" || h.Value == "::") {
		return " (dashboard-host " + h.Value + ")"
	}
	return ""
}
