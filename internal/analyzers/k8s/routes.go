package k8s

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/yamlutil"
)

// isRoute reports the objects that publish Services like an Ingress does:
// the Ingress itself, Gateway API HTTPRoute, GRPCRoute, TLSRoute and
// TCPRoute (attached to a Gateway), an Istio VirtualService bound to a
// gateway other than the mesh, and an OpenShift Route.
func isRoute(o *object) bool {
	switch o.kind {
	case "Ingress":
		return true
	case "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute":
		return o.group() == "gateway.networking.k8s.io" && len(yamlutil.Items(yamlutil.Path(o.node, "spec", "parentRefs"))) > 0
	case "VirtualService":
		if !strings.HasPrefix(o.group(), "networking.istio.io") {
			return false
		}
		for _, g := range yamlutil.Items(yamlutil.Path(o.node, "spec", "gateways")) {
			if v := yamlutil.Str(g); v != "" && v != "mesh" {
				return true
			}
		}
		return false
	case "Route":
		return o.group() == "route.openshift.io"
	}
	return false
}

// matches reports whether the backend reaches Service port sp.
func (b ingressBackend) matches(sp svcPort) bool {
	return b.anyPort || (b.port != 0 && b.port == sp.port) || (b.portName != "" && b.portName == sp.name) ||
		(b.target != 0 && b.target == sp.target) || (b.targetName != "" && b.targetName == sp.targetName)
}

// namespace is the backend Service's namespace: its own when the route
// names one, the route's otherwise.
func (b ingressBackend) namespace(route *object) string {
	if b.ns != "" {
		return b.ns
	}
	return route.namespace
}

// routeBackends lists the Services a route other than an Ingress reaches.
func routeBackends(o *object) []ingressBackend {
	spec := yamlutil.Get(o.node, "spec")
	var out []ingressBackend
	switch o.kind {
	case "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute":
		for _, r := range limit(yamlutil.Items(yamlutil.Get(spec, "rules"))) {
			for _, ref := range limit(yamlutil.Items(yamlutil.Get(r, "backendRefs"))) {
				if k := yamlutil.Str(yamlutil.Get(ref, "kind")); k != "" && k != "Service" {
					continue
				}
				b := ingressBackend{node: yamlutil.Get(ref, "name"), svc: yamlutil.Str(yamlutil.Get(ref, "name")),
					ns: yamlutil.Str(yamlutil.Get(ref, "namespace"))}
				if pn := yamlutil.Get(ref, "port"); pn != nil {
					b.port, _ = strconv.Atoi(pn.Value)
					b.node = pn
				} else {
					b.anyPort = true
				}
				out = append(out, b)
			}
		}
	case "VirtualService":
		for _, proto := range []string{"http", "grpc", "tcp", "tls"} {
			for _, r := range limit(yamlutil.Items(yamlutil.Get(spec, proto))) {
				for _, dst := range limit(yamlutil.Items(yamlutil.Get(r, "route"))) {
					d := yamlutil.Get(dst, "destination")
					host := yamlutil.Str(yamlutil.Get(d, "host"))
					if host == "" || strings.Contains(host, "*") {
						continue
					}
					labels := strings.Split(host, ".")
					b := ingressBackend{node: yamlutil.Get(d, "host"), svc: labels[0]}
					if len(labels) > 1 {
						b.ns = labels[1]
					}
					if pn := yamlutil.Path(d, "port", "number"); pn != nil {
						b.port, _ = strconv.Atoi(pn.Value)
						b.node = pn
					} else {
						b.anyPort = true
					}
					out = append(out, b)
				}
			}
		}
	case "Route":
		var to []*yaml.Node
		if t := yamlutil.Get(spec, "to"); t != nil {
			to = append(to, t)
		}
		to = append(to, limit(yamlutil.Items(yamlutil.Get(spec, "alternateBackends")))...)
		tp := yamlutil.Path(spec, "port", "targetPort")
		for _, t := range to {
			if k := yamlutil.Str(yamlutil.Get(t, "kind")); k != "" && k != "Service" {
				continue
			}
			b := ingressBackend{node: yamlutil.Get(t, "name"), svc: yamlutil.Str(yamlutil.Get(t, "name"))}
			switch {
			case tp == nil:
				b.anyPort = true // the Route uses every port of the Service
			default:
				// targetPort names the Service's target port (a number or a name).
				if n, err := strconv.Atoi(tp.Value); err == nil {
					b.target = n
				} else {
					b.targetName, b.portName = tp.Value, tp.Value
				}
				b.node = tp
			}
			out = append(out, b)
		}
	}
	return out
}
