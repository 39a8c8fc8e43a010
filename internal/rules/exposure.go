package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about ML services reachable without authentication (MLflow, Ray, Jupyter, TensorBoard, model servers), whether started from a Dockerfile, a compose file, a pod, a shell script or a configuration file, or opened by a firewall rule.

// MLflowNoAuth is an MLflow tracking server listening on every interface
// without the basic-auth app.
var MLflowNoAuth = &rule.Rule{
	ID:          "exposure/mlflow-no-auth",
	Title:       "MLflow server on all interfaces without authentication",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0035", "AML.T0018"},
	Mitigations: []string{"AML.M0019", "AML.M0005"},
	Summary:     "Anyone who can reach the MLflow port can read every experiment and artifact and replace registered models.",
	Description: "`mlflow server` (and `mlflow ui`) has no authentication unless it is started with " +
		"`--app-name basic-auth` or put behind an authenticating proxy. Bound to 0.0.0.0 it serves the " +
		"tracking API, the artifact proxy and the model registry to the whole network: training data " +
		"paths, metrics, credentials logged as parameters and the model files themselves can be read, and " +
		"a new model version can be registered and promoted to the stage production pulls from. MLflow " +
		"has also had a series of path-traversal and file-read flaws reachable without authentication.",
	Fix: "Start the server with `--app-name basic-auth` (and change the default admin password), or bind it to " +
		"127.0.0.1 and put an authenticating reverse proxy in front of it.",
	References: []string{
		"https://mlflow.org/docs/latest/auth/index.html",
		"https://mlflow.org/docs/latest/tracking/server.html",
	},
}

// RayDashboard is a Ray head node whose dashboard and job API
// listen on every interface.
var RayDashboard = &rule.Rule{
	ID:          "exposure/ray-dashboard",
	Title:       "Ray dashboard and job API on all interfaces",
	Severity:    rule.Critical,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0050", "AML.T0034", "AML.T0025"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "Ray's job submission API runs any command it is sent, without authentication, on every node of the cluster.",
	Description: "`ray start --head --dashboard-host 0.0.0.0` publishes the Ray dashboard, whose job submission API accepts an entrypoint shell command and runs it on the cluster. Ray has no authentication by design and considers this intended behaviour; the ShadowRay campaign used exactly this to run cryptominers and steal cloud credentials, tokens and models from exposed clusters.\n\nRay's job submission API on the dashboard port executes any command it is given, and the client and GCS ports are equally unauthenticated; Ray's own documentation says they must never be exposed to untrusted networks. Attackers scan for them to mine cryptocurrency on GPU nodes and to steal cloud and model-hub credentials. A LoadBalancer Service or an Ingress is reported critical, a NodePort high. A Service is matched to Ray pods in its own file, or judged by its name, selector and ports when the pods are elsewhere.",
	Fix:         "Keep the dashboard on 127.0.0.1 (the default) and reach it through `ray dashboard` / an SSH tunnel or kubectl port-forward, or put an authenticating proxy and a network policy in front of port 8265. Keep Ray Services ClusterIP (headGroupSpec.serviceType: ClusterIP), reach the dashboard with kubectl port-forward, and if remote access is needed put an authenticating proxy in front and restrict with NetworkPolicy.",
	References:  []string{"https://docs.ray.io/en/latest/ray-security/index.html", "https://www.oligo.security/blog/shadowray-attack-ai-workloads-actively-exploited-in-the-wild", "https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html"},
}

// JupyterNoAuth is a Jupyter server started with an empty token and no
// password.
var JupyterNoAuth = &rule.Rule{
	ID:          "exposure/jupyter-no-auth",
	Title:       "Jupyter server without token or password",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0049", "AML.T0050", "AML.T0055", "AML.T0012", "AML.T0034"},
	Mitigations: []string{"AML.M0005", "AML.M0019"},
	Summary:     "A Jupyter server with an empty token runs code for anyone who can reach it.",
	Description: "Jupyter's only protection is its token or password. Setting the token to the empty string without a password (`--NotebookApp.token=''`, `c.ServerApp.token = ''`) lets anyone who reaches the port open a terminal or a kernel and run commands as the notebook user, with its cloud credentials, data and models. It is critical when the server also listens on every interface, and high otherwise (one port-forward or a local user away).\n\nJupyterHub's DummyAuthenticator (authenticator_class: dummy, or auth.type: dummy in old chart versions) accepts every user name, with a shared password at best; it is meant for testing. A Jupyter server is arbitrary code execution by design, so the hub's authenticator is the only barrier. Reported critical when the chart values also expose the proxy through a LoadBalancer, NodePort or Ingress.",
	Fix:         "Remove the empty token so Jupyter generates one, or set a strong password hash; bind to 127.0.0.1 unless a proxy such as JupyterHub authenticates users in front of it. Configure a real authenticator (OAuthenticator with your identity provider, LDAP, or the native authenticator with sign-up disabled) and restrict allowed users.",
	References:  []string{"https://jupyter-server.readthedocs.io/en/latest/operators/security.html", "https://jupyter-notebook.readthedocs.io/en/stable/security.html", "https://z2jh.jupyter.org/en/stable/administrator/authentication.html", "https://jupyterhub.readthedocs.io/en/stable/reference/authenticators.html"},
}

