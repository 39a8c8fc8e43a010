// Package source finds the files of a scan and says what each one is.
//
// It walks the given paths in parallel, honours .gitignore files and
// configured excludes, never follows a symbolic link out of the scan root,
// and classifies every file by name and, where names mislead, by content.
// Every file it meets is accounted for: it is handed on for analysis or
// recorded as skipped with a reason.
package source

import (
	"bytes"
	"path"
	"strings"

	"github.com/mlsec/mlsec/internal/format"
)

// Kind is what a file is, as far as the analyzers care.
type Kind string

// File kinds. Analyzers declare which of these they read.
const (
	Unknown          Kind = ""
	Python           Kind = "python"
	Notebook         Kind = "notebook"
	Requirements     Kind = "requirements" // pip requirements and constraints files
	Pyproject        Kind = "pyproject"    // pyproject.toml
	SetupCfg         Kind = "setup-cfg"
	PipConfig        Kind = "pip-config" // pip.conf and pip.ini
	CondaEnv         Kind = "conda-env"  // environment.yml and friends
	YAML             Kind = "yaml"       // YAML not recognised as anything more specific
	Kubernetes       Kind = "kubernetes"
	HelmValues       Kind = "helm-values"
	HelmTemplate     Kind = "helm-template" // a chart template: YAML only once rendered
	KFPPipeline      Kind = "kfp-pipeline"  // Kubeflow Pipelines IR (pipelineSpec / deploymentSpec)
	GitHubActions    Kind = "github-actions"
	GitLabCI         Kind = "gitlab-ci"
	Dockerfile       Kind = "dockerfile"
	Compose          Kind = "compose"
	Terraform        Kind = "terraform"
	DVCConfig        Kind = "dvc-config" // .dvc/config and .dvc/config.local
	DVCPipeline      Kind = "dvc-pipeline"
	MLproject        Kind = "mlproject"
	JupyterConfig    Kind = "jupyter-config"
	TorchServeConfig Kind = "torchserve-config" // TorchServe config.properties
	Shell            Kind = "shell"
	Model            Kind = "model"   // pickle family, PyTorch, joblib, NumPy and other model or tensor files
	Archive          Kind = "archive" // zip, tar, 7z that are not known model containers
	JSON             Kind = "json"
	TOML             Kind = "toml"
	Text             Kind = "text" // other text: Markdown, ini, env files
	// LFSPointer is a Git LFS pointer file standing where the real content
	// (usually model weights) would be: a checkout without LFS.
	LFSPointer Kind = "lfs-pointer"
	// DataLock is a dataset lock file written by `mlsec data lock`.
	DataLock Kind = "data-lock"
)

var modelExts = map[string]bool{
	".pkl": true, ".pickle": true, ".pt": true, ".pth": true, ".bin": true, ".ckpt": true,
	".joblib": true, ".npy": true, ".npz": true, ".dill": true, ".sav": true, ".mar": true,
	".h5": true, ".hdf5": true, ".keras": true, ".pb": true, ".onnx": true, ".safetensors": true,
	".gguf": true, ".ggml": true, ".tflite": true, ".msgpack": true, ".model": true, ".pdparams": true, ".skops": true,
}

var archiveExts = map[string]bool{
	".zip": true, ".tar": true, ".tgz": true, ".7z": true, ".whl": true,
	// Compressed streams: joblib.load opens each of these by its magic bytes.
	".gz": true, ".gzip": true, ".bz2": true, ".xz": true, ".lzma": true, ".z": true, ".zlib": true,
}

// ClassifyName says what a file is from its slash-separated path alone.
// It returns Unknown when the name says nothing, and needsContent when the
// name alone is not enough (YAML, a .bin, a file with no extension) and
// Classify should look at the content.
func ClassifyName(p string) (k Kind, needsContent bool) {
	base := path.Base(p)
	lower := strings.ToLower(base)
	ext := path.Ext(lower)
	dir := path.Dir(p)

	switch {
	case lower == "dockerfile" || lower == "containerfile" || strings.HasPrefix(lower, "dockerfile.") ||
		strings.HasSuffix(lower, ".dockerfile") || strings.HasSuffix(lower, ".containerfile"):
		return Dockerfile, false
	case lower == "pyproject.toml":
		return Pyproject, false
	case lower == "setup.cfg":
		return SetupCfg, false
	case lower == "pip.conf" || lower == "pip.ini":
		return PipConfig, false
	case lower == "mlproject":
		return MLproject, false
	case (lower == "config" || lower == "config.local") && path.Base(dir) == ".dvc":
		return DVCConfig, false
	case lower == "dvc.yaml" || lower == "dvc.yml":
		return DVCPipeline, false
	case lower == "mlsec.lock.json" || strings.HasSuffix(lower, ".mlsec-lock"):
		return DataLock, false
	case lower == ".gitlab-ci.yml" || lower == ".gitlab-ci.yaml":
		return GitLabCI, false
	case (ext == ".yml" || ext == ".yaml") && strings.HasSuffix(dir, ".github/workflows"):
		return GitHubActions, false
	case lower == "action.yml" || lower == "action.yaml":
		return GitHubActions, false
	case strings.HasPrefix(lower, "jupyter_") && strings.Contains(lower, "_config.") && (ext == ".py" || ext == ".json"):
		return JupyterConfig, false
	case (strings.HasPrefix(lower, "docker-compose") || strings.HasPrefix(lower, "compose")) && (ext == ".yml" || ext == ".yaml"):
		return Compose, false
	case isRequirementsName(lower), (ext == ".txt" || ext == ".in") && path.Base(dir) == "requirements":
		return Requirements, false
	case strings.HasPrefix(lower, ".env.") && !strings.HasSuffix(lower, ".py"): // .env.local, .env.production
		return Text, false
	case lower == "environment.yml" || lower == "environment.yaml" || lower == "conda.yaml" || lower == "conda.yml" ||
		strings.HasPrefix(lower, "environment-") && (ext == ".yml" || ext == ".yaml"):
		return CondaEnv, false
	}
	switch ext {
	case ".py", ".pyw":
		return Python, false
	case ".ipynb":
		return Notebook, false
	case ".tf":
		return Terraform, false
	case ".sh", ".bash":
		return Shell, false
	case ".yaml", ".yml":
		return YAML, true
	case ".json":
		return JSON, true
	case ".toml":
		return TOML, false
	case ".md", ".rst", ".txt", ".ini", ".cfg", ".env", ".csv", ".tsv",
		".pem", ".key", ".netrc", ".lock": // keys, credential files, lock files (index URLs): read for secrets
		return Text, false
	case ".properties":
		return Text, true // TorchServe's config.properties is told apart by its keys
	case "":
		return Unknown, true
	}
	if modelExts[ext] {
		return Model, true
	}
	if archiveExts[ext] {
		return Archive, true
	}
	return Unknown, false
}

