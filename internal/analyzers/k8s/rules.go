package k8s

import "github.com/mlsec/mlsec/internal/rule"

// ATLAS identifiers used by the rules below, checked against ATLAS.yaml 5.6.0.
const (
	tEscapeToHost     = "AML.T0105" // Escape to Host
	tPublicApp        = "AML.T0049" // Exploit Public-Facing Application
	tValidAccounts    = "AML.T0012" // Valid Accounts
	tUnsecuredCreds   = "AML.T0055" // Unsecured Credentials
	tSupplyChainSW    = "AML.T0010.001"
	tSupplyChainModel = "AML.T0010.003"
	tContainerReg     = "AML.T0010.004" // Container Registry
	tCostHarvesting   = "AML.T0034"
	tExfilCyber       = "AML.T0025"
	tManipulateModel  = "AML.T0018"
	tArtifactCollect  = "AML.T0035" // AI Artifact Collection

	mAtRest       = "AML.M0005" // Control Access to AI Models and Data at Rest
	mInProduction = "AML.M0019" // Control Access to AI Models and Data in Production
	mCodeSigning  = "AML.M0013"
	mVerify       = "AML.M0014" // Verify AI Artifacts
	mVulnScan     = "AML.M0016"
	mEncrypt      = "AML.M0012" // Encrypt Sensitive Information
)

const (
	refPSS       = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
	refSecCtx    = "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"
	refSecrets   = "https://kubernetes.io/docs/concepts/configuration/secret/"
	refShadowRay = "https://www.oligo.security/blog/shadowray-attack-ai-workloads-actively-exploited-in-the-wild"
	refRaySec    = "https://docs.ray.io/en/latest/ray-security/index.html"
)

// PrivilegedContainer: securityContext.privileged: true.
var PrivilegedContainer = &rule.Rule{
	ID: "k8s/privileged-container", Title: "Privileged container",
	Severity: rule.High, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{tEscapeToHost},
	Mitigations: []string{mInProduction},
	Summary:     "A privileged container has every capability and all host devices, so code execution in it (a malicious model, a notebook) is root on the node.",
	Description: "securityContext.privileged: true removes the container boundary: the process sees the host's devices and can load kernel modules or mount the host disk. ML images often ask for it to reach GPUs, which the NVIDIA device plugin already provides without privilege. Whoever runs code in such a pod — through a pickled model, a notebook or an exposed job API — owns the node and every other workload on it.",
	Fix:         "Remove privileged: true; request GPUs through resources.limits (nvidia.com/gpu) and add only the specific capability a tool needs.",
	References:  []string{refPSS, refSecCtx},
	Peers:       []string{"CKV_K8S_16", "KSV017"},
}

// HostPathMount: a hostPath volume.
var HostPathMount = &rule.Rule{
	ID: "k8s/host-path-mount", Title: "hostPath volume mounted into a pod",
	Severity: rule.High, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{tEscapeToHost, tManipulateModel},
	Mitigations: []string{mAtRest, mInProduction},
	Summary:     "A hostPath volume exposes the node's file system to the pod; the container runtime socket gives full control of the node, a shared model cache lets one pod swap the models of all others.",
	Description: "hostPath mounts a directory of the node into the container. A mount of the Docker or containerd socket lets the pod start privileged containers on the node (critical). Node-level model caches (/root/.cache/huggingface, /models, /mnt/models) are shared by every pod scheduled there, so a compromised or malicious workload can replace model files other serving pods load, and read models it should not see.",
	Fix:         "Use a PersistentVolumeClaim, an emptyDir or a read-only CSI/ephemeral volume; never mount the container runtime socket. If a node cache is unavoidable, mount it readOnly and restrict the path.",
	References:  []string{refPSS, "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath"},
	Peers:       []string{"KSV023", "CKV_K8S_27"},
}

// HostNetwork: hostNetwork: true.
var HostNetwork = &rule.Rule{
	ID: "k8s/host-network", Title: "Pod shares the node's network namespace",
	Severity: rule.Medium, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{tEscapeToHost, tPublicApp},
	Mitigations: []string{mInProduction},
	Summary:     "With hostNetwork the pod's servers (Ray, Jupyter, model servers) listen on the node's own addresses, bypassing Services and NetworkPolicies, and the pod can reach node-local services such as the cloud metadata endpoint.",
	Description: "hostNetwork: true puts the pod in the node's network namespace. Ports the pod opens are reachable wherever the node is, NetworkPolicy no longer applies, and the pod can talk to services bound to the node's loopback. Distributed-training images sometimes set it for NCCL performance; it should then be confined to dedicated nodes.",
	Fix:         "Remove hostNetwork; for multi-node training use the CNI or a secondary network (Multus, SR-IOV) instead.",
	References:  []string{refPSS},
	Peers:       []string{"CKV_K8S_19", "KSV009"},
}

