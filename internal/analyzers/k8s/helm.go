package k8s

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// extraConfigDummy finds `c.JupyterHub.authenticator_class = "dummy"` in
// hub.extraConfig Python snippets.
var extraConfigDummy = regexp.MustCompile(`(?m)^[ \t]*c\.JupyterHub\.authenticator_class[ \t]*=[ \t]*['"]?([\w.]*dummy[\w.]*)['"]?`)

// isDummy reports the DummyAuthenticator under any of its names.
func isDummy(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v == "dummy" || strings.HasSuffix(v, ".dummyauthenticator") || v == "dummyauthenticator"
}

// helmValues checks JupyterHub (zero-to-jupyterhub) chart values. Every
// place that selects the DummyAuthenticator is one finding about the hub.
func (f *file) helmValues(root *yaml.Node) {
	hub := yamlutil.Get(root, "hub")
	if hub == nil {
		return
	}
	sev, why, reason := f.hubExposure(root)
	noAuth := func(loc finding.Location, evidence, msg string) {
		f.fold(hub, analysis.Diagnostic{Rule: rules.JupyterNoAuth, Location: loc, Evidence: evidence, Message: msg + why,
			Severity: sev, SeverityReason: reason})
	}
	if n := yamlutil.Path(hub, "config", "JupyterHub", "authenticator_class"); n != nil && isDummy(n.Value) {
		noAuth(f.loc(n), "authenticator_class: "+n.Value,
			"JupyterHub uses the DummyAuthenticator: any user name logs in and gets a notebook server")
	}
	if n := yamlutil.Path(root, "auth", "type"); n != nil && isDummy(n.Value) {
		noAuth(f.loc(n), "auth.type: "+n.Value,
			"JupyterHub (chart < 0.11 auth.type) uses the DummyAuthenticator: any user name logs in and gets a notebook server")
	}
	yamlutil.Pairs(yamlutil.Get(hub, "extraConfig"), func(_, v *yaml.Node) {
		if v.Kind != yaml.ScalarNode {
			return
		}
		if m := extraConfigDummy.FindStringSubmatchIndex(v.Value); m != nil {
			line := v.Line + strings.Count(v.Value[:m[0]], "\n")
			if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				line++
			}
			noAuth(f.pass.Line(line, 0), strings.TrimSpace(v.Value[m[0]:m[1]]),
				"hub.extraConfig selects the DummyAuthenticator: any user name logs in and gets a notebook server")
		}
	})
}

// hubExposure decides the severity of an unauthenticated hub from the
// proxy Service type (the chart's default is LoadBalancer) and ingress:
// the severity, the clause the message ends with, and the reason when the
// severity is not the rule's.
func (f *file) hubExposure(root *yaml.Node) (rule.Severity, string, string) {
	if isTrue(yamlutil.Path(root, "ingress", "enabled")) {
		return rule.Critical, ", and the chart's Ingress publishes it", "the chart's Ingress publishes the hub"
	}
	t := yamlutil.Str(yamlutil.Path(root, "proxy", "service", "type"))
	switch strings.ToLower(t) {
	case "", "loadbalancer":
		return rule.Critical, ", and the proxy Service is a LoadBalancer (the chart default)", "the hub's proxy Service is a LoadBalancer (the chart default)"
	case "nodeport":
		return rule.Critical, ", and the proxy Service is a NodePort", "the hub's proxy Service is a NodePort, open on every node's address"
	}
	return rules.JupyterNoAuth.Severity, fmt.Sprintf(" (proxy Service %s: reachable from inside the cluster)", t), ""
}
