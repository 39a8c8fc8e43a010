package k8s

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/yamlutil"
)

// shape says what a pod path points at.
type shape int

const (
	shapeTemplate  shape = iota // a pod template: metadata.labels + spec (PodSpec); "" path is the object itself (Pod)
	shapePodSpec                // a PodSpec
	shapeComponent              // a KServe component: PodSpec fields inline plus model-format blocks
	shapeArgo                   // an Argo template: container, script, containerSet, sidecars…
)

// role is what a pod does, which decides some rules (serving and notebook
// pods are the ones outsiders reach) and the kind of asset recorded.
type role int

const (
	roleWorkload role = iota // generic; refined from its images
	roleServing
	roleNotebook
	roleRay
	roleTraining
	roleWorkflow
	roleRegistry // MLflow tracking server and model registry
	roleStore    // MinIO, databases
)

// podSource says where a kind keeps its pod specs. It is the one place that
// knows these paths: adding a CRD is adding a line.
type podSource struct {
	group string // API group the kind must belong to; "*" for any
	kinds string // space-separated kinds
	paths string // space-separated dotted paths; "[]" after a key walks a sequence, "*" every value of a mapping
	shape shape
	role  role
}

var podSources = []podSource{
	{"*", "Pod", "", shapeTemplate, roleWorkload},
	{"*", "Deployment StatefulSet DaemonSet ReplicaSet ReplicationController", "spec.template", shapeTemplate, roleWorkload},
	{"*", "Job", "spec.template", shapeTemplate, roleTraining},
	{"*", "CronJob", "spec.jobTemplate.spec.template", shapeTemplate, roleTraining},
	{"*", "PodTemplate", "template", shapeTemplate, roleWorkload},
	{"serving.kserve.io", "InferenceService", "spec.predictor spec.transformer spec.explainer", shapeComponent, roleServing},
	{"serving.kserve.io", "ServingRuntime ClusterServingRuntime", "spec", shapePodSpec, roleServing},
	{"machinelearning.seldon.io", "SeldonDeployment", "spec.predictors[].componentSpecs[].spec", shapePodSpec, roleServing},
	{"ray.io", "RayCluster", "spec.headGroupSpec.template spec.workerGroupSpecs[].template", shapeTemplate, roleRay},
	{"ray.io", "RayJob", "spec.rayClusterSpec.headGroupSpec.template spec.rayClusterSpec.workerGroupSpecs[].template spec.submitterPodTemplate", shapeTemplate, roleRay},
	{"ray.io", "RayService", "spec.rayClusterConfig.headGroupSpec.template spec.rayClusterConfig.workerGroupSpecs[].template", shapeTemplate, roleServing},
	{"kubeflow.org", "Notebook", "spec.template", shapeTemplate, roleNotebook},
	{"kubeflow.org", "PyTorchJob", "spec.pytorchReplicaSpecs.*.template", shapeTemplate, roleTraining},
	{"kubeflow.org", "TFJob", "spec.tfReplicaSpecs.*.template", shapeTemplate, roleTraining},
	{"kubeflow.org", "MPIJob", "spec.mpiReplicaSpecs.*.template", shapeTemplate, roleTraining},
	{"kubeflow.org", "XGBoostJob", "spec.xgbReplicaSpecs.*.template", shapeTemplate, roleTraining},
	{"kubeflow.org", "PaddleJob", "spec.paddleReplicaSpecs.*.template", shapeTemplate, roleTraining},
	{"kubeflow.org", "MXJob", "spec.mxReplicaSpecs.*.template", shapeTemplate, roleTraining},
	{"kubeflow.org", "JAXJob", "spec.jaxReplicaSpecs.*.template", shapeTemplate, roleTraining},
	{"argoproj.io", "Workflow WorkflowTemplate ClusterWorkflowTemplate", "spec.templates[]", shapeArgo, roleWorkflow},
	{"argoproj.io", "CronWorkflow", "spec.workflowSpec.templates[]", shapeArgo, roleWorkflow},
}

// kserveModelBlocks are the keys of a KServe component that hold a
// container-like model block (v1beta1 model format and the older per-framework blocks).
var kserveModelBlocks = []string{
	"model", "sklearn", "xgboost", "lightgbm", "tensorflow", "pytorch", "triton", "onnx", "pmml",
	"paddle", "huggingface", "alibi", "art", "lgbserver",
}