// AddedCapabilities: securityContext.capabilities.add.
var AddedCapabilities = &rule.Rule{
	ID: "k8s/added-capabilities", Title: "Linux capabilities added to a container",
	Severity: rule.Medium, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{tEscapeToHost},
	Mitigations: []string{mInProduction},
	Summary:     "Added capabilities widen what code in the container may do to the kernel; SYS_ADMIN, NET_ADMIN or ALL are close to privileged.",
	Description: "capabilities.add grants kernel privileges beyond the runtime default. SYS_ADMIN allows mounts and many escape techniques, NET_ADMIN lets the pod reconfigure networking and intercept traffic, ALL is equivalent to privileged (these are reported high). Other capabilities are reported medium.",
	Fix:         "Drop ALL capabilities and add back only the one a tool needs, with a comment saying why.",
	References:  []string{refPSS, refSecCtx},
	Peers:       []string{"CKV_K8S_25", "CKV_K8S_39", "KSV022", "KSV005"},
}

// RunAsRoot: explicit root or no runAsNonRoot.
var RunAsRoot = &rule.Rule{
	ID: "k8s/run-as-root", Title: "Container runs as root",
	Severity: rule.Medium, Confidence: rule.MediumConfidence, Phase: rule.Operations,
	Techniques:  []string{tEscapeToHost},
	Mitigations: []string{mInProduction},
	Summary:     "A container running as UID 0 turns any code execution (pickle model, notebook, job API) into root in the container and one kernel bug from the node.",
	Description: "Explicit root (runAsUser: 0 or runAsNonRoot: false) is reported medium. A container whose pod and own securityContext never set runAsNonRoot: true or a non-zero runAsUser runs as whatever the image says, which for most ML images (pytorch, tensorflow, jupyter base images built as root) is root; that is reported low.",
	Fix:         "Set securityContext.runAsNonRoot: true and a non-zero runAsUser at pod level, and build images with a USER.",
	References:  []string{refPSS, refSecCtx},
	Peers:       []string{"CKV_K8S_23", "KSV012"},
}

// PlaintextCredentialEnv: env value literal that is a credential.
var PlaintextCredentialEnv = &rule.Rule{
	ID: "k8s/plaintext-credential-env", Title: "Credential written literally in a container's environment",
	Severity: rule.High, Confidence: rule.MediumConfidence, Phase: rule.Design,
	Techniques:  []string{tUnsecuredCreds, tValidAccounts},
	Mitigations: []string{mEncrypt},
	Summary:     "A token, key or password in an env value is committed with the manifest and readable by anyone who can read the repository or get the pod spec.",
	Description: "Env vars such as HF_TOKEN, WANDB_API_KEY, AWS_SECRET_ACCESS_KEY or MLFLOW_TRACKING_PASSWORD set with a literal value put the credential in Git history and in the pod spec that every user with get access to pods can read. A database URI with a password embedded is treated the same. Values referenced with valueFrom, placeholders and empty values are not reported.",
	Fix:         "Move the value into a Secret (created out of band, or from an external secret store) and reference it with valueFrom.secretKeyRef; rotate the exposed credential.",
	References:  []string{refSecrets, "https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/"},
}

// SATokenCloudRole: automounted token of a ServiceAccount bound to a cloud role.
var SATokenCloudRole = &rule.Rule{
	ID: "k8s/sa-token-cloud-role", Title: "Serving or notebook pod carries a cloud-role service account token",
	Severity: rule.Medium, Confidence: rule.MediumConfidence, Phase: rule.Design,
	Techniques:  []string{tUnsecuredCreds, tValidAccounts, tExfilCyber},
	Mitigations: []string{mAtRest},
	Summary:     "Code execution in an internet-facing model server or a notebook yields the cloud identity of its ServiceAccount (IRSA, GKE or Azure workload identity), usually with access to training data and model buckets.",
	Description: "The pod runs as a ServiceAccount that this file binds to a cloud role, and automountServiceAccountToken is not false, so the token is on disk in the container. Serving and notebook pods are where outsiders most easily get code execution (a malicious model, an unauthenticated notebook), so the cloud credentials reachable from them should be minimal.",
	Fix:         "Give serving pods a dedicated ServiceAccount with read-only access to the one model prefix they load, set automountServiceAccountToken: false where the Kubernetes API is not needed, and keep notebook roles away from production buckets.",
	References:  []string{"https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html", "https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity"},
}

