package k8s

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

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

// helmValues checks JupyterHub (zero-to-jupyterhub) chart values.
func (f *file) helmValues(root *yaml.Node) {
	hub := yamlutil.Get(root, "hub")
	if hub == nil {
		return
	}
	sev, why := f.hubExposure(root)
	if n := yamlutil.Path(hub, "config", "JupyterHub", "authenticator_class"); n != nil && isDummy(n.Value) {
		f.reportSev(rules.JupyterNoAuth, sev, n, "authenticator_class: "+n.Value,
			"JupyterHub uses the DummyAuthenticator: any user name logs in and gets a notebook server"+why)
	}
	if n := yamlutil.Path(root, "auth", "type"); n != nil && isDummy(n.Value) {
		f.reportSev(rules.JupyterNoAuth, sev, n, "auth.type: "+n.Value,
			"JupyterHub (chart < 0.11 auth.type) uses the DummyAuthenticator: any user name logs in and gets a notebook server"+why)
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
			f.reportAt(rules.JupyterNoAuth, sev, f.pass.Line(line, 0), strings.TrimSpace(v.Value[m[0]:m[1]]),
				"hub.extraConfig selects the DummyAuthenticator: any user name logs in and gets a notebook server"+why)
		}
	})
}

// hubExposure decides the severity of an unauthenticated hub from the
// proxy Service type (the chart's default is LoadBalancer) and ingress.
func (f *file) hubExposure(root *yaml.Node) (rule.Severity, string) {
	if isTrue(yamlutil.Path(root, "ingress", "enabled")) {
		return rule.Critical, ", and the chart's Ingress publishes it"
	}
	t := yamlutil.Str(yamlutil.Path(root, "proxy", "service", "type"))
	switch strings.ToLower(t) {
	case "", "loadbalancer":
		return rule.Critical, ", and the proxy Service is a LoadBalancer (the chart default)"
	case "nodeport":
		return rule.Critical, ", and the proxy Service is a NodePort"
	}
	return rule.High, fmt.Sprintf(" (proxy Service %s: reachable from inside the cluster)", t)
}