// JupyterInsecureOption is a Jupyter option that weakens its web
// security: any origin, no XSRF check, root, remote access.
var JupyterInsecureOption = &rule.Rule{
	ID:          "exposure/jupyter-insecure-option",
	Title:       "Jupyter option that weakens its web security",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0078", "AML.T0049"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "The option removes a defence Jupyter has against web pages and other users driving its kernels.",
	Description: "`allow_origin = '*'` lets any web page the user visits call the Jupyter API from the " +
		"browser; `disable_check_xsrf = True` removes the cross-site request forgery check; " +
		"`allow_remote_access = True` turns off the Host-header check against DNS rebinding; " +
		"`--allow-root` runs every kernel as root, so code run in a notebook owns the container. Each " +
		"turns a visit to a hostile page or a single kernel compromise into more.",
	Fix: "Drop the option; list the exact origins you need in `allow_origin`, keep the XSRF check on, and run " +
		"Jupyter as an unprivileged user.",
	References: []string{
		"https://jupyter-server.readthedocs.io/en/latest/other/full-config.html",
		"https://jupyter-server.readthedocs.io/en/latest/operators/security.html",
	},
}

// ModelServerAdmin is a model server whose management or
// model-control API is reachable without authentication.
var ModelServerAdmin = &rule.Rule{
	ID:          "exposure/model-server-admin",
	Title:       "Model server management API without authentication",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0018", "AML.T0011.000"},
	Mitigations: []string{"AML.M0019", "AML.M0014"},
	Summary:     "Whoever reaches the management API can load, replace or unload the models being served.",
	Description: "TorchServe's management API registers models from a URL and Triton's explicit model control loads and unloads models on request; a model archive carries a handler or Python backend, so loading one is running its code (ShellTorch). TorchServe protects the API with a token unless `--disable-token-auth` is given; Triton has no authentication on its HTTP and gRPC ports, which listen on every interface by default, unless the model-repository API is restricted.\n\nTorchServe's management API (8081, gRPC 7071) registers models from arbitrary URLs (the ShellTorch attack chain) and has no authentication unless token auth is enabled. Triton started with --model-control-mode=explicit accepts load and unload requests on its HTTP (8000) and gRPC (8001) ports. A LoadBalancer or NodePort Service, or an Ingress, routing to those ports is reported, whether it is in the workload's file or in another manifest of its directory.",
	Fix:         "TorchServe: keep token authorization on, leave `--enable-model-api` off and bind the management address to 127.0.0.1. Triton: use `--model-control-mode=none` in production or restrict the API with `--http-restricted-api=model-repository:<header>=<secret>` (and the gRPC equivalent). Expose only the inference port; keep the management API on a ClusterIP Service (or bound to localhost) reached by the deployment pipeline, and run Triton with --model-control-mode=none or poll in production.",
	References:  []string{"https://pytorch.org/serve/token_authorization_api.html", "https://www.oligo.security/blog/shelltorch-explained-multiple-vulnerabilities-in-pytorch-model-server", "https://github.com/triton-inference-server/server/blob/main/docs/customization_guide/deploy.md", "https://pytorch.org/serve/management_api.html", "https://nvd.nist.gov/vuln/detail/CVE-2023-43654", "https://docs.nvidia.com/deeplearning/triton-inference-server/user-guide/docs/user_guide/model_management.html"},
}

