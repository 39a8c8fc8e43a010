package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about live endpoints, reported by `mlsec probe` only: what a
// running service answers, rather than what files say was meant.

// ProbeRCEAPI is a live service whose unauthenticated API runs code.
var ProbeRCEAPI = &rule.Rule{
	ID:          "probe/rce-api-no-auth",
	Title:       "Live ML service runs code for unauthenticated requests",
	Severity:    rule.Critical,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0050", "AML.T0034"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "The endpoint answered an API that runs code (Ray jobs, Jupyter kernels, TorchServe model registration, Triton model loading) without asking who was calling.",
	Description: "mlsec probe asked the service's read-only endpoints and got data back without credentials: a Ray job API that " +
		"lists jobs also accepts new ones, whose entrypoint is a shell command (ShadowRay); a Jupyter server that answers " +
		"/api/status starts kernels; TorchServe's management API registers a model archive from a URL and runs its handler; " +
		"Triton's model repository API loads models whose Python backend runs code. Attackers scan the internet for exactly " +
		"these answers and use them for cryptomining, credential theft and model tampering.",
	Fix: "Take the endpoint off any network that does not need it (bind to 127.0.0.1 or a private network, no public " +
		"load balancer), and turn the service's authentication on: Ray token authentication or an authenticating proxy, " +
		"a Jupyter token or password, TorchServe token authorization with the model API off, Triton's restricted " +
		"model-repository API.",
	References: []string{
		"https://docs.ray.io/en/latest/ray-security/index.html",
		"https://jupyter-server.readthedocs.io/en/latest/operators/security.html",
		"https://pytorch.org/serve/token_authorization_api.html",
	},
}

// ProbeAPINoAuth is a live model API that answers without authentication.
var ProbeAPINoAuth = &rule.Rule{
	ID:          "probe/api-no-auth",
	Title:       "Live ML API answers without authentication",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0024", "AML.T0018"},
	Mitigations: []string{"AML.M0019", "AML.M0004"},
	Summary:     "A tracking server, model server or app answered its API without credentials: its data can be read and its models queried or replaced.",
	Description: "MLflow without authentication hands out every run, parameter and artifact and lets anyone register or " +
		"replace the model versions deployments load. An inference API (KServe, Triton) that anyone can call can be " +
		"queried until the model is extracted (AML.T0024) or used for free. A Gradio app without a login exposes its " +
		"functions through its API as well as its page. Severity is lowered for inference-only servers and apps meant " +
		"to be public.",
	Fix:        "Put the API behind authentication (MLflow's basic-auth app or an authenticating proxy; a mesh or gateway policy for model servers; Gradio's auth=) and off public networks.",
	References: []string{"https://mlflow.org/docs/latest/auth/index.html", "https://kserve.github.io/website/latest/"},
}

// ProbeVulnerableVersion is a live service in a version with known
// vulnerabilities.
var ProbeVulnerableVersion = &rule.Rule{
	ID:          "probe/vulnerable-version",
	Title:       "Live ML service version with known vulnerabilities",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049"},
	Mitigations: []string{"AML.M0016"},
	Summary:     "The version the service reports is older than the fix of published vulnerabilities (file reads, command injection, SSRF).",
	Description: "The version comes from the service's own answer (Ray /api/version, MLflow /version, the TorchServe API " +
		"description, Triton /v2, Gradio /config) and is compared with the first fixed version of each advisory mlsec " +
		"knows. A backported fix or a patched fork is not visible from outside, so confidence is medium.",
	Fix:        "Upgrade the service to at least the fixed version named in the finding, and keep it off public networks.",
	References: []string{"https://github.com/advisories"},
}

// ProbeNoTLS is a live ML service answering over plain HTTP off loopback.
var ProbeNoTLS = &rule.Rule{
	ID:          "probe/no-tls",
	Title:       "Live ML service over plain HTTP on a network address",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0049", "AML.T0055"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "Tokens, credentials, model files and predictions cross the network in clear text.",
	Description: "The service answered on http:// at an address that is not loopback. Anyone on the network path can read " +
		"the tokens clients send and swap the models or predictions in transit.",
	Fix:        "Serve over TLS (a TLS-terminating ingress or the service's own TLS options) and redirect plain HTTP.",
	References: []string{"https://owasp.org/www-project-top-ten/2017/A3_2017-Sensitive_Data_Exposure"},
}

// ProbeRules are the rules `mlsec probe` reports; no analyzer does, since
// they are about live endpoints rather than files.
var ProbeRules = []*rule.Rule{ProbeRCEAPI, ProbeAPINoAuth, ProbeVulnerableVersion, ProbeNoTLS}
