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
	Title:       "Ray dashboard, job or client port reachable without authentication",
	Severity:    rule.Critical,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0050", "AML.T0034", "AML.T0025"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "Ray's job submission API runs any command it is sent, without authentication, on every node of the cluster.",
	Description: "Ray has no authentication by design. Its dashboard port (8265) takes job submissions whose entrypoint is a shell command run on the cluster, and the client (10001) and GCS (6379) ports are as open; Ray's documentation says they must never face untrusted networks. The ShadowRay campaign used exactly this to mine cryptocurrency on GPU nodes and steal cloud credentials, hub tokens and models. Reported for `ray start --head --dashboard-host 0.0.0.0` in a command line, and for Ray head Services published outside a Kubernetes cluster (critical through a LoadBalancer or Ingress, high through a NodePort).",
	Fix:         "Keep the dashboard on 127.0.0.1 (the default) and reach it through `ray dashboard`, an SSH tunnel or `kubectl port-forward`. In Kubernetes keep the head Service ClusterIP (`headGroupSpec.serviceType: ClusterIP`) and restrict it with a NetworkPolicy. If remote access is needed, put an authenticating proxy in front of port 8265.",
	References:  []string{"https://docs.ray.io/en/latest/ray-security/index.html", "https://www.oligo.security/blog/shadowray-attack-ai-workloads-actively-exploited-in-the-wild", "https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html"},
}

// JupyterNoAuth is a Jupyter server started with an empty token and no
// password.
var JupyterNoAuth = &rule.Rule{
	ID:          "exposure/jupyter-no-auth",
	Title:       "Jupyter server without real authentication",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0049", "AML.T0050", "AML.T0055", "AML.T0012", "AML.T0034"},
	Mitigations: []string{"AML.M0005", "AML.M0019"},
	Summary:     "A Jupyter server with an empty token runs code for anyone who can reach it.",
	Description: "A Jupyter server runs code by design: whoever reaches it opens a terminal or a kernel as the notebook user, with its cloud credentials, data and models. Its only protection is the token, a password, or the authenticator of the JupyterHub in front of it. Reported for an empty token without a password (`--NotebookApp.token=''`, `c.ServerApp.token = ''`), critical when the server also listens on every interface; and for JupyterHub's DummyAuthenticator (`authenticator_class: dummy`), which accepts any user name and is meant for tests.",
	Fix:         "Let Jupyter generate a token, or set a strong password hash, and bind to 127.0.0.1 unless an authenticating proxy is in front. For JupyterHub, configure a real authenticator (OAuthenticator with your identity provider, LDAP, or the native authenticator with sign-up disabled) and restrict the allowed users.",
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
	Fix: "Remove the option the finding names. `allow_origin`: list the exact origins you need instead of '*'. " +
		"`disable_check_xsrf`: leave the XSRF check on. `allow_remote_access`: leave it off unless an " +
		"authenticating proxy is in front. `--allow-root` / `allow_root`: run Jupyter as an unprivileged user.",
	References: []string{
		"https://jupyter-server.readthedocs.io/en/latest/other/full-config.html",
		"https://jupyter-server.readthedocs.io/en/latest/operators/security.html",
	},
}

