package container

import (
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// envMap is the service's environment by name, with ${VAR:-default}
// resolved to its default.
func (s *service) envMap() map[string]string {
	if len(s.env) == 0 {
		return nil
	}
	m := make(map[string]string, len(s.env))
	for _, e := range s.env {
		m[e.name] = interpolationDefault(e.value)
	}
	return m
}

// imageArgv is what the container runs: the image's known entrypoint
// before the service's command when no entrypoint overrides it, and the
// image's default command when none is given. The environment is the
// image's (Ollama sets OLLAMA_HOST=0.0.0.0:11434) under the service's.
func (s *service) imageArgv() ([]string, map[string]string) {
	env := s.envMap()
	entry, imgEnv := mlcmd.ImageDefaults(s.image)
	if entry == nil || s.entry != nil {
		return s.argv, env
	}
	args := commandWords(s.command)
	if s.command == nil {
		args = mlcmd.ImageDefaultArgs(s.image)
	}
	if len(imgEnv) > 0 {
		merged := make(map[string]string, len(env)+len(imgEnv))
		for k, v := range imgEnv {
			merged[k] = v
		}
		for k, v := range env {
			merged[k] = v
		}
		env = merged
	}
	return append(append([]string{}, entry...), args...), env
}

// classifyMore recognises the services of the second round of exposure
// checks by image and command: LLM inference servers, vector stores,
// compute schedulers, orchestrators and trackers.
func classifyMore(repo, cmd string) mlKind {
	has := func(sub string) bool { return strings.Contains(cmd, sub) }
	last := repo[strings.LastIndexByte(repo, '/')+1:]
	switch {
	case strings.Contains(repo, "vllm") || strings.Contains(repo, "text-generation-inference") || last == "ollama" ||
		has("vllm serve") || has("vllm.entrypoints") || has("text-generation-launcher") || has("ollama serve"):
		return llmService
	case last == "qdrant" || last == "weaviate" || last == "milvus" || last == "chroma":
		return vectorService
	case has("dask scheduler") || has("dask-scheduler") || strings.Contains(repo, "spark") || strings.Contains(repo, "h2o"):
		return computeService
	case strings.Contains(repo, "apache/airflow") || last == "prefect" || strings.Contains(repo, "dagster") ||
		strings.Contains(repo, "clearml") || has("prefect server start") || has("dagster-webserver") || has("dagit"):
		return orchestratorService
	}
	return otherService
}

// checkExposureMore reports the services of classifyMore that a ports
// entry publishes on all interfaces. A command line that mlcmd already
// reported is the finding; the port is not a second one.
func checkExposureMore(p *analysis.Pass, s *service, kind mlKind, cmd []mlcmd.Match) {
	port := s.published[0]
	loc := p.Line(port.Line, port.Column)
	ev := "ports: " + portText(port)
	reported := func(r *rule.Rule) bool {
		for _, m := range cmd {
			if m.Rule == r {
				return true
			}
		}
		return false
	}
	report := func(r *rule.Rule, msg string) {
		p.Report(analysis.Diagnostic{Rule: r, Location: loc, Evidence: ev, Message: msg, Assets: serviceAssets(s)})
	}
	switch kind {
	case llmService:
		if reported(rules.LLMAPINoAuth) {
			return
		}
		argv, env := s.imageArgv()
		for _, m := range mlcmd.CheckEnv(argv, env) {
			if m.Rule == rules.LLMAPINoAuth {
				report(rules.LLMAPINoAuth, fmt.Sprintf("service %q is published on all interfaces; %s", s.name, m.Message))
				return
			}
		}
	case vectorService:
		if product, open, why := mlcmd.VectorStore(s.image, s.envMap()); open && !s.envFile {
			report(rules.VectorDBNoAuth, fmt.Sprintf("%s service %q is published on all interfaces without authentication: %s", product, s.name, why))
		}
	case computeService:
		if reported(rules.ComputeClusterNoAuth) {
			return
		}
		if what := computePort(s); what != "" {
			report(rules.ComputeClusterNoAuth, fmt.Sprintf("service %q publishes %s on all interfaces: it runs the code it is sent, without authentication", s.name, what))
		}
	case orchestratorService:
		if reported(rules.OrchestratorNoAuth) {
			return
		}
		if why := orchestratorOpen(s); why != "" {
			report(rules.OrchestratorNoAuth, fmt.Sprintf("service %q is published on all interfaces: %s", s.name, why))
		}
	}
}

// computePort names the code-running port of a compute service that is
// published: Dask's scheduler, a Spark master's submission ports, H2O.
func computePort(s *service) string {
	cmd := strings.ToLower(strings.Join(s.argv, " "))
	img := strings.ToLower(s.image)
	sparkMaster := strings.Contains(cmd, "deploy.master.master") || strings.Contains(cmd, "start-master") ||
		strings.Contains(strings.ToUpper(envValue(s, "SPARK_MODE")), "MASTER")
	for _, port := range s.published {
		switch containerPort(port) {
		case "8786":
			if strings.Contains(cmd, "dask") || strings.Contains(img, "dask") {
				return "the Dask scheduler (port 8786)"
			}
		case "7077":
			if sparkMaster {
				return "the Spark master (port 7077)"
			}
		case "6066":
			if sparkMaster {
				return "the Spark master REST submission server (port 6066)"
			}
		case "54321":
			if strings.Contains(img, "h2o") || strings.Contains(cmd, "h2o") {
				if !strings.Contains(cmd, "_login") {
					return "an H2O node (port 54321) started without a login option"
				}
			}
		}
	}
	return ""
}

// orchestratorOpen says why a published orchestrator or tracker answers
// without authentication, "" when its configuration does not show that.
func orchestratorOpen(s *service) string {
	img := strings.ToLower(s.image)
	cmd := strings.ToLower(strings.Join(s.argv, " "))
	switch {
	case strings.Contains(img, "apache/airflow"):
		for _, name := range []string{"AIRFLOW__API__AUTH_BACKENDS", "AIRFLOW__API__AUTH_BACKEND"} {
			if v := envValue(s, name); strings.Contains(v, "backend.default") {
				return "Airflow's REST API uses " + v + ", which lets every request in: anyone can trigger DAGs and read connections"
			}
		}
		if strings.EqualFold(envValue(s, "AIRFLOW__WEBSERVER__AUTHENTICATE"), "false") {
			return "the Airflow webserver has authentication turned off"
		}
	case strings.HasSuffix(strings.Split(img, ":")[0], "prefect") || strings.Contains(cmd, "prefect server start"):
		if envValue(s, "PREFECT_SERVER_API_AUTH_STRING") == "" {
			return "the open-source Prefect server has no authentication unless PREFECT_SERVER_API_AUTH_STRING is set: anyone can run deployments and read blocks"
		}
	case strings.Contains(img, "dagster") || strings.Contains(cmd, "dagster-webserver") || strings.Contains(cmd, "dagit"):
		if strings.Contains(cmd, "dagster-webserver") || strings.Contains(cmd, "dagit") || strings.Contains(img, "webserver") || strings.Contains(img, "dagit") {
			return "the Dagster webserver has no authentication: anyone can launch runs and read run logs"
		}
	case strings.Contains(img, "clearml") && (strings.Contains(img, "webserver") || strings.Contains(cmd, "webserver") || strings.Contains(cmd, "apiserver")):
		if envValue(s, "CLEARML__APISERVER__AUTH__FIXED_USERS__ENABLED") != "true" && !s.envFile {
			return "the ClearML server lets any user name log in unless fixed users are configured"
		}
	}
	return ""
}

func envValue(s *service, name string) string {
	for _, e := range s.env {
		if e.name == name {
			return interpolationDefault(e.value)
		}
	}
	return ""
}
