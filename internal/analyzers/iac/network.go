package iac

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// mlService is a port an ML service listens on by default.
type mlService struct {
	Port     int
	Name     string
	Critical bool // unauthenticated code execution for whoever reaches it
}

// mlServices lists the default ports of ML services, in port order.
var mlServices = []mlService{
	{5000, "MLflow", false},
	{6006, "TensorBoard", false},
	{6379, "Ray GCS/Redis", false},
	{7860, "Gradio", false},
	{8000, "Triton HTTP", false},
	{8001, "Triton gRPC", false},
	{8002, "Triton metrics", false},
	{8080, "TorchServe inference / Label Studio", false},
	{8081, "TorchServe management", false},
	{8082, "TorchServe metrics", false},
	{8265, "Ray dashboard and job API", true},
	{8501, "Streamlit", false},
	{8888, "Jupyter", true},
	{9000, "MinIO API", false},
	{9001, "MinIO console", false},
	{10001, "Ray client", false},
}

// portRange is an inclusive range of TCP ports; All means every port.
type portRange struct {
	Lo, Hi int
	All    bool
}

// allPortsWidth: a range this wide is "every port", not a choice of services.
const allPortsWidth = 60000

// services returns the ML services a range exposes.
func (p portRange) services() []mlService {
	if p.All || p.Hi-p.Lo >= allPortsWidth {
		return nil
	}
	var out []mlService
	for _, s := range mlServices {
		if s.Port >= p.Lo && s.Port <= p.Hi {
			out = append(out, s)
		}
	}
	return out
}

func (p portRange) all() bool { return p.All || p.Hi-p.Lo >= allPortsWidth }

// parsePorts reads "8888", "8000-8002" or "*".
func parsePorts(s string) (portRange, bool) {
	s = strings.TrimSpace(s)
	if s == "*" || s == "0-65535" || s == "1-65535" {
		return portRange{All: true}, true
	}
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil {
		return portRange{}, false
	}
	b := a
	if isRange {
		if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
			return portRange{}, false
		}
	}
	return portRange{Lo: a, Hi: b}, true
}

// isWorld reports whether a source address means the whole internet.
func isWorld(s string) bool {
	switch strings.TrimSpace(s) {
	case "0.0.0.0/0", "::/0", "*", "Internet", "Any", "0.0.0.0":
		return true
	}
	return false
}

// exposure is one ingress rule to judge.
type exposure struct {
	Owner    string
	At       hcl.Range // where the open source range is written
	Expr     hclsyntax.Expression
	Evidence string
	Ports    []portRange
	// Unresolved values that decide the rule, if any.
	SourceUnresolved *tfeval.Value
	PortsUnresolved  *tfeval.Value
}

// addPorts adds the port ranges of a list value, noting it as unresolved
// when it could not be read as a list of strings.
func (e *exposure) addPorts(v tfeval.Value) {
	list, ok := tfeval.StringsOf(v.V)
	if v.Failed || !ok {
		e.PortsUnresolved = &v
	}
	for _, s := range list {
		if pr, ok := parsePorts(s); ok {
			e.Ports = append(e.Ports, pr)
		}
	}
}

// checkNetwork reports ingress rules that open ML ports to the internet.
func (c *checker) checkNetwork() {
	for _, r := range c.m.Resources {
		if r.Data {
			continue
		}
		body := r.Body()
		switch r.Type {
		case "aws_security_group":
			for _, in := range tfeval.Blocks(body, "ingress") {
				c.judge(c.awsRule(r.Addr(), in.Body, "protocol", "cidr_blocks", "ipv6_cidr_blocks"))
			}
		case "aws_security_group_rule":
			if t, ok := c.m.Eval(body, "type").Str(); !ok || t != "ingress" {
				continue
			}
			c.judge(c.awsRule(r.Addr(), body, "protocol", "cidr_blocks", "ipv6_cidr_blocks"))
		case "aws_vpc_security_group_ingress_rule":
			c.judge(c.awsRule(r.Addr(), body, "ip_protocol", "cidr_ipv4", "cidr_ipv6"))
		case "google_compute_firewall":
			c.judge(c.gcpRule(r.Addr(), body))
		case "azurerm_network_security_rule":
			c.judge(c.azureRule(r.Addr(), body))
		case "azurerm_network_security_group":
			for _, sr := range tfeval.Blocks(body, "security_rule") {
				c.judge(c.azureRule(r.Addr(), sr.Body))
			}
		}
	}
}

