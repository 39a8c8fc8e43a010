package k8s

import (
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// reportedShared says which mlcmd rules this analyzer passes on.
func reportedShared(r *rule.Rule) bool {
	for _, s := range sharedRules {
		if s == r {
			return true
		}
	}
	return false
}

// checkCommand runs the shared ML command-line checks on a container's
// command and args, and on an Argo script's source when it is a shell script.
func (f *file) checkCommand(p *pod, c *yaml.Node, asset string) {
	var argv []string
	var nodes []*yaml.Node
	for _, k := range []string{"command", "args"} {
		kn := yamlutil.Get(c, k)
		if kn != nil && kn.Kind == yaml.ScalarNode && kn.Value != "" {
			// Not valid Kubernetes, but KFP and hand-written specs sometimes use a string.
			argv, nodes = append(argv, kn.Value), append(nodes, kn)
			continue
		}
		for _, a := range limit(yamlutil.Items(kn)) {
			argv, nodes = append(argv, yamlutil.Str(a)), append(nodes, a)
		}
	}
	// A well-known serving image given only args runs its own entrypoint
	// (vLLM's API server, TGI's launcher, `ollama serve`) with the
	// environment its Dockerfile sets; the container's env wins.
	env := containerEnv(c)
	image := yamlutil.Get(c, "image")
	if entry, imgEnv := mlcmd.ImageDefaults(yamlutil.Str(image)); entry != nil && yamlutil.Get(c, "command") == nil {
		if yamlutil.Get(c, "args") == nil {
			argv, nodes = mlcmd.ImageDefaultArgs(yamlutil.Str(image)), nil
			for range argv {
				nodes = append(nodes, image)
			}
		}
		pre := make([]*yaml.Node, len(entry))
		for i := range pre {
			pre[i] = image
		}
		argv, nodes = append(append([]string{}, entry...), argv...), append(pre, nodes...)
		for k, v := range imgEnv {
			if _, set := env[k]; !set {
				if env == nil {
					env = map[string]string{}
				}
				env[k] = v
			}
		}
	}
	for _, m := range mlcmd.CheckEnv(argv, env) {
		if !reportedShared(m.Rule) {
			continue
		}
		at := c
		if m.Arg >= 0 && m.Arg < len(nodes) {
			at = nodes[m.Arg]
		} else if len(nodes) > 0 {
			at = nodes[0]
		}
		f.shared(p, c, m, at.Line, at.Column, asset)
	}
	if src := yamlutil.Get(c, "source"); src != nil && src.Kind == yaml.ScalarNode && shellCommand(argv) {
		first := src.Line
		if src.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			first++ // a block scalar's text starts on the line after its indicator
		}
		for _, m := range mlcmd.CheckShell(src.Value) {
			if reportedShared(m.Rule) {
				f.shared(p, c, m.Match, first+m.Line-1, 0, asset)
			}
		}
	}
}

// containerEnv is a container's environment by name: literal values as
// written, values from a Secret or ConfigMap as "<from NAME>" (set, text
// unknown). envFrom is not followed.
func containerEnv(c *yaml.Node) map[string]string {
	var env map[string]string
	for _, e := range limit(yamlutil.Items(yamlutil.Get(c, "env"))) {
		name := yamlutil.Str(yamlutil.Get(e, "name"))
		if name == "" {
			continue
		}
		if env == nil {
			env = map[string]string{}
		}
		if yamlutil.Get(e, "valueFrom") != nil {
			env[name] = "<from " + name + ">"
			continue
		}
		env[name] = yamlutil.Str(yamlutil.Get(e, "value"))
	}
	return env
}

// shellCommand reports whether an Argo script's command is a shell.
func shellCommand(argv []string) bool {
	if len(argv) == 0 {
		return false
	}
	switch path.Base(strings.TrimSpace(argv[0])) {
	case "sh", "bash", "dash", "ash", "zsh", "ksh":
		return true
	}
	return false
}

// shared reports an mlcmd match of container c with the asset it touches.
// A server without authentication that a LoadBalancer or Ingress in the
// same file or a sibling manifest publishes is an unauthenticated service
// on a public address: critical. All the matches of one rule on one
// container are one finding, which the Service ports reaching its
// management API join (see checkExposedPort).
func (f *file) shared(p *pod, c *yaml.Node, m mlcmd.Match, line, col int, asset string) {
	d := m.Diagnostic(f.pass.Line(line, col))
	d.Assets = ids(asset)
	var e exposure
	if m.Rule != rules.JupyterInsecureOption || severity(d) == rule.Critical {
		e = f.exposureOf(p) // the only call that may read sibling manifests
	}
	if e.level > exposedNone && m.Rule != rules.JupyterInsecureOption {
		d.Message += "; the pod is exposed outside the cluster through " + e.via
		if e.level == exposedPublic {
			d.Severity, d.SeverityReason = rule.Critical, "the pod is published outside the cluster through "+e.via
		}
	}
	if severity(d) == rule.Critical && e.level != exposedPublic {
		// Inside a pod "all interfaces" is the pod's IP: without a
		// LoadBalancer or Ingress in this file or its directory, reaching it
		// takes a foothold in the cluster (or a Service declared elsewhere) first.
		d.Severity, d.SeverityReason = rule.High, "no LoadBalancer or Ingress in this file or its directory publishes the pod; inside a pod all interfaces is the pod's own address"
		if e.level == exposedNone {
			d.Message += "; no Service or Ingress in this file or its directory exposes the pod, so it is reachable from inside the cluster"
		}
	}
	f.fold(c, d)
}
