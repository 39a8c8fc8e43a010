package mlcmd

import "github.com/mlsec/mlsec/internal/rule"

// The rules Check may report. They belong to the "config" family whichever
// analyzer finds them: a server started from a Dockerfile, a Kubernetes
// container or a shell script is the same exposure.
var (
	// MLflowNoAuth is an MLflow tracking server listening on every interface
	// without the basic-auth app.
	MLflowNoAuth = &rule.Rule{
		ID:          "config/mlflow-no-auth",
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

	// RayDashboardExposed is a Ray head node whose dashboard and job API
	// listen on every interface.
	RayDashboardExposed = &rule.Rule{
		ID:          "config/ray-dashboard-exposed",
		Title:       "Ray dashboard and job API on all interfaces",
		Severity:    rule.Critical,
		Confidence:  rule.HighConfidence,
		Phase:       rule.Operations,
		Techniques:  []string{"AML.T0049", "AML.T0050", "AML.T0034"},
		Mitigations: []string{"AML.M0019"},
		Summary:     "Ray's job submission API runs any command it is sent, without authentication, on every node of the cluster.",
		Description: "`ray start --head --dashboard-host 0.0.0.0` publishes the Ray dashboard, whose job " +
			"submission API accepts an entrypoint shell command and runs it on the cluster. Ray has no " +
			"authentication by design and considers this intended behaviour; the ShadowRay campaign used " +
			"exactly this to run cryptominers and steal cloud credentials, tokens and models from exposed " +
			"clusters.",
		Fix: "Keep the dashboard on 127.0.0.1 (the default) and reach it through `ray dashboard` / an SSH tunnel or " +
			"kubectl port-forward, or put an authenticating proxy and a network policy in front of port 8265.",
		References: []string{
			"https://docs.ray.io/en/latest/ray-security/index.html",
			"https://www.oligo.security/blog/shadowray-attack-ai-workloads-actively-exploited-in-the-wild",
		},
	}

	// JupyterNoAuth is a Jupyter server started with an empty token and no
	// password.
	JupyterNoAuth = &rule.Rule{
		ID:          "config/jupyter-no-auth",
		Title:       "Jupyter server without token or password",
		Severity:    rule.High,
		Confidence:  rule.HighConfidence,
		Phase:       rule.Development,
		Techniques:  []string{"AML.T0049", "AML.T0050", "AML.T0055"},
		Mitigations: []string{"AML.M0005"},
		Summary:     "A Jupyter server with an empty token runs code for anyone who can reach it.",
		Description: "Jupyter's only protection is its token or password. Setting the token to the empty " +
			"string without a password (`--NotebookApp.token=''`, `c.ServerApp.token = ''`) lets anyone who " +
			"reaches the port open a terminal or a kernel and run commands as the notebook user, with its " +
			"cloud credentials, data and models. It is critical when the server also listens on every " +
			"interface, and high otherwise (one port-forward or a local user away).",
		Fix: "Remove the empty token so Jupyter generates one, or set a strong password hash; bind to 127.0.0.1 " +
			"unless a proxy such as JupyterHub authenticates users in front of it.",
		References: []string{
			"https://jupyter-server.readthedocs.io/en/latest/operators/security.html",
			"https://jupyter-notebook.readthedocs.io/en/stable/security.html",
		},
	}

	// JupyterInsecureOption is a Jupyter option that weakens its web
	// security: any origin, no XSRF check, root, remote access.
	JupyterInsecureOption = &rule.Rule{
		ID:          "config/jupyter-insecure-option",
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

	// TensorBoardExposed is TensorBoard listening on every interface.
	TensorBoardExposed = &rule.Rule{
		ID:          "config/tensorboard-exposed",
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

	// ModelServerAdminExposed is a model server whose management or
	// model-control API is reachable without authentication.
	ModelServerAdminExposed = &rule.Rule{
		ID:          "config/model-server-admin-exposed",
		Title:       "Model server management API without authentication",
		Severity:    rule.High,
		Confidence:  rule.MediumConfidence,
		Phase:       rule.Operations,
		Techniques:  []string{"AML.T0049", "AML.T0018", "AML.T0011.000"},
		Mitigations: []string{"AML.M0019", "AML.M0014"},
		Summary:     "Whoever reaches the management API can load, replace or unload the models being served.",
		Description: "TorchServe's management API registers models from a URL and Triton's explicit model " +
			"control loads and unloads models on request; a model archive carries a handler or Python " +
			"backend, so loading one is running its code (ShellTorch). TorchServe protects the API with a " +
			"token unless `--disable-token-auth` is given; Triton has no authentication on its HTTP and gRPC " +
			"ports, which listen on every interface by default, unless the model-repository API is " +
			"restricted.",
		Fix: "TorchServe: keep token authorization on, leave `--enable-model-api` off and bind the management " +
			"address to 127.0.0.1. Triton: use `--model-control-mode=none` in production or restrict the API with " +
			"`--http-restricted-api=model-repository:<header>=<secret>` (and the gRPC equivalent).",
		References: []string{
			"https://pytorch.org/serve/token_authorization_api.html",
			"https://www.oligo.security/blog/shelltorch-explained-multiple-vulnerabilities-in-pytorch-model-server",
			"https://github.com/triton-inference-server/server/blob/main/docs/customization_guide/deploy.md",
		},
	}
)

// Rules lists the rules Check may report.
var Rules = []*rule.Rule{
	MLflowNoAuth,
	RayDashboardExposed,
	JupyterNoAuth,
	JupyterInsecureOption,
	TensorBoardExposed,
	ModelServerAdminExposed,
}