// worldSource evaluates source-range attributes; it returns the first one
// open to the world, or an unresolved one.
func (c *checker) worldSource(body *hclsyntax.Body, names ...string) (open, unresolved *tfeval.Value) {
	for _, n := range names {
		v := c.m.Eval(body, n)
		if !v.Present() {
			continue
		}
		list, ok := tfeval.StringsOf(v.V)
		if v.Failed {
			ok = false
		}
		for _, s := range list {
			if isWorld(s) {
				return &v, nil
			}
		}
		if !ok && unresolved == nil {
			unresolved = &v
		}
	}
	return nil, unresolved
}

func (c *checker) awsRule(owner string, body *hclsyntax.Body, protoAttr string, cidrAttrs ...string) *exposure {
	open, unres := c.worldSource(body, cidrAttrs...)
	if open == nil && unres == nil {
		return nil
	}
	e := &exposure{Owner: owner, SourceUnresolved: unres}
	if open != nil {
		e.At, e.Expr, e.Evidence, e.SourceUnresolved = open.Range(), open.Attr.Expr, open.Source(), nil
	}
	pv := c.m.Eval(body, protoAttr)
	proto, ok := pv.Str()
	switch {
	case !pv.Present():
		return nil
	case !ok:
		e.PortsUnresolved = &pv
		return e
	}
	switch strings.ToLower(proto) {
	case "-1", "all":
		e.Ports = []portRange{{All: true}}
		return e
	case "tcp", "6":
	default:
		return nil // UDP, ICMP: not how these services are reached
	}
	fv, tv := c.m.Eval(body, "from_port"), c.m.Eval(body, "to_port")
	if !fv.Present() || !tv.Present() {
		// The provider requires both ports for TCP (and for every rule of
		// aws_security_group_rule); Terraform rejects a rule without them,
		// so it opens nothing. A hostile or half-written file must not
		// turn the absence into a note on an attribute that is not there.
		return nil
	}
	from, fok := fv.Str()
	to, tok := tv.Str()
	if !fok {
		e.PortsUnresolved = &fv
		return e
	}
	if !tok {
		e.PortsUnresolved = &tv
		return e
	}
	pr, ok := parsePorts(from + "-" + to)
	if !ok {
		return nil
	}
	if pr.Lo == 0 && pr.Hi == 0 {
		pr = portRange{All: true} // tcp 0-0 is taken by AWS as every port
	}
	e.Ports = []portRange{pr}
	return e
}

func (c *checker) gcpRule(owner string, body *hclsyntax.Body) *exposure {
	if d, ok := c.m.Eval(body, "direction").Str(); ok && strings.ToUpper(d) != "INGRESS" {
		return nil
	}
	if d, ok := c.m.Eval(body, "disabled").Str(); ok && d == "true" {
		return nil
	}
	open, unres := c.worldSource(body, "source_ranges")
	if open == nil && unres == nil {
		return nil
	}
	e := &exposure{Owner: owner, SourceUnresolved: unres}
	if open != nil {
		e.At, e.Expr, e.Evidence, e.SourceUnresolved = open.Range(), open.Attr.Expr, open.Source(), nil
	}
	for _, al := range tfeval.Blocks(body, "allow") {
		pv := c.m.Eval(al.Body, "protocol")
		if !pv.Present() {
			continue // protocol is required in an allow block: Terraform rejects one without it
		}
		proto, ok := pv.Str()
		if !ok {
			e.PortsUnresolved = &pv
			continue
		}
		switch strings.ToLower(proto) {
		case "all":
			e.Ports = append(e.Ports, portRange{All: true})
			continue
		case "tcp", "6":
		default:
			continue
		}
		ports := c.m.Eval(al.Body, "ports")
		if !ports.Present() {
			e.Ports = append(e.Ports, portRange{All: true})
			continue
		}
		e.addPorts(ports)
	}
	return e
}

