package k8s

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// checkPod runs the pod-level and container-level rules on one pod spec.
func (f *file) checkPod(p *pod) {
	asset := f.assetOf(p.obj)
	if p.spec != nil && f.once(p.spec) {
		f.checkPodLevel(p, p.spec, asset)
	}
	if p.outer != nil && f.once(p.outer) {
		f.checkPodLevel(p, p.outer, asset)
	}
	f.checkCloudRole(p, asset)
	f.checkRBAC(p, asset)
	for _, c := range p.containers {
		if f.canceled() {
			return
		}
		if f.once(c) {
			f.checkContainer(p, c, asset)
		}
	}
}

// checkPodLevel checks the fields of one pod-level spec node.
func (f *file) checkPodLevel(p *pod, spec *yaml.Node, asset string) {
	if n := yamlutil.Get(spec, "hostNetwork"); isTrue(n) {
		f.pass.Report(analysis.Diagnostic{Rule: rules.HostNetwork, Location: f.loc(n), Evidence: "hostNetwork: true",
			Message: fmt.Sprintf("%s %s shares the node's network namespace: its ports listen on the node and NetworkPolicy does not apply", p.obj.kind, p.obj.name),
			Assets:  ids(asset)})
	}
	for _, v := range limit(yamlutil.Items(yamlutil.Get(spec, "volumes"))) {
		hp := yamlutil.Get(v, "hostPath")
		if hp == nil || !f.once(hp) {
			continue
		}
		pn := yamlutil.Get(hp, "path")
		if pn == nil {
			pn = hp
		}
		f.hostPath(p, spec, yamlutil.Str(pn), pn, asset)
	}
	if !p.noSecurityContext {
		f.podRoot(p, spec, asset)
	}
}

