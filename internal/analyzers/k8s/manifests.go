package k8s

import (
	"strings"

	"github.com/mlsec/mlsec/internal/yamlutil"
)

// manifests analyzes a file of Kubernetes objects.
func (f *file) manifests() {
	f.collect()
	for _, o := range f.objs {
		switch o.kind {
		case "ServiceAccount":
			f.sas[nsKey(o.namespace, o.name)] = o
		case "Secret":
			f.secrets[nsKey(o.namespace, o.name)] = o
		case "Service":
			f.services = append(f.services, parseService(o))
		case "Role", "ClusterRole":
			if isRBAC(o) {
				if f.roles == nil {
					f.roles = map[string]*object{}
				}
				if o.kind == "Role" {
					f.roles["Role/"+nsKey(o.namespace, o.name)] = o
				} else {
					f.roles["ClusterRole/"+o.name] = o
				}
			}
		case "RoleBinding", "ClusterRoleBinding":
			if isRBAC(o) {
				f.bindings = append(f.bindings, o)
			}
		default:
			if isRoute(o) {
				f.ingresses = append(f.ingresses, o)
			}
		}
		for _, p := range podsOf(o) {
			if p.role == roleWorkload || p.role == roleTraining {
				p.role = refineRole(p)
			}
			f.pods = append(f.pods, p)
		}
	}
	f.assets()
	f.exposure()
	if f.needsSiblings() {
		f.loadSiblings()
	}
	for _, p := range f.pods {
		if f.canceled() {
			return
		}
		f.checkPod(p)
	}
	for _, o := range f.objs {
		if f.canceled() {
			return
		}
		switch {
		case o.kind == "Secret":
			f.checkSecret(o)
		case o.kind == "ConfigMap":
			f.checkConfigMap(o)
		case o.kind == "Kustomization":
			f.checkKustomization(o)
		case o.group() == "ray.io":
			f.checkRayService(o)
		}
		f.storageURIs(o)
	}
}

// nsKey is "namespace/name", with the default namespace for none.
func nsKey(ns, name string) string {
	if ns == "" {
		ns = "default"
	}
	return ns + "/" + name
}

// Image and command hints that say what a generic workload runs.
var (
	servingHints  = []string{"kserve", "seldon", "tritonserver", "torchserve", "tensorflow/serving", "tfserving", "bentoml", "vllm", "text-generation-inference", "mlserver", "model_server", "model-server", "ray-serve"}
	notebookHints = []string{"jupyter", "notebook", "codeserver", "code-server", "rstudio"}
	storeHints    = []string{"minio", "postgres", "mysql", "mariadb", "redis", "mongo"}
)

// refineRole guesses a generic workload's role from its images and commands.
func refineRole(p *pod) role {
	text := strings.Builder{}
	for _, c := range p.containers {
		text.WriteString(strings.ToLower(yamlutil.Str(yamlutil.Get(c, "image"))))
		text.WriteByte(' ')
		for _, k := range []string{"command", "args"} {
			for _, a := range limit(yamlutil.Items(yamlutil.Get(c, k))) {
				text.WriteString(strings.ToLower(yamlutil.Str(a)))
				text.WriteByte(' ')
			}
		}
	}
	s := text.String()
	has := func(hints []string) bool {
		for _, h := range hints {
			if strings.Contains(s, h) {
				return true
			}
		}
		return false
	}
	switch {
	case has(servingHints) || strings.Contains(s, "models serve"):
		return roleServing
	case strings.Contains(s, "rayproject/ray") || strings.Contains(s, "ray start"):
		return roleRay
	case has(notebookHints):
		return roleNotebook
	case strings.Contains(s, "mlflow"):
		return roleRegistry
	case has(storeHints):
		return roleStore
	}
	return p.role
}
