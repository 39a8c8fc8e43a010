package mlcmd

import (
	"strings"

	"github.com/mlsec/mlsec/internal/rules"
)

// CheckEnv is Check for a command that runs with the environment env
// (a container's env, a compose service's environment): settings such as
// VLLM_API_KEY or OLLAMA_HOST change what the command line means. A value
// taken from a secret counts as set; its text does not matter.
func CheckEnv(argv []string, env map[string]string) []Match {
	return checkEnv(argv, 0, env)
}

// envOf is the environment of the command: env, overridden by NAME=value
// words before the program (`OLLAMA_HOST=0.0.0.0 ollama serve`, `env …`).
func envOf(argv []string, start int, env map[string]string) map[string]string {
	var out map[string]string
	for _, w := range argv[:start] {
		if !isAssign(w) {
			continue
		}
		if out == nil {
			out = make(map[string]string, len(env)+1)
			for k, v := range env {
				out[k] = v
			}
		}
		k, v, _ := strings.Cut(w, "=")
		out[k] = unquote(v)
	}
	if out == nil {
		return env
	}
	return out
}

// vllm: `vllm serve MODEL` and the OpenAI API server module listen on
// every interface unless --host says otherwise, and check no key unless
// --api-key or VLLM_API_KEY is set.
func vllm(c *cmdline) []Match {
	host, hostSet := c.last("--host")
	if hostSet && host.hasVal && !allInterfaces(host.value) {
		return nil
	}
	if c.has("--api-key") || c.env["VLLM_API_KEY"] != "" {
		return nil
	}
	return []Match{llmMatch(c, host, hostSet, "vLLM serves its OpenAI-compatible API on all interfaces and sets no API key, so anyone who reaches it can use the model")}
}

// tgi: text-generation-launcher binds 0.0.0.0 by default (--hostname) and
// checks a key only with --api-key (or API_KEY).
func tgi(c *cmdline) []Match {
	host, hostSet := c.last("--hostname")
	if hostSet && host.hasVal && !allInterfaces(host.value) {
		return nil
	}
	if c.has("--api-key") || c.env["API_KEY"] != "" {
		return nil
	}
	return []Match{llmMatch(c, host, hostSet, "text-generation-inference serves its API on all interfaces and sets no API key, so anyone who reaches it can use the model")}
}

// ollama: `ollama serve` has no authentication; it listens on
// 127.0.0.1:11434 unless OLLAMA_HOST binds it elsewhere.
func ollama(c *cmdline) []Match {
	h, ok := c.env["OLLAMA_HOST"]
	if !ok || !ollamaAll(h) {
		return nil
	}
	return []Match{{
		Rule: rules.LLMAPINoAuth, Severity: rules.LLMAPINoAuth.Severity, Arg: -1, Evidence: "OLLAMA_HOST=" + h + " " + strings.Join(c.argv[c.start:c.from], " "),
		Message: "Ollama listens on all interfaces (OLLAMA_HOST=" + h + ") and has no authentication: anyone who reaches port 11434 can run, pull, push and delete models",
	}}
}

// ollamaAll reports an OLLAMA_HOST that binds every interface: 0.0.0.0,
// 0.0.0.0:PORT, http://0.0.0.0:PORT, [::]:PORT.
func ollamaAll(h string) bool {
	h = strings.TrimSpace(unquote(h))
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	}
	if host, _, ok := strings.Cut(h, ":"); ok && !strings.HasPrefix(h, "[") {
		h = host
		if h == "" {
			return false // ":11434" keeps the default host
		}
	}
	return allInterfaces(h)
}

func llmMatch(c *cmdline, host opt, hostSet bool, msg string) Match {
	m := Match{Rule: rules.LLMAPINoAuth, Severity: rules.LLMAPINoAuth.Severity, Arg: -1, Message: msg}
	if hostSet {
		m.Arg, m.Evidence = host.idx, c.evidence(host)
	} else {
		m.Evidence = strings.Join(c.argv[c.start:c.from], " ")
	}
	return m
}

// daskScheduler: `dask scheduler` (and dask-scheduler) listens on every
// interface by default and runs the tasks clients send; TLS with a CA
// (--tls-ca-file) makes clients present certificates.
func daskScheduler(c *cmdline) []Match {
	host, hostSet := c.last("--host")
	if hostSet && host.hasVal && !allInterfaces(host.value) {
		return nil
	}
	if iface, ok := c.last("--interface"); ok && iface.hasVal && iface.value != "" {
		return nil
	}
	if c.has("--tls-ca-file") {
		return nil
	}
	m := Match{Rule: rules.ComputeClusterNoAuth, Severity: rules.ComputeClusterNoAuth.Severity, Arg: -1,
		Message: "Dask scheduler listens on all interfaces without TLS client authentication: anyone who reaches port 8786 can run code on the workers"}
	if hostSet {
		m.Arg, m.Evidence = host.idx, c.evidence(host)
	} else {
		m.Evidence = strings.Join(c.argv[c.start:c.from], " ")
	}
	return []Match{m}
}
