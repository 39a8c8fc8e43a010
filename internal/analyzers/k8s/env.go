package k8s

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/secretlike"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// checkEnv looks at a container's environment for credentials.
func (f *file) checkEnv(p *pod, c *yaml.Node, asset string) {
	for _, e := range limit(yamlutil.Items(yamlutil.Get(c, "env"))) {
		name := yamlutil.Str(yamlutil.Get(e, "name"))
		vn := yamlutil.Get(e, "value")
		if name == "" || vn == nil || vn.Kind != yaml.ScalarNode || yamlutil.Get(e, "valueFrom") != nil {
			continue
		}
		f.envValue(p, name, vn, asset)
	}
}

// envValue checks one literal NAME=value.
func (f *file) envValue(p *pod, name string, vn *yaml.Node, asset string) {
	value := vn.Value
	if d := defaultFor(name, value); d != nil {
		f.defaultCred(p, vn, name, value, d, asset)
		return
	}
	if strings.EqualFold(name, "MYSQL_ALLOW_EMPTY_PASSWORD") && isTrue(vn) {
		f.defaultCred(p, vn, name, value, &defaultCred{product: "MySQL (empty root password)"}, asset)
		return
	}
	if scheme, user, pw, ok := passwordInURI(value); ok && !secretlike.Placeholder(pw) {
		if d := uriDefault(scheme, pw); d != nil {
			f.defaultCred(p, vn, name, scheme+"://"+user+":"+pw+"@", d, asset)
			return
		}
		f.pass.Report(analysis.Diagnostic{Rule: rules.CredentialInEnv, Location: f.loc(vn), Evidence: name + "=" + scheme + "://" + user + ":" + redactValue(pw) + "@…",
			Message: fmt.Sprintf("env %s of %s %s holds a %s URI with its password written in the manifest", name, p.obj.kind, p.obj.name, scheme),
			Assets:  ids(asset, f.envCredential(asset, name, vn))})
		return
	}
	if !secretlike.SecretName(name) || secretlike.Placeholder(value) || strings.HasPrefix(value, "/") || isNumberLike(value) {
		return
	}
	f.pass.Report(analysis.Diagnostic{Rule: rules.CredentialInEnv, Location: f.loc(vn), Evidence: name + "=" + redactValue(value),
		Message: fmt.Sprintf("env %s of %s %s is set to a literal credential; use valueFrom.secretKeyRef", name, p.obj.kind, p.obj.name),
		Assets:  ids(asset, f.envCredential(asset, name, vn))})
}

// isNumberLike is for TOKEN-ish names holding counts, not secrets (MAX_TOKEN=512).
func isNumberLike(v string) bool {
	if len(v) > 6 {
		return false
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return false
		}
	}
	return v != ""
}

// defaultCred reports a default credential, critical when the pod is exposed.
func (f *file) defaultCred(p *pod, n *yaml.Node, name, value string, d *defaultCred, asset string) {
	diag := analysis.Diagnostic{Rule: rules.DefaultCredentials, Location: f.loc(n), Evidence: name + "=" + value, Assets: ids(asset, f.envCredential(asset, name, n))}
	where := ""
	if p != nil {
		if e := f.exposureOf(p); e.level > 0 {
			where = "; the pod is exposed through " + e.via
			diag.Severity, diag.SeverityReason = rule.Critical, "the pod is exposed outside the cluster through "+e.via
		}
	}
	kind, objName := "", ""
	if p != nil {
		kind, objName = p.obj.kind+" ", p.obj.name
	}
	diag.Message = fmt.Sprintf("%s%s uses the %s default credential %s=%s%s", kind, objName, d.product, name, value, where)
	f.pass.Report(diag)
}