// runtimeSockets are container runtime sockets, or the directories holding them.
var runtimeSockets = []string{"docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "podman.sock"}

// modelCaches are host paths where model files are usually cached.
var modelCaches = []string{"/root/.cache/huggingface", "/.cache/huggingface", "/models", "/mnt/models", "/root/.cache/torch", "/.cache/torch", "/var/lib/models", "/data/models", "/opt/models", "/root/.ollama", "/.ollama"}

// hostPath judges one hostPath volume of the pod spec spec. Every volume
// of one pod spec is one finding: the most dangerous leads.
func (f *file) hostPath(p *pod, spec *yaml.Node, hp string, n *yaml.Node, asset string) {
	d := analysis.Diagnostic{Rule: rules.HostPath, Location: f.loc(n), Evidence: "hostPath: " + hp, Assets: ids(asset)}
	clean := path.Clean("/" + strings.TrimSpace(hp))
	switch {
	case runtimeSocket(clean):
		d.Severity, d.SeverityReason = rule.Critical, "the container runtime socket controls every container on the node"
		d.Message = fmt.Sprintf("%s %s mounts the container runtime socket %s: any code in the pod can start privileged containers on the node", p.obj.kind, p.obj.name, hp)
	case nodeSecrets[clean]:
		d.Severity, d.SeverityReason = rule.Critical, "the directory holds the node's container runtime, kubelet or host credentials"
		d.Message = fmt.Sprintf("%s %s mounts the node's %s, which holds the container runtime, kubelet or host credentials", p.obj.kind, p.obj.name, hp)
	case modelCache(clean):
		d.Message = fmt.Sprintf("%s %s mounts the node's model cache %s: every pod on the node shares it, so one workload can replace the models others load", p.obj.kind, p.obj.name, hp)
	default:
		d.Message = fmt.Sprintf("%s %s mounts the node directory %s", p.obj.kind, p.obj.name, hp)
	}
	f.fold(spec, d)
}

// nodeSecrets are host directories that hold the container runtime, the
// kubelet's credentials or the host's.
var nodeSecrets = map[string]bool{
	"/": true, "/var/run": true, "/run": true, "/var/run/docker": true, "/run/containerd": true, "/var/lib/docker": true,
	"/var/lib/containerd": true, "/var/lib/kubelet": true, "/etc": true, "/proc": true, "/root": true, "/home": true,
}

func runtimeSocket(clean string) bool {
	for _, s := range runtimeSockets {
		if strings.HasSuffix(clean, "/"+s) {
			return true
		}
	}
	return false
}

func modelCache(clean string) bool {
	for _, mc := range modelCaches {
		if clean == mc || strings.HasPrefix(clean, mc+"/") || strings.HasSuffix(clean, mc) {
			return true
		}
	}
	return false
}

// rootSetting reads runAsUser/runAsNonRoot of a security context:
// root=true when it explicitly asks for root, nonRoot=true when it forbids it.
func rootSetting(sc *yaml.Node) (root, nonRoot bool, at *yaml.Node) {
	user := yamlutil.Get(sc, "runAsUser")
	nr := yamlutil.Get(sc, "runAsNonRoot")
	if user != nil && yamlutil.Str(user) == "0" {
		return true, false, user
	}
	if isFalse(nr) {
		return true, false, nr
	}
	if isTrue(nr) {
		return false, true, nr
	}
	if user != nil {
		if u, err := strconv.Atoi(yamlutil.Str(user)); err == nil && u > 0 {
			return false, true, user
		}
	}
	return false, false, nil
}

// podRoot reports an explicit root request at pod level.
func (f *file) podRoot(p *pod, spec *yaml.Node, asset string) {
	if root, _, at := rootSetting(yamlutil.Get(spec, "securityContext")); root {
		kv := keyValue(yamlutil.Get(spec, "securityContext"), at)
		f.pass.Report(analysis.Diagnostic{Rule: rules.RunsAsRoot, Location: f.loc(at), Evidence: kv,
			Message: fmt.Sprintf("%s %s runs its containers as root (%s)", p.obj.kind, p.obj.name, kv), Assets: ids(asset)})
	}
}

// containerRoot decides run-as-root for one container, given its pod's setting.
func (f *file) containerRoot(p *pod, c *yaml.Node, asset string) {
	if p.noSecurityContext || yamlutil.Get(c, "image") == nil {
		return // KFP executors, and KServe model blocks whose ServingRuntime supplies the container
	}
	sc := yamlutil.Get(c, "securityContext")
	cRoot, cNonRoot, at := rootSetting(sc)
	if cRoot {
		kv := keyValue(sc, at)
		f.pass.Report(analysis.Diagnostic{Rule: rules.RunsAsRoot, Location: f.loc(at), Evidence: kv,
			Message: fmt.Sprintf("container %s runs as root (%s)", containerName(c), kv), Assets: ids(asset)})
		return
	}
	if cNonRoot {
		return
	}
	pRoot, pNonRoot, _ := rootSetting(yamlutil.Get(p.spec, "securityContext"))
	if p.spec != nil && yamlutil.Get(p.spec, "securityContext") == nil && p.outer != nil {
		pRoot, pNonRoot, _ = rootSetting(yamlutil.Get(p.outer, "securityContext"))
	}
	if pRoot || pNonRoot {
		return // reported at pod level, or safe
	}
	if nonRootImage(yamlutil.Str(yamlutil.Get(c, "image"))) {
		return // the image's own USER is not root
	}
	at = c
	if n := keyNode(c, "name"); n != nil {
		at = n
	}
	f.pass.Report(analysis.Diagnostic{Rule: rules.RunsAsRoot, Location: f.loc(at),
		Message: fmt.Sprintf("container %s never sets runAsNonRoot: true or a non-zero runAsUser, so it runs as the image's user, root for most ML images", containerName(c)),
		Assets:  ids(asset)})
}

// keyValue renders "key: value" for the node at inside mapping m.
func keyValue(m, at *yaml.Node) string {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i+1] == at {
			return m.Content[i].Value + ": " + at.Value
		}
	}
	return at.Value
}

