package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about artifacts fetched without pinning or verification: container images, scripts, model weights.

// ImageNotPinned: image not pinned by digest.
var ImageNotPinned = &rule.Rule{
	ID: "supply-chain/image-not-pinned", Title: "Container image not pinned by digest",
	Severity: rule.Low, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0010.004", "AML.T0010.001"},
	Mitigations: []string{"AML.M0013", "AML.M0016", "AML.M0014"},
	Summary:     "A tag can be moved by whoever controls the registry repository; :latest or no tag changes on every push.",
	Description: "Images referenced by tag are resolved at pull time, so a compromised or careless registry push changes what runs in training jobs and model servers without any change to the manifest. A tag is reported low; :latest or no tag at all is reported medium.\n\n`FROM image:tag` resolves the tag at build time; `:latest` or no tag changes with every push. A compromised or typosquatted registry repository then flows into the training and serving images. It is medium for `:latest` or no tag, low for a fixed tag without a digest.",
	Fix:         "Reference images as name@sha256:… (keep the tag for readability: name:tag@sha256:…), and let a bot such as Renovate update the digests. Pin the base image by digest: `FROM python:3.11-slim@sha256:<digest>`, and update it deliberately.",
	References:  []string{"https://kubernetes.io/docs/concepts/containers/images/#image-names", "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions"},
	Peers:       []string{"CKV_K8S_43", "CKV_K8S_14", "KSV013", "CKV_DOCKER_7", "AVD-DS-0001"},
}

// RemoteCodeExec is a script fetched from the network and run during the build.
var RemoteCodeExec = &rule.Rule{
	ID:          "supply-chain/remote-code-exec",
	Title:       "Remote script piped into a shell during the build",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0010.001", "AML.T0050"},
	Mitigations: []string{"AML.M0013"},
	Summary:     "Whoever controls the URL, its server or its DNS decides what runs inside the image.",
	Description: "`curl … | sh`, `wget -O- … | bash`, `python <(curl …)` run whatever the server returns at build time, with no pin and no integrity check, and the result is baked into every container started from the image (training jobs, model servers). A compromised install script is a supply-chain compromise of the ML platform.\\n\\nA stage `cmd` that pipes a download into a shell, runs a freshly downloaded script, or `pip install`s an unpinned git branch executes unreviewed code on every reproduction, on laptops and CI runners that hold the DVC remote's credentials, and can alter the data and models the pipeline produces.\n\nAn entry point `command` that pipes a download into an interpreter, runs a freshly downloaded script, or installs an unpinned git branch runs unreviewed code on every `mlflow run`, including runs launched remotely on Databricks or Kubernetes with access to the tracking server and the model registry.",
	Fix:         "Download to a file, verify its SHA-256 against a pinned value (`sha256sum -c`), then run it; better, install from a package manager with pinned versions. Vendor the script into the repository, or pin it: a commit SHA for git installs, a checksum verified before running a download. Keep the code in the project, or pin it by commit SHA and verify downloads with a checksum before running them.",
	References:  []string{"https://docs.docker.com/build/building/best-practices/", "https://dvc.org/doc/user-guide/project-structure/dvcyaml-files", "https://mlflow.org/docs/latest/projects.html#specifying-projects"},
}

// RemoteAddNoChecksum is ADD of a URL without a checksum.
var RemoteAddNoChecksum = &rule.Rule{
	ID:          "supply-chain/remote-add-no-checksum",
	Title:       "ADD of a remote URL without --checksum",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0010.001"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "The build copies whatever the URL serves on the day, unverified, into the image.",
	Description: "`ADD https://…` fetches a file at build time. Without `--checksum=sha256:…` any change on " +
		"the server (or in transit, for plain HTTP) goes into the image unnoticed, whether it is a tool, " +
		"a dataset or model weights.",
	Fix:        "Add `--checksum=sha256:<digest>` to the ADD instruction, or download and verify in a RUN step.",
	References: []string{"https://docs.docker.com/reference/dockerfile/#add---checksum"},
	Peers:      []string{"CKV_DOCKER_4", "AVD-DS-0005"},
}

// ModelFetchUnverified is model weights fetched at build time without verification.
var ModelFetchUnverified = &rule.Rule{
	ID:          "supply-chain/model-fetch-unverified",
	Title:       "Model weights downloaded at build time without a checksum",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0010.003", "AML.T0011.000", "AML.T0018"},
	Mitigations: []string{"AML.M0014", "AML.M0005"},
	Summary:     "The image serves whatever weights the URL or hub repo holds at build time; pickled formats run code on load.",
	Description: "Weights fetched with curl or wget, `huggingface-cli download` / `hf download` without a commit `--revision`, or `from_pretrained` at build time are not verified: a replaced file or a new commit on the hub repo ships a different (possibly backdoored or code-carrying) model.\n\nKServe, Seldon and similar servers download the model named by storageUri/modelUri at every start. Over http:// the download can be tampered with in transit, and scikit-learn, XGBoost and PyTorch models are pickles, so a swapped model is code execution in the server (high; medium for a cluster-internal host). Anonymous public object URLs (storage.googleapis.com, *.s3.amazonaws.com) mean the model is world-readable and served from a bucket outside access control (medium). An hf:// URI without a revision follows the repository's default branch (medium).",
	Fix:         "Pin the hub revision to a full commit SHA and verify file digests (`sha256sum -c`), or copy weights from your own registry with a checksum (`ADD --checksum=…`). Serve from a private bucket over s3://, gs:// or https with credentials, pin Hugging Face models to a commit (hf://org/model:<commit>), and verify model digests or signatures before serving.",
	References:  []string{"https://huggingface.co/docs/huggingface_hub/guides/cli#download-a-specific-revision", "https://kserve.github.io/website/docs/model-serving/storage/overview", "https://kserve.github.io/website/docs/0.20/model-serving/storage/providers/hf"},
}
