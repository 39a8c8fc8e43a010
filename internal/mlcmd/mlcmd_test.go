package mlcmd

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		argv string // split on "|"
		want string // "rule-id@arg:severity" joined with ","; "" for none
	}{
		// MLflow
		{"mlflow|server|--host|0.0.0.0|--port|5000", "exposure/mlflow-no-auth@2:high"},
		{"mlflow|server|--host=0.0.0.0", "exposure/mlflow-no-auth@2:high"},
		{"mlflow|ui|-h|0.0.0.0", "exposure/mlflow-no-auth@2:high"},
		{"/opt/conda/bin/mlflow|server|--backend-store-uri|postgresql://mlflow@db/mlflow|--host|::", "exposure/mlflow-no-auth@4:high"},
		{"mlflow|server|--host|0.0.0.0|--app-name|basic-auth", ""},
		{"mlflow|server|--host|127.0.0.1", ""},
		{"mlflow|server", ""},
		{"mlflow|server|--host|$MLFLOW_HOST", ""},
		{"mlflow|models|serve|-m|models:/credit/1|-h|0.0.0.0", ""},
		{"python|-m|mlflow|server|--host|0.0.0.0", "exposure/mlflow-no-auth@4:high"},
		{"env|MLFLOW_TRACKING_URI=x|mlflow|server|--host|0.0.0.0", "exposure/mlflow-no-auth@4:high"},
		{"uv|run|mlflow|server|--host|0.0.0.0", "exposure/mlflow-no-auth@4:high"},
		// Ray
		{"ray|start|--head|--dashboard-host=0.0.0.0|--block", "exposure/ray-dashboard@3:critical"},
		{"ray|start|--head|--dashboard-host|0.0.0.0", "exposure/ray-dashboard@3:critical"},
		{"ray|start|--head|--dashboard-host=0.0.0.0|--include-dashboard=false", ""},
		{"ray|start|--head|--dashboard-host=127.0.0.1", ""},
		{"ray|start|--address=ray-head:6379|--dashboard-host=0.0.0.0", ""},
		// Jupyter
		{"jupyter|lab|--ip=0.0.0.0|--NotebookApp.token=|--no-browser", "exposure/jupyter-no-auth@3:critical"},
		{"jupyter|lab|--ServerApp.token=''", "exposure/jupyter-no-auth@2:high"},
		{"jupyter|notebook|--ip|*|--NotebookApp.token|", "exposure/jupyter-no-auth@4:critical"},
		{"jupyter|lab|--ip=0.0.0.0|--ServerApp.token=|--ServerApp.password=sha1:abc", ""},
		{"jupyter|lab|--ip=0.0.0.0|--ServerApp.token=$JUPYTER_TOKEN", ""},
		{"jupyter|lab|--ip=0.0.0.0|--allow-root", "exposure/jupyter-insecure-option@3:medium"},
		{"jupyter|lab|--ServerApp.allow_origin=*|--ServerApp.disable_check_xsrf=True", "exposure/jupyter-insecure-option@2:medium,exposure/jupyter-insecure-option@3:medium"},
		{"jupyter|lab|--ServerApp.disable_check_xsrf=False|--ServerApp.allow_origin=https://lab.example.com", ""},
		{"jupyter-lab|--ServerApp.allow_remote_access=True", "exposure/jupyter-insecure-option@1:medium"},
		{"python3|-m|jupyterlab|--IdentityProvider.token=|--ip=0.0.0.0", "exposure/jupyter-no-auth@3:critical"},
		{"start-notebook.sh|--NotebookApp.token=", "exposure/jupyter-no-auth@1:critical"},
		{"tini|-g|--|start-notebook.py|--IdentityProvider.token=", "exposure/jupyter-no-auth@4:critical"},
		{"start-notebook.sh", ""},
		{"jupyterhub|--JupyterHub.authenticator_class=dummy", "exposure/jupyter-no-auth@1:critical"},
		{"jupyterhub|-f|/etc/jupyterhub/jupyterhub_config.py", ""},
		{"jupyter|nbconvert|--execute|x.ipynb", ""},
		// Orchestrators and labeling: environment-free forms (see TestCheckEnvOrchestrators)
		{"prefect|server|start|--host|0.0.0.0", "exposure/orchestrator-no-auth@3:high"},
		{"prefect|server|start", ""},
		{"prefect|worker|start|--pool|gpu", ""},
		{"dagster-webserver|-h|0.0.0.0|-p|3000", "exposure/orchestrator-no-auth@1:high"},
		{"dagit|--host|0.0.0.0", "exposure/orchestrator-no-auth@1:high"},
		{"dagster|dev|-h|0.0.0.0", "exposure/orchestrator-no-auth@2:high"},
		{"dagster-webserver|-p|3000", ""},
		{"label-studio|start|--port|8080", "exposure/orchestrator-no-auth@-1:high"},
		{"label-studio|start|--host|127.0.0.1", ""},
		{"airflow|webserver", ""},
		{"airflow|dags|trigger|x", ""},
		// TensorBoard
		{"tensorboard|--logdir|/runs|--bind_all", "exposure/tensorboard@3:medium"},
		{"python|-m|tensorboard.main|--logdir=/runs|--host=0.0.0.0", "exposure/tensorboard@4:medium"},
		{"tensorboard|--logdir|/runs", ""},
		// Model servers
		{"torchserve|--start|--model-store|/models|--disable-token-auth|--enable-model-api", "exposure/model-server-admin@4:high"},
		{"torchserve|--start|--model-store|/models|--ncs", ""},
		{"tritonserver|--model-repository=s3://models|--model-control-mode=explicit", "exposure/model-server-admin@2:high"},
		{"tritonserver|--model-repository=/models|--model-control-mode=explicit|--http-restricted-api=model-repository:admin-key=s3cr3t", ""},
		{"tritonserver|--model-repository=/models", ""},
		// Shell wrappers
		{"sh|-c|mlflow server --host 0.0.0.0 --port 5000", "exposure/mlflow-no-auth@2:high"},
		{"/bin/bash|-lc|pip install -q mlflow && exec mlflow server --host 0.0.0.0", "exposure/mlflow-no-auth@2:high"},
		{"bash|-c|echo mlflow server --host 0.0.0.0", ""},
		{"", ""},
		{"sh", ""},
		{"sh|-c", ""},
	}
	for _, tt := range tests {
		var argv []string
		if tt.argv != "" {
			argv = strings.Split(tt.argv, "|")
		}
		var got []string
		for _, m := range Check(argv) {
			got = append(got, m.Rule.ID+"@"+itoa(m.Arg)+":"+m.Severity.String())
			if m.Message == "" || m.Evidence == "" {
				t.Errorf("%q: match without message or evidence: %+v", tt.argv, m)
			}
			// A severity other than the rule's must say why, and a reason
			// must not decorate the rule's own severity.
			if (m.Severity != m.Rule.Severity) != (m.SeverityReason != "") {
				t.Errorf("%q: severity %s (rule %s) with reason %q", tt.argv, m.Severity, m.Rule.Severity, m.SeverityReason)
			}
		}
		if g := strings.Join(got, ","); g != tt.want {
			t.Errorf("Check(%q) = %q, want %q", tt.argv, g, tt.want)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestCheckShell(t *testing.T) {
	script := `#!/usr/bin/env bash
set -euo pipefail
# start the tracking server for the team
MLFLOW_PORT=5000
mlflow server \
  --backend-store-uri "$DB_URI" \
  --host 0.0.0.0 --port "$MLFLOW_PORT" &
ray start --head --dashboard-host=0.0.0.0
tensorboard --logdir runs/ --host 127.0.0.1
nohup jupyter lab --ip=0.0.0.0 --ServerApp.token='' > lab.log 2>&1 &
if [ -n "${DEBUG:-}" ]; then
  bash -c "tensorboard --logdir runs --bind_all"
fi
`
	var got []string
	for _, m := range CheckShell(script) {
		got = append(got, fmt.Sprintf("%s@%02d:%02d:%s", m.Rule.ID, m.Line, m.Col, m.Severity))
	}
	want := "exposure/mlflow-no-auth@07:03:high,exposure/ray-dashboard@08:18:critical," +
		"exposure/jupyter-no-auth@10:32:critical,exposure/tensorboard@12:11:medium"
	if g := strings.Join(got, ","); g != want {
		t.Errorf("CheckShell =\n %s\nwant\n %s", g, want)
	}
	if _, err := CheckScript("if then fi ((("); err == nil {
		t.Error("CheckScript: want a parse error")
	}
	if m := CheckShell("case ((("); m != nil {
		t.Errorf("CheckShell on bad input = %v, want nil", m)
	}
}

func TestNestedShellBounded(t *testing.T) {
	// sh -c 'sh -c "sh -c …"' nested far deeper than maxDepth must stop, not recurse forever.
	cmd := "mlflow server --host 0.0.0.0"
	for i := 0; i < 8; i++ { // each level quadruples the quotes: keep it small
		cmd = "sh -c " + shQuote(cmd)
	}
	if got := CheckShell(cmd); len(got) != 0 {
		t.Errorf("deeply nested: got %d matches, want 0 (depth bound)", len(got))
	}
	if got := CheckShell("sh -c " + shQuote("sh -c "+shQuote("mlflow server --host 0.0.0.0"))); len(got) != 1 {
		t.Errorf("two levels: got %d matches, want 1", len(got))
	}
}

func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// The finding built from a match keeps the match's severity and reason
// when they differ from the rule's, and the rule's otherwise.
func TestDiagnostic(t *testing.T) {
	loc := finding.Location{Path: "start.sh", Line: 3, Column: 1}
	crit := Check(strings.Split("jupyter|lab|--ip=0.0.0.0|--NotebookApp.token=", "|"))
	plain := Check(strings.Split("mlflow|server|--host|0.0.0.0", "|"))
	if len(crit) != 1 || len(plain) != 1 {
		t.Fatalf("matches: %+v %+v", crit, plain)
	}
	f := analysis.Build(crit[0].Diagnostic(loc), "")
	if f.RuleID != rules.JupyterNoAuth.ID || f.Severity != rule.Critical || f.SeverityReason == "" || f.Location != loc || f.Evidence != "--NotebookApp.token=" {
		t.Errorf("jupyter: %+v", f)
	}
	f = analysis.Build(plain[0].Diagnostic(loc), "")
	if f.Severity != rules.MLflowNoAuth.Severity || f.SeverityReason != "" || f.Message != plain[0].Message {
		t.Errorf("mlflow: %+v", f)
	}
}

// TestCheckEnvOrchestrators: the settings that open or close an
// orchestrator's API come from the environment.
func TestCheckEnvOrchestrators(t *testing.T) {
	tests := []struct {
		argv string
		env  map[string]string
		want int
	}{
		{"airflow|webserver", map[string]string{"AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.default"}, 1},
		{"airflow|api-server", map[string]string{"AIRFLOW__API__AUTH_BACKEND": "airflow.api.auth.backend.default"}, 1},
		{"airflow|webserver", map[string]string{"AIRFLOW__WEBSERVER__AUTHENTICATE": "False"}, 1},
		{"airflow|webserver", map[string]string{"AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.session"}, 0},
		{"airflow|scheduler", map[string]string{"AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.default"}, 0},
		{"prefect|server|start", map[string]string{"PREFECT_SERVER_API_HOST": "0.0.0.0"}, 1},
		{"prefect|server|start|--host|0.0.0.0", map[string]string{"PREFECT_SERVER_API_AUTH_STRING": "admin:from-secret"}, 0},
		{"label-studio", map[string]string{"LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true"}, 0},
		{"label-studio", nil, 1},
	}
	for _, tt := range tests {
		got := CheckEnv(strings.Split(tt.argv, "|"), tt.env)
		if len(got) != tt.want {
			t.Errorf("CheckEnv(%s, %v) = %d matches %+v, want %d", tt.argv, tt.env, len(got), got, tt.want)
		}
		for _, m := range got {
			if m.Rule != rules.OrchestratorNoAuth {
				t.Errorf("CheckEnv(%s): rule %s", tt.argv, m.Rule.ID)
			}
		}
	}
}
