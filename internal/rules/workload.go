package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about what a compromised container can reach: privileges, host access, identities.

// Privileged: securityContext.privileged: true.
var Privileged = &rule.Rule{
	ID: "workload/privileged", Title: "Privileged container",
	Severity: rule.High, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0105"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "A privileged container has every capability and all host devices, so code execution in it (a malicious model, a notebook) is root on the node.",
	Description: "securityContext.privileged: true removes the container boundary: the process sees the host's devices and can load kernel modules or mount the host disk. ML images often ask for it to reach GPUs, which the NVIDIA device plugin already provides without privilege. Whoever runs code in such a pod — through a pickled model, a notebook or an exposed job API — owns the node and every other workload on it.",
	Fix:         "Remove privileged: true; request GPUs through resources.limits (nvidia.com/gpu) and add only the specific capability a tool needs.",
	References:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/", "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"},
	Peers:       []string{"CKV_K8S_16", "KSV017"},
}

// HostPath: a hostPath volume.
var HostPath = &rule.Rule{
	ID: "workload/host-path", Title: "hostPath volume mounted into a pod",
	Severity: rule.High, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0105", "AML.T0018"},
	Mitigations: []string{"AML.M0005", "AML.M0019"},
	Summary:     "A hostPath volume exposes the node's file system to the pod; the container runtime socket gives full control of the node, a shared model cache lets one pod swap the models of all others.",
	Description: "hostPath mounts a directory of the node into the container. A mount of the Docker or containerd socket lets the pod start privileged containers on the node (critical). Node-level model caches (/root/.cache/huggingface, /models, /mnt/models) are shared by every pod scheduled there, so a compromised or malicious workload can replace model files other serving pods load, and read models it should not see.",
	Fix:         "Use a PersistentVolumeClaim, an emptyDir or a read-only CSI/ephemeral volume; never mount the container runtime socket. If a node cache is unavoidable, mount it readOnly and restrict the path.",
	References:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/", "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"},
	Peers:       []string{"KSV023", "CKV_K8S_27"},
}

// AddedCapabilities: securityContext.capabilities.add.
var AddedCapabilities = &rule.Rule{
	ID: "workload/added-capabilities", Title: "Linux capabilities added to a container",
	Severity: rule.Medium, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0105"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "Added capabilities widen what code in the container may do to the kernel; SYS_ADMIN, NET_ADMIN or ALL are close to privileged.",
	Description: "capabilities.add grants kernel privileges beyond the runtime default. SYS_ADMIN allows mounts and many escape techniques, NET_ADMIN lets the pod reconfigure networking and intercept traffic, ALL is equivalent to privileged (these are reported high). Other capabilities are reported medium.",
	Fix:         "Drop ALL capabilities and add back only the one a tool needs, with a comment saying why.",
	References:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/", "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"},
	Peers:       []string{"CKV_K8S_25", "CKV_K8S_39", "KSV022", "KSV005"},
}

// HostNetwork: hostNetwork: true.
var HostNetwork = &rule.Rule{
	ID: "workload/host-network", Title: "Pod shares the node's network namespace",
	Severity: rule.Medium, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0105", "AML.T0049"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "With hostNetwork the pod's servers (Ray, Jupyter, model servers) listen on the node's own addresses, bypassing Services and NetworkPolicies, and the pod can reach node-local services such as the cloud metadata endpoint.",
	Description: "hostNetwork: true puts the pod in the node's network namespace. Ports the pod opens are reachable wherever the node is, NetworkPolicy no longer applies, and the pod can talk to services bound to the node's loopback. Distributed-training images sometimes set it for NCCL performance; it should then be confined to dedicated nodes.",
	Fix:         "Remove hostNetwork; for multi-node training use the CNI or a secondary network (Multus, SR-IOV) instead.",
	References:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/"},
	Peers:       []string{"CKV_K8S_19", "KSV009"},
}