// ImageWithoutDigest: image not pinned by digest.
var ImageWithoutDigest = &rule.Rule{
	ID: "k8s/image-without-digest", Title: "Container image not pinned by digest",
	Severity: rule.Low, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{tContainerReg, tSupplyChainSW},
	Mitigations: []string{mCodeSigning, mVulnScan},
	Summary:     "A tag can be moved by whoever controls the registry repository; :latest or no tag changes on every push.",
	Description: "Images referenced by tag are resolved at pull time, so a compromised or careless registry push changes what runs in training jobs and model servers without any change to the manifest. A tag is reported low; :latest or no tag at all is reported medium.",
	Fix:         "Reference images as name@sha256:… (keep the tag for readability: name:tag@sha256:…), and let a bot such as Renovate update the digests.",
	References:  []string{"https://kubernetes.io/docs/concepts/containers/images/#image-names"},
	Peers:       []string{"CKV_K8S_43", "CKV_K8S_14", "KSV013"},
}

// RayExposed: Ray dashboard, client or GCS reachable from outside the cluster.
var RayExposed = &rule.Rule{
	ID: "k8s/ray-exposed", Title: "Ray dashboard, job or client port exposed outside the cluster",
	Severity: rule.Critical, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{tPublicApp, tCostHarvesting, tExfilCyber},
	Mitigations: []string{mInProduction},
	Summary:     "Ray has no authentication: whoever reaches the dashboard/job API (8265), client (10001) or GCS (6379) port runs arbitrary code on the cluster, as in the ShadowRay campaign.",
	Description: "Ray's job submission API on the dashboard port executes any command it is given, and the client and GCS ports are equally unauthenticated; Ray's own documentation says they must never be exposed to untrusted networks. Attackers scan for them to mine cryptocurrency on GPU nodes and to steal cloud and model-hub credentials. A LoadBalancer Service or an Ingress is reported critical, a NodePort high. A Service is matched to Ray pods in its own file, or judged by its name, selector and ports when the pods are elsewhere.",
	Fix:         "Keep Ray Services ClusterIP (headGroupSpec.serviceType: ClusterIP), reach the dashboard with kubectl port-forward, and if remote access is needed put an authenticating proxy in front and restrict with NetworkPolicy.",
	References:  []string{refRaySec, refShadowRay, "https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html"},
}

// JupyterNoAuth: Jupyter or JupyterHub without authentication.
var JupyterNoAuth = &rule.Rule{
	ID: "k8s/jupyter-no-auth", Title: "JupyterHub or notebook server without real authentication",
	Severity: rule.High, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{tPublicApp, tValidAccounts, tCostHarvesting},
	Mitigations: []string{mInProduction},
	Summary:     "Anyone who reaches the hub logs in with any user name and gets a notebook, which is a shell with the project's data and credentials.",
	Description: "JupyterHub's DummyAuthenticator (authenticator_class: dummy, or auth.type: dummy in old chart versions) accepts every user name, with a shared password at best; it is meant for testing. A Jupyter server is arbitrary code execution by design, so the hub's authenticator is the only barrier. Reported critical when the chart values also expose the proxy through a LoadBalancer, NodePort or Ingress.",
	Fix:         "Configure a real authenticator (OAuthenticator with your identity provider, LDAP, or the native authenticator with sign-up disabled) and restrict allowed users.",
	References:  []string{"https://z2jh.jupyter.org/en/stable/administrator/authentication.html", "https://jupyterhub.readthedocs.io/en/stable/reference/authenticators.html"},
}

// InsecureStorageURI: model fetched over plain HTTP, from a public object URL or an unpinned hub repo.
var InsecureStorageURI = &rule.Rule{
	ID: "k8s/insecure-storage-uri", Title: "Served model fetched from an insecure or unpinned location",
	Severity: rule.Medium, Confidence: rule.MediumConfidence, Phase: rule.Operations,
	Techniques:  []string{tSupplyChainModel, tManipulateModel},
	Mitigations: []string{mVerify, mAtRest},
	Summary:     "The model server loads whatever is at the storage URI; over plain HTTP anyone on the path can swap it, and an unpinned hub repository changes when its owner pushes.",
	Description: "KServe, Seldon and similar servers download the model named by storageUri/modelUri at every start. Over http:// the download can be tampered with in transit, and scikit-learn, XGBoost and PyTorch models are pickles, so a swapped model is code execution in the server (high; medium for a cluster-internal host). Anonymous public object URLs (storage.googleapis.com, *.s3.amazonaws.com) mean the model is world-readable and served from a bucket outside access control (medium). An hf:// URI without a revision follows the repository's default branch (medium).",
	Fix:         "Serve from a private bucket over s3://, gs:// or https with credentials, pin Hugging Face models to a commit (hf://org/model:<commit>), and verify model digests or signatures before serving.",
	References:  []string{"https://kserve.github.io/website/docs/model-serving/storage/overview", "https://kserve.github.io/website/docs/0.20/model-serving/storage/providers/hf"},
}

