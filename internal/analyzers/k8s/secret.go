package k8s

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/secretlike"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// checkSecret reports default credentials and literal data in a Secret.
func (f *file) checkSecret(o *object) {
	switch yamlutil.Str(yamlutil.Get(o.node, "type")) {
	case "kubernetes.io/service-account-token":
		return // filled in by the token controller
	}
	key := nsKey(o.namespace, o.name)
	cred := asset.Credential("k8s", key)
	cred.Locations = []finding.Location{f.loc(o.node)}
	f.pass.AddAsset(cred)
	id := cred.ID

	var first *yaml.Node
	var keys []string
	check := func(k, v *yaml.Node, encoded bool) {
		value := v.Value
		if encoded {
			if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value)); err == nil {
				value = string(b)
			}
		}
		if d := defaultFor(k.Value, value); d != nil {
			f.secretDefault(o, key, k, v, value, d, id)
			return
		}
		if _, _, pw, ok := passwordInURI(value); ok && !secretlike.Placeholder(pw) {
			keys = append(keys, k.Value)
			if first == nil {
				first = v
			}
			return
		}
		if secretlike.Placeholder(value) || usernameKey(k.Value) {
			return
		}
		keys = append(keys, k.Value)
		if first == nil {
			first = v
		}
	}
	count := 0
	for _, field := range []string{"data", "stringData"} {
		yamlutil.Pairs(yamlutil.Get(o.node, field), func(k, v *yaml.Node) {
			count++
			if count <= maxItems && v.Kind == yaml.ScalarNode {
				check(k, v, field == "data")
			}
		})
	}
	if first == nil {
		return
	}
	sort.Strings(keys)
	if len(keys) > 5 {
		keys = append(keys[:5], "…")
	}
	f.pass.Report(analysis.Diagnostic{Rule: rules.SecretManifest, Location: f.loc(first), Evidence: "Secret " + o.name + ": " + strings.Join(keys, ", "),
		Message: fmt.Sprintf("Secret %s commits literal values for %s; base64 is not encryption", o.name, strings.Join(keys, ", ")),
		Assets:  ids(id)})
}

// secretDefault reports a default credential in a Secret, critical when a
// pod reading the Secret is exposed in this file.
func (f *file) secretDefault(o *object, key string, k, v *yaml.Node, value string, d *defaultCred, id string) {
	at := v
	if v.Line != k.Line {
		at = k
	}
	diag := analysis.Diagnostic{Rule: rules.DefaultCredentials, Location: f.loc(at), Evidence: k.Value + "=" + value, Assets: ids(id)}
	where := ""
	for _, p := range f.secretUsers[key] {
		if e := f.exposureOf(p); e.level > 0 {
			where = fmt.Sprintf("; %s %s reads it and is exposed through %s", p.obj.kind, p.obj.name, e.via)
			diag.Severity, diag.SeverityReason = rule.Critical, fmt.Sprintf("%s %s reads it and is exposed outside the cluster through %s", p.obj.kind, p.obj.name, e.via)
			diag.Assets = ids(id, f.assetOf(p.obj))
			break
		}
	}
	diag.Message = fmt.Sprintf("Secret %s holds the %s default credential %s=%s%s", o.name, d.product, k.Value, value, where)
	f.pass.Report(diag)
}

// checkConfigMap finds Kubeflow's default Dex user in a Dex configuration,
// and a TorchServe config.properties whose management API listens on all
// interfaces.
func (f *file) checkConfigMap(o *object) {
	yamlutil.Pairs(yamlutil.Get(o.node, "data"), func(k, v *yaml.Node) {
		if v.Kind != yaml.ScalarNode || !strings.HasSuffix(k.Value, ".properties") || !strings.Contains(v.Value, "management_address") {
			return
		}
		first := v.Line
		if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			first++ // a block scalar's text starts on the line after its indicator
		}
		for _, m := range mlcmd.TorchServeProperties(v.Value) {
			line := first + m.Line - 1
			if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
				line = v.Line // a quoted or plain value: line breaks are not the file's
			}
			d := m.Diagnostic(f.pass.Line(line, 0))
			d.Message = fmt.Sprintf("ConfigMap %s, %s: %s", o.name, k.Value, m.Message)
			f.pass.Report(d)
		}
	})
	yamlutil.Pairs(yamlutil.Get(o.node, "data"), func(k, v *yaml.Node) {
		if v.Kind != yaml.ScalarNode || !strings.Contains(v.Value, "staticPasswords") {
			return
		}
		i := strings.Index(v.Value, "user@example.com")
		if i < 0 {
			return
		}
		line := v.Line + strings.Count(v.Value[:i], "\n")
		if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			line++
		}
		f.pass.Report(analysis.Diagnostic{Rule: rules.DefaultCredentials, Location: f.pass.Line(line, 0), Evidence: "user@example.com",
			Message: fmt.Sprintf("ConfigMap %s keeps Kubeflow's default Dex static user user@example.com (password 12341234)", o.name)})
	})
}

// checkKustomization reports image overrides without a digest.
func (f *file) checkKustomization(o *object) {
	for _, im := range limit(yamlutil.Items(yamlutil.Get(o.node, "images"))) {
		if yamlutil.Get(im, "digest") != nil {
			continue
		}
		tag := yamlutil.Get(im, "newTag")
		if tag == nil {
			continue // only a rename: the tag comes from the base, judged there
		}
		name := yamlutil.Str(yamlutil.Get(im, "newName"))
		if name == "" {
			name = yamlutil.Str(yamlutil.Get(im, "name"))
		}
		f.checkImage(nil, nil, tag, name+":"+tag.Value, "")
	}
}