// ModelServerAdmin is a model server whose management or
// model-control API is reachable without authentication.
var ModelServerAdmin = &rule.Rule{
	ID:          "exposure/model-server-admin",
	Title:       "Model server management API reachable without authentication",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0018", "AML.T0011.000"},
	Mitigations: []string{"AML.M0019", "AML.M0014"},
	Summary:     "Whoever reaches the management API can load, replace or unload the models being served.",
	Description: "TorchServe's management API (8081, gRPC 7071) registers models from a URL and Triton's explicit model control loads and unloads models on request. A model archive carries a handler or a Python backend, so loading one runs its code (the ShellTorch chain), and unloading one takes production down. TorchServe guards the API with a token unless `--disable-token-auth` is given; Triton has no authentication on its HTTP and gRPC ports unless the model-repository API is restricted. Reported for the command line or configuration that opens the API, and for a management port published outside the cluster.",
	Fix:         "TorchServe: keep token authorization on, leave `--enable-model-api` off and bind the management address to 127.0.0.1. Triton: run with `--model-control-mode=none` (or poll) in production, or restrict the API with `--http-restricted-api=model-repository:<header>=<secret>` and its gRPC equivalent. Publish only the inference port; keep the management API on a ClusterIP Service reached by the deployment pipeline.",
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
	Fix:        "Publish the service's port on the loopback address only (`\"127.0.0.1:PORT:PORT\"`, for example `\"127.0.0.1:8888:8888\"` for Jupyter or `\"127.0.0.1:5000:5000\"` for MLflow) and reach it through a tunnel, or enable the service's authentication and put a TLS proxy in front.",
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

// LLMAPINoAuth is an LLM inference server (vLLM, text-generation-inference,
// Ollama) listening on every interface without an API key.
var LLMAPINoAuth = &rule.Rule{
	ID:          "exposure/llm-api-no-auth",
	Title:       "LLM inference API reachable without an API key",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0040", "AML.T0034", "AML.T0049", "AML.T0024"},
	Mitigations: []string{"AML.M0019", "AML.M0004"},
	Summary:     "Anyone who reaches the port can use the model on your GPUs, and Ollama's API also pulls, pushes and deletes models.",
	Description: "vLLM (`vllm serve`, `python -m vllm.entrypoints.openai.api_server`) and Hugging Face " +
		"text-generation-inference (`text-generation-launcher`) listen on every interface by default and serve " +
		"their OpenAI-compatible API to anyone unless an API key is set (`--api-key` or `VLLM_API_KEY`; TGI's " +
		"`--api-key` or `API_KEY`). Ollama has no authentication at all; it listens on 127.0.0.1:11434 unless " +
		"`OLLAMA_HOST` binds it to every interface, and its API pulls, copies, pushes and deletes models as well as " +
		"running them. Exposed inference servers are scanned for and used for free compute (LLMjacking), to " +
		"extract system prompts and to probe the model. Reported for the command line or environment that opens " +
		"the API, and for a Service, compose port or route that publishes it.",
	Fix: "Set an API key (`vllm serve --api-key` / `VLLM_API_KEY` from a secret, TGI `--api-key`), or bind the " +
		"server to 127.0.0.1 and put an authenticating gateway in front. Keep Ollama on 127.0.0.1 (the default) " +
		"or behind a proxy that authenticates; never publish 11434 directly.",
	References: []string{
		"https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
		"https://huggingface.co/docs/text-generation-inference/reference/launcher",
		"https://github.com/ollama/ollama/blob/main/docs/faq.md",
	},
}

// VectorDBNoAuth is a vector database (Milvus, Qdrant, Weaviate, Chroma)
// reachable without authentication.
var VectorDBNoAuth = &rule.Rule{
	ID:          "exposure/vector-db-no-auth",
	Title:       "Vector database reachable without authentication",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0035", "AML.T0025"},
	Mitigations: []string{"AML.M0019", "AML.M0005"},
	Summary:     "The embeddings and documents behind a RAG application can be read, changed and deleted by anyone who reaches the port.",
	Description: "Vector stores hold the documents a retrieval-augmented application answers from, often internal " +
		"ones, and most ship with authentication off: Qdrant (6333, gRPC 6334) unless " +
		"`QDRANT__SERVICE__API_KEY` is set; Weaviate with `AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true`; Milvus " +
		"(19530) unless `common.security.authorizationEnabled` is true; Chroma (8000) unless an authentication " +
		"provider is configured. Anyone who reaches them can read every collection (data exfiltration) or insert " +
		"and modify documents that the application will retrieve and feed to the model (RAG poisoning, indirect " +
		"prompt injection). Reported for a vector store published by compose, a Kubernetes Service or a route " +
		"without its authentication setting.",
	Fix: "Turn authentication on (Qdrant `QDRANT__SERVICE__API_KEY`; Weaviate API-key or OIDC authentication with " +
		"anonymous access disabled; Milvus `authorizationEnabled: true` with the root password changed; Chroma " +
		"token or basic authentication) and keep the port on a private network reached only by the application.",
	References: []string{
		"https://qdrant.tech/documentation/guides/security/",
		"https://weaviate.io/developers/weaviate/configuration/authentication",
		"https://milvus.io/docs/authenticate.md",
		"https://docs.trychroma.com/production/administration/auth",
	},
}

// ComputeClusterNoAuth is a distributed compute scheduler or master
// (Dask, Spark, H2O) that runs submitted code and is reachable without
// authentication.
var ComputeClusterNoAuth = &rule.Rule{
	ID:          "exposure/compute-cluster-no-auth",
	Title:       "Distributed compute scheduler reachable without authentication",
	Severity:    rule.Critical,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0050", "AML.T0034"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "The scheduler runs whatever code it is sent on the cluster's workers, for anyone who can reach it.",
	Description: "A Dask scheduler (8786) deserialises and runs the tasks clients submit, and listens on every " +
		"interface by default with no TLS or authentication; its dashboard is 8787. A Spark standalone master " +
		"accepts applications on 7077 and, when `spark.master.rest.enabled` is on, on its REST submission port " +
		"6066, both without authentication unless `spark.authenticate` is set; an H2O node (54321) has no " +
		"authentication by default and its API imports files and runs code. Each is a remote code execution " +
		"endpoint on machines that usually hold training data and cloud credentials.",
	Fix: "Keep the scheduler or master on a private network reached only by the cluster's clients: bind it " +
		"to an internal address, do not publish the port, and enable the framework's security (Dask TLS with " +
		"client certificates, Spark `spark.authenticate` and the REST server off, H2O `-hash_login` or " +
		"`-ldap_login` with `-internal_security_conf`).",
	References: []string{
		"https://distributed.dask.org/en/stable/tls.html",
		"https://spark.apache.org/docs/latest/security.html",
		"https://docs.h2o.ai/h2o/latest-stable/h2o-docs/security.html",
	},
}

// OrchestratorNoAuth is a pipeline orchestrator or labeling tool whose API
// answers without authentication: whoever reaches it runs pipelines with
// the pipeline's credentials, or rewrites the labels a model learns from.
var OrchestratorNoAuth = &rule.Rule{
	ID:          "exposure/orchestrator-no-auth",
	Title:       "Pipeline orchestrator or labeling tool reachable without authentication",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0020", "AML.T0055"},
	Mitigations: []string{"AML.M0019", "AML.M0005"},
	Summary: "Its API takes requests from anyone who reaches it: pipelines run with their connections and keys, " +
		"and training labels can be rewritten.",
	Description: "Airflow's REST API with the `airflow.api.auth.backend.default` backend (the 1.10 default, or set " +
		"by `AIRFLOW__API__AUTH_BACKENDS`) lets every request trigger DAGs with run configuration and read " +
		"connections, which hold the pipeline's database and cloud credentials. The open-source Prefect server has " +
		"no authentication unless `PREFECT_SERVER_API_AUTH_STRING` is set, and the Dagster webserver has none: " +
		"bound to all interfaces, anyone can launch runs. Label Studio lets anyone sign up unless " +
		"`LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK` is true, and an account can rewrite the annotations training reads.",
	Fix: "Keep the orchestrator on a private network behind an authenticating proxy; set Airflow's " +
		"`AIRFLOW__API__AUTH_BACKENDS` to `airflow.api.auth.backend.session` (or basic_auth with strong users), Prefect's " +
		"`PREFECT_SERVER_API_AUTH_STRING`, and Label Studio's `LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true`; bind " +
		"Prefect and Dagster to 127.0.0.1 when nothing else must reach them.",
	References: []string{
		"https://airflow.apache.org/docs/apache-airflow/stable/security/api.html",
		"https://docs.prefect.io/v3/advanced/security-settings",
		"https://docs.dagster.io/deployment/oss/oss-deployment-architecture",
		"https://labelstud.io/guide/signup",
	},
}