// RunsAsRoot: explicit root or no runAsNonRoot.
var RunsAsRoot = &rule.Rule{
	ID: "workload/runs-as-root", Title: "Container runs as root",
	Severity: rule.Low, Confidence: rule.MediumConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0105"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "A container running as UID 0 turns any code execution (pickle model, notebook, job API) into root in the container and one kernel bug from the node.",
	Description: "A model server or notebook that runs as root turns a pickle payload or a kernel compromise into full control of the container and a shorter path to the host. Most ML base images (pytorch, tensorflow, jupyter) run as root unless told otherwise. Reported for a Dockerfile whose final stage sets no USER or switches back to root, and for a container whose pod and own securityContext never set `runAsNonRoot: true` or a non-zero `runAsUser`; explicit root (`runAsUser: 0`, `runAsNonRoot: false`) is raised to medium.",
	Fix:         "End the Dockerfile with `USER <name>` (or a numeric UID) after creating an unprivileged user, and set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` at pod level.",
	References:  []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/", "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/", "https://docs.docker.com/reference/dockerfile/#user"},
	Peers:       []string{"CKV_K8S_23", "KSV012", "CKV_DOCKER_3", "CKV_DOCKER_8", "AVD-DS-0002"},
}

// CloudRoleToken: automounted token of a ServiceAccount bound to a cloud role.
var CloudRoleToken = &rule.Rule{
	ID: "workload/cloud-role-token", Title: "Serving or notebook pod carries a cloud-role service account token",
	Severity: rule.Medium, Confidence: rule.MediumConfidence, Phase: rule.Design,
	Techniques:  []string{"AML.T0055", "AML.T0012", "AML.T0025"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "Code execution in an internet-facing model server or a notebook yields the cloud identity of its ServiceAccount (IRSA, GKE or Azure workload identity), usually with access to training data and model buckets.",
	Description: "The pod runs as a ServiceAccount that this file binds to a cloud role, and automountServiceAccountToken is not false, so the token is on disk in the container. Serving and notebook pods are where outsiders most easily get code execution (a malicious model, an unauthenticated notebook), so the cloud credentials reachable from them should be minimal.",
	Fix:         "Give serving pods a dedicated ServiceAccount with read-only access to the one model prefix they load, set automountServiceAccountToken: false where the Kubernetes API is not needed, and keep notebook roles away from production buckets.",
	References:  []string{"https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html", "https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity"},
}

// RBACExcessive: the ServiceAccount of a notebook, pipeline, training job
// or model server is bound to a Role or ClusterRole that reads Secrets,
// creates pods or execs into them, impersonates or escalates.
var RBACExcessive = &rule.Rule{
	ID: "workload/rbac-excessive", Title: "ML workload's service account can read Secrets, run pods or escalate",
	Severity: rule.High, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0055", "AML.T0012", "AML.T0105"},
	Mitigations: []string{"AML.M0005", "AML.M0019"},
	Summary:     "Code execution in the notebook, pipeline step, training job or model server becomes the Kubernetes permissions of its ServiceAccount: every Secret it can read, every pod it can start or exec into.",
	Description: "Notebooks run whatever their users type, pipeline and training steps run the code and models they are given, and model servers load models that may carry code; the ServiceAccount token mounted in them is the first thing an attacker uses. A RoleBinding or ClusterRoleBinding in the manifests grants that account a Role or ClusterRole (cluster-admin, admin and edit included) that can get, list or watch Secrets (every credential of the namespace, or of the cluster through a ClusterRoleBinding), create pods (any image, any ServiceAccount, hostPath), create pods/exec or pods/attach (a shell in any other pod), impersonate users, groups or service accounts, or escalate and bind roles. Reported once per workload, at its serviceAccountName, with the binding and the role rules as related places; critical when the grant is cluster-wide or allows impersonation, escalation or every verb on every resource.",
	Fix:         "Give each ML workload its own ServiceAccount with only the verbs it needs (often none: set automountServiceAccountToken: false). Notebook controllers and pipeline engines need pod permissions, not the notebooks and steps they start. Read a specific Secret through resourceNames, or mount it instead of reading it through the API.",
	References:  []string{"https://kubernetes.io/docs/concepts/security/rbac-good-practices/", "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"},
	Peers:       []string{"KSV041", "KSV046", "KSV053", "CKV_K8S_155"},
}