// ModelServerAdminExposed: TorchServe management or Triton model control reachable from outside.
var ModelServerAdminExposed = &rule.Rule{
	ID: "k8s/model-server-admin-exposed", Title: "Model server management API exposed outside the cluster",
	Severity: rule.High, Confidence: rule.MediumConfidence, Phase: rule.Operations,
	Techniques:  []string{tPublicApp, tManipulateModel},
	Mitigations: []string{mInProduction},
	Summary:     "TorchServe's management API and Triton's explicit model control let a caller load new models — which is code execution — and unload production ones.",
	Description: "TorchServe's management API (8081, gRPC 7071) registers models from arbitrary URLs (the ShellTorch attack chain) and has no authentication unless token auth is enabled. Triton started with --model-control-mode=explicit accepts load and unload requests on its HTTP (8000) and gRPC (8001) ports. A LoadBalancer or NodePort Service, or an Ingress, routing to those ports is reported, whether it is in the workload's file or in another manifest of its directory.",
	Fix:         "Expose only the inference port; keep the management API on a ClusterIP Service (or bound to localhost) reached by the deployment pipeline, and run Triton with --model-control-mode=none or poll in production.",
	References:  []string{"https://pytorch.org/serve/management_api.html", "https://nvd.nist.gov/vuln/detail/CVE-2023-43654", "https://docs.nvidia.com/deeplearning/triton-inference-server/user-guide/docs/user_guide/model_management.html"},
}

// DefaultCredentials: vendor default passwords for ML platform services.
var DefaultCredentials = &rule.Rule{
	ID: "k8s/default-credentials", Title: "Well-known default credentials for an ML platform service",
	Severity: rule.High, Confidence: rule.HighConfidence, Phase: rule.Design,
	Techniques:  []string{tValidAccounts, tExfilCyber, tManipulateModel},
	Mitigations: []string{mAtRest},
	Summary:     "Default passwords (MinIO minioadmin/minio123, Kubeflow user@example.com, MLflow password1234, Postgres postgres) are the first thing attackers try on artifact stores that hold training data and models.",
	Description: "The manifest configures a service with a credential published in its vendor's documentation or default install. MinIO and the database behind MLflow hold datasets and model artifacts, so a default password gives read and write access to them. Reported critical when a LoadBalancer, NodePort or Ingress in the same file, or in another manifest of its directory, exposes the pod that uses it.",
	Fix:         "Generate a random credential per installation, store it in a Secret created out of band (or an external secret manager), and rotate the default one out.",
	References:  []string{"https://min.io/docs/minio/linux/reference/minio-server/settings/root-credentials.html", "https://github.com/kubeflow/manifests", "https://mlflow.org/docs/latest/auth/index.html"},
}

// SecretInManifest: a Secret object with literal data committed.
var SecretInManifest = &rule.Rule{
	ID: "k8s/secret-in-manifest", Title: "Secret with literal data committed in a manifest",
	Severity: rule.High, Confidence: rule.MediumConfidence, Phase: rule.Design,
	Techniques:  []string{tUnsecuredCreds},
	Mitigations: []string{mEncrypt},
	Summary:     "A Secret's data is only base64-encoded: committing it publishes the credential to everyone with access to the repository and its history.",
	Description: "Kubernetes Secret data and stringData are stored in plain text in the manifest (base64 is an encoding, not encryption). Placeholders (empty, changeme, <…>, ${…}, {{…}}) are not reported.",
	Fix:         "Create the Secret out of band, or commit it encrypted (Sealed Secrets, SOPS) or as an ExternalSecret; rotate the committed values.",
	References:  []string{refSecrets, "https://kubernetes.io/docs/concepts/security/secrets-good-practices/"},
}

// OwnRules lists the rules of the k8s family.
var OwnRules = []*rule.Rule{
	PrivilegedContainer, HostPathMount, HostNetwork, AddedCapabilities, RunAsRoot,
	PlaintextCredentialEnv, SATokenCloudRole, ImageWithoutDigest, RayExposed, JupyterNoAuth,
	InsecureStorageURI, ModelServerAdminExposed, DefaultCredentials, SecretInManifest,
}