// pod is one pod spec found in an object.
type pod struct {
	obj        *object
	where      *yaml.Node // the node the path led to, for locations and dedup
	spec       *yaml.Node // pod-level fields: hostNetwork, volumes, securityContext, serviceAccountName…
	outer      *yaml.Node // Argo: the workflow spec, whose pod-level fields apply to every template
	labels     map[string]string
	containers []*yaml.Node // container-like mappings (image, command, args, env, securityContext)
	role       role

	noSecurityContext bool // KFP executors: the platform, not the spec, decides the user
}

// field is a pod-level field, from the spec or, failing that, the outer spec.
func (p *pod) field(key string) *yaml.Node {
	if n := yamlutil.Get(p.spec, key); n != nil {
		return n
	}
	return yamlutil.Get(p.outer, key)
}

// sourceFor finds the table entry for an object.
func sourceFor(o *object) *podSource {
	for i := range podSources {
		s := &podSources[i]
		if s.group != "*" && o.group() != s.group {
			continue
		}
		for _, k := range strings.Fields(s.kinds) {
			if k == o.kind {
				return s
			}
		}
	}
	return nil
}

// podsOf extracts the pod specs of an object by following its table entry.
func podsOf(o *object) []*pod {
	s := sourceFor(o)
	if s == nil {
		return nil
	}
	var out []*pod
	paths := strings.Fields(s.paths)
	if s.paths == "" {
		paths = []string{""}
	}
	for _, p := range paths {
		for _, n := range follow(o.node, p) {
			if len(out) >= maxPodsPerObj {
				return out
			}
			if pd := makePod(o, s, n); pd != nil {
				out = append(out, pd)
			}
		}
	}
	return out
}

// follow resolves a dotted path with "[]" and "*" steps to the nodes it reaches.
func follow(root *yaml.Node, path string) []*yaml.Node {
	cur := []*yaml.Node{yamlutil.Resolve(root)}
	if path == "" {
		return cur
	}
	for _, step := range strings.Split(path, ".") {
		var next []*yaml.Node
		for _, n := range cur {
			switch {
			case step == "*":
				yamlutil.Pairs(n, func(_, v *yaml.Node) {
					if len(next) < maxItems {
						next = append(next, v)
					}
				})
			case strings.HasSuffix(step, "[]"):
				next = append(next, limit(yamlutil.Items(yamlutil.Get(n, strings.TrimSuffix(step, "[]"))))...)
			default:
				if v := yamlutil.Get(n, step); v != nil {
					next = append(next, v)
				}
			}
		}
		if len(next) > maxItems {
			next = next[:maxItems]
		}
		cur = next
	}
	return cur
}

func makePod(o *object, s *podSource, n *yaml.Node) *pod {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	p := &pod{obj: o, where: n, role: s.role}
	switch s.shape {
	case shapeTemplate:
		p.spec = yamlutil.Get(n, "spec")
		p.labels = strMap(yamlutil.Path(n, "metadata", "labels"))
		p.containers = podContainers(p.spec)
	case shapePodSpec:
		p.spec = n
		p.containers = podContainers(n)
	case shapeComponent:
		p.spec = n
		p.containers = podContainers(n)
		for _, k := range kserveModelBlocks {
			if b := yamlutil.Get(n, k); b != nil && b.Kind == yaml.MappingNode {
				p.containers = append(p.containers, b)
			}
		}
	case shapeArgo:
		p.spec = n
		p.outer = yamlutil.Get(o.node, "spec")
		if o.kind == "CronWorkflow" {
			p.outer = yamlutil.Path(o.node, "spec", "workflowSpec")
		}
		for _, k := range []string{"container", "script"} {
			if c := yamlutil.Get(n, k); c != nil && c.Kind == yaml.MappingNode {
				p.containers = append(p.containers, c)
			}
		}
		for _, k := range []string{"initContainers", "sidecars"} {
			p.containers = append(p.containers, limit(yamlutil.Items(yamlutil.Get(n, k)))...)
		}
		p.containers = append(p.containers, limit(yamlutil.Items(yamlutil.Path(n, "containerSet", "containers")))...)
		// podSpecPatch is a JSON/YAML string applied at run time; it is not parsed.
	}
	if p.spec == nil && len(p.containers) == 0 {
		return nil
	}
	return p
}

// podContainers lists the containers of a PodSpec.
func podContainers(spec *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	for _, k := range []string{"containers", "initContainers", "ephemeralContainers"} {
		for _, c := range limit(yamlutil.Items(yamlutil.Get(spec, k))) {
			if c != nil && c.Kind == yaml.MappingNode {
				out = append(out, c)
			}
		}
	}
	return out
}