func isRequirementsName(lower string) bool {
	if !strings.HasSuffix(lower, ".txt") && !strings.HasSuffix(lower, ".in") {
		return false
	}
	return strings.HasPrefix(lower, "requirements") || strings.HasPrefix(lower, "constraints") ||
		strings.HasSuffix(lower, "-requirements.txt") || strings.HasSuffix(lower, "_requirements.txt")
}

// Refine looks at the first bytes of a file whose name was not enough
// and returns its kind. head is the first few KiB of the file (the engine
// passes up to 8 KiB): enough for format.HeadLen, and for YAML to show its
// apiVersion and kind.
func Refine(k Kind, head []byte) Kind {
	if bytes.HasPrefix(head, lfsPointer) {
		return LFSPointer
	}
	switch k {
	case YAML:
		return refineYAML(head)
	case Text:
		if bytes.Contains(head, []byte("inference_address")) || bytes.Contains(head, []byte("management_address")) ||
			bytes.Contains(head, []byte("model_store")) {
			return TorchServeConfig
		}
		return Text
	case JSON:
		switch k := classifyYAMLDocs([]*yamlDoc{scanJSONKeys(head)}); k {
		case Kubernetes, KFPPipeline:
			return k
		}
		return JSON
	case Model, Archive, Unknown:
		if m := sniffBinary(head); m != Unknown {
			return m
		}
		if k != Unknown {
			return k
		}
		if k == Unknown && bytes.HasPrefix(head, []byte("-----BEGIN ")) {
			return Text // a key or certificate with no extension (id_rsa)
		}
		if bytes.HasPrefix(head, []byte("#!")) {
			line, _, _ := bytes.Cut(head, []byte("\n"))
			switch {
			case bytes.Contains(line, []byte("python")):
				return Python
			case bytes.Contains(line, []byte("sh")):
				return Shell
			}
		}
	}
	return k
}

// lfsPointer starts every Git LFS pointer file (the spec's first line).
var lfsPointer = []byte("version https://git-lfs.github.com/spec/v1\n")

// refineYAML says what a YAML file is from its structure: the mapping keys
// of its documents (see scanYAMLKeys), not substrings of its text. A chart
// template is the exception: it is not YAML until rendered.
func refineYAML(head []byte) Kind {
	has := func(s string) bool { return bytes.Contains(head, []byte(s)) }
	if (has("{{ ") || has("{{-")) && has("kind:") && (has(".Values") || has(".Release") || has("include ") || has(".Chart")) {
		return HelmTemplate
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	docs := scanYAMLKeys(head)
	if len(docs) == 0 {
		if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] == '{' {
			d := scanJSONKeys(t)
			if len(d.keys) == 0 {
				d = flowKeys(t) // a YAML flow mapping with plain keys
			}
			return classifyYAMLDocs([]*yamlDoc{d})
		}
	}
	return classifyYAMLDocs(docs)
}

// modelMagic are the formats whose magic bytes make a file a model file
// whatever its name says. Zip is here because PyTorch checkpoints, .npz,
// .keras and plain archives all go to the model analyzer. Left out, so that
// a file named otherwise keeps its kind: the protocol 0/1 pickle, whose
// test is a guess some text passes; the compressed streams, safetensors,
// and joblib's ZF, which are recognised by name here.
var modelMagic = []format.Format{
	format.Pickle, // PROTO 2-5; this includes the legacy PyTorch file
	format.NPY,
	format.Zip,
	format.SevenZip,
	format.Tar,
	format.HDF5,
	format.GGUF,
}

// sniffBinary recognises model and archive formats by their magic bytes.
// It asks each format's own test rather than format.Sniff: Sniff returns
// the first match only, and a tar whose first member name starts like a
// gzip stream is a gzip to Sniff but must still be a model file here.
func sniffBinary(head []byte) Kind {
	for _, f := range modelMagic {
		if f.Match(head) {
			return Model
		}
	}
	return Unknown
}