// TensorBoard is TensorBoard listening on every interface.
var TensorBoard = &rule.Rule{
	ID:          "exposure/tensorboard",
	Title:       "TensorBoard on all interfaces",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0007", "AML.T0035"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "TensorBoard has no authentication; on all interfaces it shows the model graph, training data samples and metrics to the network.",
	Description: "`tensorboard --bind_all` or `--host 0.0.0.0` serves the run logs without any " +
		"authentication: model architecture, hyper-parameters, embeddings with their metadata, logged " +
		"images and text samples of the training data. That is reconnaissance and data leakage for " +
		"anyone on the network.",
	Fix: "Keep TensorBoard on localhost and reach it with a port-forward, or put an authenticating proxy in front of it.",
	References: []string{
		"https://github.com/tensorflow/tensorboard/blob/master/README.md",
	},
}

// ServicePublished is an ML service published on all interfaces without authentication.
var ServicePublished = &rule.Rule{
	ID:          "exposure/service-published",
	Title:       "ML service published on all interfaces without authentication",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0035"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "The service's port is open to every network the host is on, and the service does not ask who is calling.",
	Description: "A compose `ports:` entry without a host address publishes on 0.0.0.0, and Docker's own " +
		"firewall rules bypass host firewalls such as ufw. MLflow, Ray, TensorBoard and Jupyter with an " +
		"empty token have no authentication, and Label Studio lets anyone sign up: models, artifacts, " +
		"data and, for Ray and Jupyter, command execution are open (critical for those two).",
	Fix:        "Publish on 127.0.0.1 (`\"127.0.0.1:5000:5000\"`) and reach the service through a tunnel, or enable authentication and put a TLS proxy in front.",
	References: []string{"https://docs.docker.com/engine/network/packet-filtering-firewalls/", "https://docs.docker.com/reference/compose-file/services/#ports"},
}

// PortOpenToWorld is a firewall or security group rule that opens an ML
// service port (or every port) to the whole internet.
var PortOpenToWorld = &rule.Rule{
	ID:          "exposure/port-open-to-world",
	Title:       "ML service port open to the internet",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0034", "AML.T0050"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "MLflow, Jupyter, Ray, TensorBoard, model servers and MinIO ship without authentication and are found by internet scanners within hours.",
	Description: "An ingress rule (`aws_security_group`, `aws_security_group_rule`, " +
		"`aws_vpc_security_group_ingress_rule`, `google_compute_firewall`, `azurerm_network_security_rule` or " +
		"an `azurerm_network_security_group` rule) allows 0.0.0.0/0 or ::/0 on a port an ML service listens on " +
		"by default: MLflow 5000, Jupyter 8888, Ray 8265/10001/6379, TensorBoard 6006, TorchServe and Label " +
		"Studio 8080-8082, Triton 8000-8002, MinIO 9000/9001, Gradio 7860, Streamlit 8501, or on every port. " +
		"Jupyter and the Ray dashboard run code for whoever reaches them (the ShadowRay campaign), so a rule " +
		"that opens 8888 or 8265 explicitly is critical; other ports are high.",
	Fix: "Restrict the source to the VPN or office ranges, or remove the rule and reach the service through a " +
		"bastion, SSM port forwarding, IAP or an authenticating load balancer.",
	References: []string{
		"https://docs.ray.io/en/latest/ray-security/index.html",
		"https://jupyter-server.readthedocs.io/en/latest/operators/public-server.html",
	},
}

// WorkspacePublicNetwork is a Vertex AI Workbench / user-managed
// notebook with a public IP, or an Azure ML workspace reachable from
// public networks.
var WorkspacePublicNetwork = &rule.Rule{
	ID:          "exposure/workspace-public-network",
	Title:       "ML workspace or notebook reachable from the internet",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0049", "AML.T0012"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "The workspace that holds data, notebooks and models is exposed to the internet and protected only by sign-in.",
	Description: "A `google_workbench_instance` without `gce_setup { disable_public_ip = true }`, a " +
		"`google_notebooks_instance` without `no_public_ip = true`, or an `azurerm_machine_learning_workspace` " +
		"whose `public_network_access_enabled` is true or unset (the provider default) is reachable from any " +
		"network. The service still asks for credentials, so this is a missing defence rather than an open " +
		"door (medium): one phished or leaked token, or one flaw in the notebook proxy, reaches the training " +
		"data and models directly.",
	Fix: "Disable the public IP / public network access and reach the workspace through a private endpoint, " +
		"Private Service Connect or IAP.",
	References: []string{
		"https://learn.microsoft.com/azure/machine-learning/how-to-configure-private-link",
		"https://cloud.google.com/vertex-ai/docs/workbench/instances/create",
	},
	Peers: []string{"CKV_AZURE_144"},
}
