package deps

import "strings"

// mlPackages are the PyPI projects (PEP 503 names) whose version decides how
// models and data are loaded, trained and served: the frameworks that
// deserialize model files, run hub code or hold training data in memory.
var mlPackages = map[string]bool{
	"torch": true, "torchvision": true, "torchaudio": true, "triton": true,
	"tensorflow": true, "tensorflow-cpu": true, "tensorflow-gpu": true, "tf-keras": true, "keras": true,
	"transformers": true, "diffusers": true, "datasets": true, "huggingface-hub": true, "safetensors": true,
	"accelerate": true, "tokenizers": true, "sentence-transformers": true, "peft": true, "bitsandbytes": true,
	"timm": true, "pytorch-lightning": true, "lightning": true, "deepspeed": true, "vllm": true,
	"jax": true, "jaxlib": true, "flax": true,
	"scikit-learn": true, "xgboost": true, "lightgbm": true, "catboost": true,
	"onnx": true, "onnxruntime": true, "onnxruntime-gpu": true,
	"numpy": true, "pandas": true, "joblib": true, "dill": true, "cloudpickle": true,
	"mlflow": true, "ray": true, "kfp": true, "bentoml": true, "gradio": true, "streamlit": true,
	"openai": true, "anthropic": true, "ultralytics": true,
}

// mlPrefixes are families of packages that are all ML-critical.
var mlPrefixes = []string{"langchain", "llama-index"}

// condaNames maps conda package names to their PyPI equivalent.
var condaNames = map[string]string{
	"pytorch": "torch", "pytorch-gpu": "torch", "pytorch-cpu": "torch",
	"py-xgboost": "xgboost", "py-xgboost-gpu": "xgboost", "sklearn": "scikit-learn",
}

// IsMLPackage reports whether a normalised (PEP 503) project name is
// ML-critical: its version decides how models and data are loaded. Other
// analyzers that meet pip installs (notebook shell lines) use it too, so
// there is one list.
func IsMLPackage(name string) bool {
	if mlPackages[name] {
		return true
	}
	for _, p := range mlPrefixes {
		if name == p || strings.HasPrefix(name, p+"-") {
			return true
		}
	}
	return false
}
