package mlcmd

import (
	"strings"

	"github.com/mlsec/mlsec/internal/rules"
)

// Pipeline orchestrators and labeling tools: who may call their API is
// decided by a setting that the environment usually carries, so each check
// reads the command's environment (a container's env, NAME=value words).

// airflow: the webserver and API server take requests without a login
// when the API's auth backend is airflow.api.auth.backend.default (the
// 1.10 default; set explicitly in many compose and Helm examples), and
// 1.x webservers with AIRFLOW__WEBSERVER__AUTHENTICATE=False.
func airflow(c *cmdline) []Match {
	for _, name := range []string{"AIRFLOW__API__AUTH_BACKENDS", "AIRFLOW__API__AUTH_BACKEND"} {
		if v := c.env[name]; strings.Contains(v, "backend.default") {
			return []Match{orchestratorMatch(c, name+"="+v,
				"Airflow's REST API uses "+v+", which lets every request in: anyone who reaches it can trigger DAGs with run configuration and read connections, with their credentials")}
		}
	}
	if v := c.env["AIRFLOW__WEBSERVER__AUTHENTICATE"]; strings.EqualFold(v, "false") {
		return []Match{orchestratorMatch(c, "AIRFLOW__WEBSERVER__AUTHENTICATE="+v,
			"the Airflow webserver runs with authentication turned off: anyone who reaches it can trigger DAGs and read connections")}
	}
	return nil
}

// prefect: `prefect server start` binds 127.0.0.1 unless --host or
// PREFECT_SERVER_API_HOST says otherwise, and checks nothing unless
// PREFECT_SERVER_API_AUTH_STRING is set.
func prefect(c *cmdline) []Match {
	host, hostSet := c.last("--host")
	h := c.env["PREFECT_SERVER_API_HOST"]
	if hostSet && host.hasVal {
		h = host.value
	}
	if h == "" || !allInterfaces(h) || c.env["PREFECT_SERVER_API_AUTH_STRING"] != "" {
		return nil
	}
	m := orchestratorMatch(c, "", "the Prefect server listens on all interfaces with no PREFECT_SERVER_API_AUTH_STRING: anyone who reaches it can create and run deployments on its workers and read its blocks, which hold credentials")
	if hostSet {
		m.Arg, m.Evidence = host.idx, c.evidence(host)
	}
	return []Match{m}
}

// dagster: the open-source webserver has no authentication; it binds
// 127.0.0.1 unless -h/--host says otherwise.
func dagster(c *cmdline) []Match {
	host, ok := c.last("-h", "--host")
	if !ok || !host.hasVal || !allInterfaces(host.value) {
		return nil
	}
	m := orchestratorMatch(c, "", "the Dagster webserver listens on all interfaces and has no authentication: anyone who reaches it can launch runs with any run configuration and read run logs")
	m.Arg, m.Evidence = host.idx, c.evidence(host)
	return []Match{m}
}

// labelStudio: anyone may sign up and then read and change every
// annotation unless LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK is true. Its
// image and `label-studio start` listen on all interfaces.
func labelStudio(c *cmdline) []Match {
	if truthy(c.env["LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK"]) {
		return nil
	}
	if host, ok := c.last("--host", "-b", "--internal-host"); ok && host.hasVal && !allInterfaces(host.value) {
		return nil
	}
	return []Match{orchestratorMatch(c, "", "Label Studio lets anyone who reaches it sign up (LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK is not true): an account can read the data and rewrite the labels training learns from")}
}

func orchestratorMatch(c *cmdline, evidence, msg string) Match {
	if evidence == "" {
		evidence = strings.Join(c.argv[c.start:c.from], " ")
	}
	return Match{Rule: rules.OrchestratorNoAuth, Severity: rules.OrchestratorNoAuth.Severity, Arg: -1, Evidence: evidence, Message: msg}
}
