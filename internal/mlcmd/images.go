package mlcmd

import "strings"

// ImageDefaults is what a well-known serving image runs when a container
// gives only arguments (Kubernetes args without command, compose command
// without entrypoint), and the environment its Dockerfile sets: the
// vLLM image starts the OpenAI API server, text-generation-inference's its
// launcher, Ollama's `ollama serve` with OLLAMA_HOST=0.0.0.0:11434.
// entry is nil for other images.
func ImageDefaults(image string) (entry []string, env map[string]string) {
	repo := imageRepo(image)
	switch {
	case repo == "vllm/vllm-openai" || strings.HasSuffix(repo, "/vllm/vllm-openai") || strings.HasSuffix(repo, "/vllm-openai"):
		return []string{"vllm", "serve"}, nil
	case strings.HasSuffix(repo, "huggingface/text-generation-inference"):
		return []string{"text-generation-launcher"}, nil
	case repo == "ollama/ollama" || strings.HasSuffix(repo, "/ollama/ollama"):
		return []string{"ollama"}, map[string]string{"OLLAMA_HOST": "0.0.0.0:11434"}
	case repo == "apache/airflow" || strings.HasSuffix(repo, "/apache/airflow"):
		// The image's entrypoint hands its arguments to the airflow command.
		return []string{"airflow"}, nil
	case repo == "heartexlabs/label-studio" || strings.HasSuffix(repo, "/heartexlabs/label-studio"):
		return []string{"label-studio"}, nil
	}
	return nil, nil
}

// ImageDefaultArgs is the default command (CMD) of a well-known image,
// used when nothing overrides it.
func ImageDefaultArgs(image string) []string {
	if repo := imageRepo(image); repo == "ollama/ollama" || strings.HasSuffix(repo, "/ollama/ollama") {
		return []string{"serve"}
	}
	return nil
}

// imageRepo is the lower-cased repository of an image reference, without
// tag, digest or the docker.io/ and library/ prefixes.
func imageRepo(image string) string {
	r := strings.ToLower(strings.TrimSpace(image))
	r, _, _ = strings.Cut(r, "@")
	if i := strings.LastIndexByte(r, ':'); i > strings.LastIndexByte(r, '/') {
		r = r[:i]
	}
	r = strings.TrimPrefix(r, "docker.io/")
	r = strings.TrimPrefix(r, "index.docker.io/")
	return strings.TrimPrefix(r, "library/")
}

// VectorStore recognises a vector database image and says whether the
// environment leaves it without authentication, following each product's
// documented defaults. product is "" for other images; why says what is
// missing or set.
func VectorStore(image string, env map[string]string) (product string, open bool, why string) {
	repo := imageRepo(image)
	last := repo[strings.LastIndexByte(repo, '/')+1:]
	set := func(names ...string) bool {
		for _, n := range names {
			if strings.TrimSpace(env[n]) != "" {
				return true
			}
		}
		return false
	}
	switch {
	case repo == "qdrant/qdrant" || strings.HasSuffix(repo, "/qdrant/qdrant"):
		if set("QDRANT__SERVICE__API_KEY") {
			return "Qdrant", false, ""
		}
		return "Qdrant", true, "no QDRANT__SERVICE__API_KEY is set, so its REST (6333) and gRPC (6334) APIs take any request"
	case strings.HasSuffix(repo, "semitechnologies/weaviate"):
		if truthy(env["AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED"]) {
			return "Weaviate", true, "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED is true, so anonymous requests read and write every collection"
		}
		return "Weaviate", false, ""
	case repo == "milvusdb/milvus" || strings.HasSuffix(repo, "/milvusdb/milvus"):
		for k, v := range env {
			if strings.Contains(strings.ToUpper(k), "AUTHORIZATIONENABLED") && truthy(v) {
				return "Milvus", false, ""
			}
		}
		return "Milvus", true, "authorization is off by default (common.security.authorizationEnabled), so port 19530 takes any request"
	case last == "chroma" && (strings.HasPrefix(repo, "chromadb/") || strings.Contains(repo, "chroma-core/")):
		if set("CHROMA_SERVER_AUTHN_PROVIDER", "CHROMA_SERVER_AUTH_PROVIDER", "CHROMA_SERVER_AUTH_CREDENTIALS_PROVIDER") {
			return "Chroma", false, ""
		}
		return "Chroma", true, "no CHROMA_SERVER_AUTHN_PROVIDER is set, so its API (8000) has no authentication"
	}
	return "", false, ""
}
