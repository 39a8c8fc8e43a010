package mlcmd

import (
	"fmt"
	"strings"
	"testing"
)

func matchString(ms []Match) string {
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%s@%d:%s", m.Rule.ID, m.Arg, m.Severity))
	}
	return strings.Join(got, ",")
}

func TestCheckInferenceAndCompute(t *testing.T) {
	for _, tc := range []struct {
		argv string
		env  map[string]string
		want string
	}{
		// vLLM: --host defaults to every interface; --api-key or VLLM_API_KEY closes it.
		{"vllm|serve|meta-llama/Llama-3.1-8B-Instruct", nil, "exposure/llm-api-no-auth@-1:high"},
		{"vllm|serve|m|--host|0.0.0.0|--port|8000", nil, "exposure/llm-api-no-auth@3:high"},
		{"python3|-m|vllm.entrypoints.openai.api_server|--model|m", nil, "exposure/llm-api-no-auth@-1:high"},
		{"vllm|serve|m|--api-key|$KEY", nil, ""},
		{"vllm|serve|m", map[string]string{"VLLM_API_KEY": "from-secret"}, ""},
		{"vllm|serve|m|--host|127.0.0.1", nil, ""},
		{"VLLM_API_KEY=x|vllm|serve|m", nil, ""},
		// text-generation-inference
		{"text-generation-launcher|--model-id|bigscience/bloom-560m", nil, "exposure/llm-api-no-auth@-1:high"},
		{"text-generation-launcher|--model-id|m|--api-key|k", nil, ""},
		{"text-generation-launcher|--model-id|m|--hostname|127.0.0.1", nil, ""},
		// Ollama: 127.0.0.1 unless OLLAMA_HOST says otherwise.
		{"ollama|serve", nil, ""},
		{"OLLAMA_HOST=0.0.0.0|ollama|serve", nil, "exposure/llm-api-no-auth@-1:high"},
		{"ollama|serve", map[string]string{"OLLAMA_HOST": "0.0.0.0:11434"}, "exposure/llm-api-no-auth@-1:high"},
		{"ollama|serve", map[string]string{"OLLAMA_HOST": "127.0.0.1:11434"}, ""},
		{"ollama|serve", map[string]string{"OLLAMA_HOST": ":11434"}, ""},
		{"ollama|run|llama3", map[string]string{"OLLAMA_HOST": "0.0.0.0"}, ""},
		// Dask
		{"dask|scheduler", nil, "exposure/compute-cluster-no-auth@-1:critical"},
		{"dask-scheduler|--host|0.0.0.0|--port|8786", nil, "exposure/compute-cluster-no-auth@1:critical"},
		{"dask|scheduler|--host|10.0.0.5", nil, ""},
		{"dask|scheduler|--tls-ca-file|ca.pem|--tls-cert|c.pem|--tls-key|k.pem", nil, ""},
		{"dask|worker|tcp://scheduler:8786", nil, ""},
		{"python|-m|distributed.cli.dask_scheduler", nil, "exposure/compute-cluster-no-auth@-1:critical"},
		// Other modules still reach their tools.
		{"python|-m|mlflow|server|--host|0.0.0.0", nil, "exposure/mlflow-no-auth@4:high"},
	} {
		if got := matchString(CheckEnv(strings.Split(tc.argv, "|"), tc.env)); got != tc.want {
			t.Errorf("%s %v: got %q, want %q", tc.argv, tc.env, got, tc.want)
		}
	}
}

func TestCheckShellEnvironment(t *testing.T) {
	for _, tc := range []struct{ script, want string }{
		{"export OLLAMA_HOST=0.0.0.0:11434\nollama serve &\n", "exposure/llm-api-no-auth"},
		{"OLLAMA_HOST=0.0.0.0 ollama serve\n", "exposure/llm-api-no-auth"},
		{"ollama serve\n", ""},
		{"export VLLM_API_KEY=$(cat /run/secrets/key)\nvllm serve m\n", ""},
		{"sh -c 'OLLAMA_HOST=0.0.0.0 exec ollama serve'\n", "exposure/llm-api-no-auth"},
	} {
		var got []string
		for _, m := range CheckShell(tc.script) {
			got = append(got, m.Rule.ID)
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("%q: got %v, want %q", tc.script, got, tc.want)
		}
	}
}