func containerName(c *yaml.Node) string {
	if n := yamlutil.Str(yamlutil.Get(c, "name")); n != "" {
		return strconv.Quote(n)
	}
	if img := yamlutil.Str(yamlutil.Get(c, "image")); img != "" {
		return "with image " + img
	}
	return fmt.Sprintf("at line %d", c.Line)
}

// capability severities: these are close to privileged.
var severeCaps = map[string]bool{"SYS_ADMIN": true, "NET_ADMIN": true, "ALL": true, "SYS_MODULE": true, "SYS_PTRACE": true, "SYS_RAWIO": true, "DAC_READ_SEARCH": true, "BPF": true}

// defaultCaps are granted by container runtimes anyway (the Pod Security
// baseline list); adding them back changes nothing.
var defaultCaps = map[string]bool{
	"AUDIT_WRITE": true, "CHOWN": true, "DAC_OVERRIDE": true, "FOWNER": true, "FSETID": true, "KILL": true, "MKNOD": true,
	"NET_BIND_SERVICE": true, "SETFCAP": true, "SETGID": true, "SETPCAP": true, "SETUID": true, "SYS_CHROOT": true,
}

// checkContainer checks one container-like mapping.
func (f *file) checkContainer(p *pod, c *yaml.Node, asset string) {
	sc := yamlutil.Get(c, "securityContext")
	if n := yamlutil.Get(sc, "privileged"); isTrue(n) {
		f.pass.Report(analysis.Diagnostic{Rule: rules.Privileged, Location: f.loc(n), Evidence: "privileged: true",
			Message: fmt.Sprintf("container %s of %s %s is privileged: code running in it is root on the node", containerName(c), p.obj.kind, p.obj.name),
			Assets:  ids(asset)})
	}
	// Every capability a container adds is one finding, led by the worst.
	for _, capN := range limit(yamlutil.Items(yamlutil.Path(sc, "capabilities", "add"))) {
		capName := strings.TrimPrefix(strings.ToUpper(yamlutil.Str(capN)), "CAP_")
		d := analysis.Diagnostic{Rule: rules.AddedCapabilities, Location: f.loc(capN), Evidence: capName, Assets: ids(asset)}
		switch {
		case severeCaps[capName]:
			d.Severity, d.SeverityReason = rule.High, capName+" is close to privileged"
			d.Message = fmt.Sprintf("container %s adds %s, which is close to privileged", containerName(c), capName)
		case capName != "" && !defaultCaps[capName]:
			d.Message = fmt.Sprintf("container %s adds the capability %s", containerName(c), capName)
		default:
			continue
		}
		f.fold(c, d)
	}
	f.containerRoot(p, c, asset)
	f.checkEnv(p, c, asset)
	if img := yamlutil.Get(c, "image"); img != nil {
		f.checkImage(p, c, img, yamlutil.Str(img), asset)
	}
	f.checkCommand(p, c, asset)
	f.checkVectorDB(p, c, asset)
	f.checkComputeImage(p, c, asset)
}

// nonRootImages are image repositories (prefixes, without registry
// defaults spelled out) whose images set a non-root USER: Ray's ray user,
// the Jupyter Docker Stacks' and Kubeflow notebook images' jovyan, and
// TorchServe's model-server. A container of these that sets nothing does
// not run as root.
var nonRootImages = []string{
	"rayproject/ray", "docker.io/rayproject/ray",
	"jupyter/", "docker.io/jupyter/", "quay.io/jupyter/",
	"kubeflownotebookswg/", "docker.io/kubeflownotebookswg/",
	"pytorch/torchserve", "docker.io/pytorch/torchserve",
}

// nonRootImage reports whether image is known to run as a non-root user.
func nonRootImage(image string) bool {
	image = strings.ToLower(strings.TrimSpace(image))
	for _, p := range nonRootImages {
		if strings.HasPrefix(image, p) {
			return true
		}
	}
	return false
}
