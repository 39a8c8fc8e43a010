package mlcmd

import (
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// tool checks one server's command line.
type tool func(c *cmdline) []Match

// identify finds the server argv[start:] starts, and the index where its
// options begin (after any subcommand).
func identify(argv []string, start int) (tool, int) {
	prog := base(argv[start])
	i := start + 1
	if isPython(prog) {
		// python [-u -O -X opt …] -m module …
		for i < len(argv) && strings.HasPrefix(argv[i], "-") && argv[i] != "-m" {
			if argv[i] == "-c" {
				return nil, 0
			}
			if argv[i] == "-X" || argv[i] == "-W" {
				i++
			}
			i++
		}
		if i+1 >= len(argv) || argv[i] != "-m" {
			return nil, 0
		}
		prog = argv[i+1]
		i += 2
		switch prog {
		case "notebook", "jupyterlab", "nbclassic", "jupyter_server":
			return jupyter(false), i
		case "tensorboard", "tensorboard.main":
			return tensorboard, i
		case "vllm.entrypoints.openai.api_server", "vllm.entrypoints.api_server":
			return vllm, i
		case "distributed.cli.dask_scheduler":
			return daskScheduler, i
		}

	}
	sub := ""
	subAt := i
	if i < len(argv) {
		sub = argv[i]
		subAt = i + 1
	}
	switch prog {
	case "mlflow":
		if sub == "server" || sub == "ui" {
			return mlflow, subAt
		}
	case "ray":
		if sub == "start" {
			return ray, subAt
		}
	case "jupyter":
		switch sub {
		case "notebook", "lab", "server", "nbclassic":
			return jupyter(false), subAt
		}
	case "jupyter-notebook", "jupyter-lab", "jupyter-server", "jupyter-nbclassic":
		return jupyter(false), i
	case "start-notebook.sh", "start-notebook.py", "start-singleuser.sh", "start-singleuser.py":
		// The Jupyter Docker Stacks scripts listen on every interface.
		return jupyter(true), i
	case "jupyterhub":
		return jupyterhub, i
	case "tensorboard":
		return tensorboard, i
	case "torchserve":
		return torchserve, i
	case "tritonserver":
		return triton, i
	case "vllm":
		if sub == "serve" {
			return vllm, subAt
		}
	case "text-generation-launcher":
		return tgi, i
	case "ollama":
		if sub == "serve" || sub == "start" {
			return ollama, subAt
		}
	case "dask":
		if sub == "scheduler" || sub == "scheduler-ws" {
			return daskScheduler, subAt
		}
	case "dask-scheduler":
		return daskScheduler, i
	case "airflow":
		switch sub {
		case "webserver", "api-server", "standalone":
			return airflow, subAt
		}
	case "prefect":
		if sub == "server" && subAt < len(argv) && argv[subAt] == "start" {
			return prefect, subAt + 1
		}
	case "dagster-webserver", "dagit":
		return dagster, i
	case "dagster":
		if sub == "dev" {
			return dagster, subAt
		}
	case "label-studio":
		if sub == "start" || sub == "" {
			return labelStudio, subAt
		}
		if strings.HasPrefix(sub, "-") {
			return labelStudio, i
		}
	}
	return nil, 0
}

func mlflow(c *cmdline) []Match {
	host, ok := c.last("--host", "-h")
	if !ok || !host.hasVal || !allInterfaces(host.value) {
		return nil
	}
	if app, ok := c.last("--app-name"); ok && app.value == "basic-auth" {
		return nil
	}
	return []Match{{
		Rule: rules.MLflowNoAuth, Severity: rules.MLflowNoAuth.Severity, Arg: host.idx, Evidence: c.evidence(host),
		Message: "MLflow server listens on all interfaces without --app-name basic-auth: anyone on the network can read artifacts and register models",
	}}
}

func ray(c *cmdline) []Match {
	if !c.has("--head") {
		return nil
	}
	if inc, ok := c.last("--include-dashboard"); ok && inc.hasVal && !truthy(inc.value) {
		return nil
	}
	host, ok := c.last("--dashboard-host")
	if !ok || !host.hasVal || !allInterfaces(host.value) {
		return nil
	}
	return []Match{{
		Rule: rules.RayDashboard, Severity: rules.RayDashboard.Severity, Arg: host.idx, Evidence: c.evidence(host),
		Message: "Ray head exposes its dashboard and unauthenticated job submission API on all interfaces (ShadowRay)",
	}}
}

// jupyterTraits lists the config classes whose traits may be set on the
// command line, old (NotebookApp) and new (ServerApp, IdentityProvider).
var jupyterClasses = []string{"ServerApp", "NotebookApp", "IdentityProvider", "PasswordIdentityProvider", "LabApp", "ExtensionApp"}

func traitNames(traits ...string) []string {
	var out []string
	for _, cl := range jupyterClasses {
		for _, t := range traits {
			out = append(out, "--"+cl+"."+t)
		}
	}
	return out
}

func jupyter(defaultAll bool) tool {
	return func(c *cmdline) []Match {
		var out []Match
		all := defaultAll
		if ip, ok := c.last(append(traitNames("ip"), "--ip")...); ok && ip.hasVal {
			all = allInterfaces(ip.value)
		}
		tok, tokSet := c.last(traitNames("token")...)
		pw, pwSet := c.last(traitNames("password", "hashed_password")...)
		if tokSet && (!tok.hasVal || tok.value == "") && !(pwSet && pw.value != "") {
			out = append(out, jupyterNoAuth(c, tok, all, "token is empty and no password is set"))
		}
		if o, ok := c.last(append(traitNames("allow_root"), "--allow-root")...); ok && (!o.hasEq || truthy(o.value)) {
			out = append(out, insecure(c, o, "runs kernels as root"))
		}
		if o, ok := c.last(traitNames("allow_origin")...); ok && o.hasVal && o.value == "*" {
			out = append(out, insecure(c, o, "accepts API requests from any web origin"))
		}
		if o, ok := c.last(traitNames("allow_origin_pat")...); ok && o.hasVal && (o.value == ".*" || o.value == ".+") {
			out = append(out, insecure(c, o, "accepts API requests from any web origin"))
		}
		if o, ok := c.last(traitNames("disable_check_xsrf")...); ok && o.hasVal && truthy(o.value) {
			out = append(out, insecure(c, o, "has its cross-site request forgery check disabled"))
		}
		if o, ok := c.last(traitNames("allow_remote_access")...); ok && o.hasVal && truthy(o.value) {
			out = append(out, insecure(c, o, "skips its Host-header check against DNS rebinding"))
		}
		return out
	}
}

func jupyterNoAuth(c *cmdline, o opt, all bool, why string) Match {
	m := Match{
		Rule: rules.JupyterNoAuth, Severity: rules.JupyterNoAuth.Severity, Arg: o.idx, Evidence: c.evidence(o),
		Message: fmt.Sprintf("Jupyter %s: anyone reaching it on its bind address can run code", why),
	}
	if all {
		m.Severity, m.SeverityReason = rule.Critical, "the server also listens on all interfaces"
		m.Message = fmt.Sprintf("Jupyter %s: anyone reaching it on all interfaces can run code", why)
	}
	return m
}

func insecure(c *cmdline, o opt, what string) Match {
	return Match{
		Rule: rules.JupyterInsecureOption, Severity: rules.JupyterInsecureOption.Severity, Arg: o.idx, Evidence: c.evidence(o),
		Message: "Jupyter " + what,
	}
}

func jupyterhub(c *cmdline) []Match {
	o, ok := c.last("--JupyterHub.authenticator_class", "--authenticator-class")
	if !ok || !o.hasVal {
		return nil
	}
	v := strings.ToLower(o.value)
	if v != "dummy" && v != "null" && !strings.HasSuffix(v, ".dummyauthenticator") && !strings.HasSuffix(v, ".nullauthenticator") {
		return nil
	}
	if v == "null" || strings.HasSuffix(v, ".nullauthenticator") {
		return nil // NullAuthenticator refuses every login
	}
	return []Match{{
		Rule: rules.JupyterNoAuth, Severity: rule.Critical, Arg: o.idx, Evidence: c.evidence(o),
		SeverityReason: "the DummyAuthenticator lets any user name and password log in",
		Message:        "JupyterHub uses the DummyAuthenticator: any user name and password logs in and gets a server",
	}}
}

func tensorboard(c *cmdline) []Match {
	if o, ok := c.last("--bind_all"); ok && (!o.hasEq || truthy(o.value)) {
		return []Match{tbMatch(c, o)}
	}
	if o, ok := c.last("--host"); ok && o.hasVal && allInterfaces(o.value) {
		return []Match{tbMatch(c, o)}
	}
	return nil
}

func tbMatch(c *cmdline, o opt) Match {
	return Match{
		Rule: rules.TensorBoard, Severity: rules.TensorBoard.Severity, Arg: o.idx, Evidence: c.argv[o.idx],
		Message: "TensorBoard serves run logs, graphs and logged data samples on all interfaces without authentication",
	}
}

func torchserve(c *cmdline) []Match {
	o, ok := c.last("--disable-token-auth")
	if !ok {
		return nil
	}
	msg := "TorchServe runs with token authorization disabled: its management API is unauthenticated"
	if c.has("--enable-model-api") {
		msg = "TorchServe runs with token authorization disabled and the model API enabled: anyone reaching the management port can register a model, and so run its handler code"
	}
	return []Match{{Rule: rules.ModelServerAdmin, Severity: rules.ModelServerAdmin.Severity, Arg: o.idx, Evidence: c.argv[o.idx], Message: msg}}
}

func triton(c *cmdline) []Match {
	mode, ok := c.last("--model-control-mode")
	if !ok || !mode.hasVal || strings.ToLower(mode.value) != "explicit" {
		return nil
	}
	if c.has("--http-restricted-api", "--grpc-restricted-protocol") {
		return nil
	}
	// Triton listens on 0.0.0.0 unless told otherwise.
	if a, ok := c.last("--http-address"); ok && a.hasVal && !allInterfaces(a.value) {
		if g, ok := c.last("--grpc-address"); ok && g.hasVal && !allInterfaces(g.value) {
			return nil
		}
	}
	return []Match{{
		Rule: rules.ModelServerAdmin, Severity: rules.ModelServerAdmin.Severity, Arg: mode.idx, Evidence: c.evidence(mode),
		Message: "Triton runs with explicit model control and no restricted model-repository API: anyone reaching it can load or unload models",
	}}
}