func (c *checker) azureRule(owner string, body *hclsyntax.Body) *exposure {
	if d, ok := c.m.Eval(body, "direction").Str(); !ok || !strings.EqualFold(d, "Inbound") {
		return nil
	}
	if a, ok := c.m.Eval(body, "access").Str(); !ok || !strings.EqualFold(a, "Allow") {
		return nil
	}
	if p, ok := c.m.Eval(body, "protocol").Str(); ok && !(p == "*" || strings.EqualFold(p, "Tcp")) {
		return nil
	}
	open, unres := c.worldSource(body, "source_address_prefix", "source_address_prefixes")
	if open == nil && unres == nil {
		return nil
	}
	e := &exposure{Owner: owner, SourceUnresolved: unres}
	if open != nil {
		e.At, e.Expr, e.Evidence, e.SourceUnresolved = open.Range(), open.Attr.Expr, open.Source(), nil
	}
	for _, n := range []string{"destination_port_range", "destination_port_ranges"} {
		v := c.m.Eval(body, n)
		if !v.Present() {
			continue
		}
		e.addPorts(v)
	}
	return e
}

// judge reports an exposure, or notes what could not be resolved.
func (c *checker) judge(e *exposure) {
	if e == nil {
		return
	}
	var svcs []mlService
	all := false
	for _, p := range e.Ports {
		if p.all() {
			all = true
		}
		svcs = append(svcs, p.services()...)
	}
	// What could not be resolved and decides the rule: the source range
	// when the ports are ML ports, else ports that might be.
	var unres *tfeval.Value
	switch {
	case !all && len(svcs) == 0 && e.SourceUnresolved == nil:
		unres = e.PortsUnresolved
	case all || len(svcs) > 0:
		unres = e.SourceUnresolved
	}
	if unres != nil {
		if loc, ok := c.loc(unres.Range()); ok {
			c.pass.Report(analysis.Diagnostic{Rule: rules.Unresolved, Location: loc, Evidence: unres.Source(),
				Message: unresolvedMsg(*unres, rules.PortOpenToWorld, e.Owner), Related: c.definedElsewhere(exprOf(*unres))})
		}
		return
	}
	if !all && len(svcs) == 0 {
		return
	}
	sev := rule.High
	var names []string
	seen := map[int]bool{}
	for _, s := range svcs {
		if seen[s.Port] {
			continue
		}
		seen[s.Port] = true
		names = append(names, fmt.Sprintf("%d (%s)", s.Port, s.Name))
		if s.Critical {
			sev = rule.Critical
		}
	}
	var what string
	switch {
	case len(names) > 0 && all:
		what = "every port, including " + strings.Join(names, ", ")
	case all:
		what = "every port, including the default ports of MLflow, Jupyter, Ray and model servers"
	default:
		what = "port " + strings.Join(names, ", ")
	}
	loc, ok := c.loc(e.At)
	if !ok {
		return
	}
	d := analysis.Diagnostic{Rule: rules.PortOpenToWorld, Location: loc, Evidence: e.Evidence,
		Message: fmt.Sprintf("%s opens %s to the whole internet", e.Owner, what), Related: c.definedElsewhere(e.Expr)}
	if sev == rule.Critical {
		d.Message += "; Jupyter and the Ray dashboard run code for anyone who reaches them"
		d.Severity, d.SeverityReason = rule.Critical, "Jupyter or the Ray dashboard: unauthenticated code execution for whoever reaches the port"
	}
	c.pass.Report(d)
}
