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
	"github.com/mlsec/mlsec/internal/secretlike"
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
	f.hubTokens(root, hub)
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

// hubTokens reports the JupyterHub chart's shared secrets written into the
// values file: a hub service's API token (hub.services.NAME.apiToken, or
// api_token under hub.config.JupyterHub.services) lets its holder act as
// that service, an admin one as any user; proxy.secretToken lets its
// holder reroute the proxy; hub.cookieSecret forges logins. Placeholders
// and references (set by --set or an existing Secret) are not reported.
func (f *file) hubTokens(root, hub *yaml.Node) {
	report := func(n *yaml.Node, where, what string, admin bool) {
		if n == nil || n.Kind != yaml.ScalarNode || !tokenLike(n.Value) || secretlike.Placeholder(n.Value) ||
			secretlike.Reference(n.Value) || secretlike.EnvPlaceholder(n.Value) {
			return
		}
		d := analysis.Diagnostic{Rule: rules.SecretManifest, Location: f.loc(n), Evidence: where + ": " + secretlike.Mask(n.Value),
			Message: "the JupyterHub values commit " + where + " in clear text: " + what}
		if admin {
			d.Severity, d.SeverityReason = rule.Critical, "the service is a hub admin: its token acts as any user, and so runs code in every user's server"
		}
		f.pass.Report(d)
	}
	yamlutil.Pairs(yamlutil.Get(hub, "services"), func(k, v *yaml.Node) {
		for _, key := range []string{"apiToken", "api_token"} {
			report(yamlutil.Get(v, key), "hub.services."+k.Value+"."+key, "whoever reads the file can call the hub API as service "+k.Value,
				isTrue(yamlutil.Get(v, "admin")))
		}
	})
	for _, sv := range limit(yamlutil.Items(yamlutil.Path(hub, "config", "JupyterHub", "services"))) {
		name := yamlutil.Str(yamlutil.Get(sv, "name"))
		report(yamlutil.Get(sv, "api_token"), "hub.config.JupyterHub.services["+name+"].api_token",
			"whoever reads the file can call the hub API as service "+name, isTrue(yamlutil.Get(sv, "admin")))
	}
	report(yamlutil.Path(root, "proxy", "secretToken"), "proxy.secretToken",
		"whoever reads the file can rewrite the proxy's routes and send users' traffic, tokens included, to their own server", false)
	report(yamlutil.Get(hub, "cookieSecret"), "hub.cookieSecret", "whoever reads the file can forge hub login cookies", false)
}

// tokenLike reports a value shaped like a generated token (the chart's docs
// say `openssl rand -hex 32`): 16 or more characters without spaces, with
// digits among them. Words such as "from-secret" or "changeme" are not.
func tokenLike(v string) bool {
	v = strings.TrimSpace(v)
	return len(v) >= 16 && !strings.ContainsAny(v, " \t") && strings.ContainsAny(v, "0123456789")
}
