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
	Description: "An image referenced by tag is resolved when it is pulled or built, so whoever controls the registry repository (or a typosquatted one) changes what runs in training jobs and model servers without any change to the repository. A fixed tag without a digest is low; a mutable `latest` or missing tag on a serving or training image is raised to medium. One image used by several containers, steps or services of a file is one finding.",
	Fix:         "Reference images as `name:tag@sha256:<digest>` (the tag stays for readers) in manifests, compose files and `FROM` lines, and let a bot such as Renovate update the digests deliberately.",
	References:  []string{"https://kubernetes.io/docs/concepts/containers/images/#image-names", "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions"},
	Peers:       []string{"CKV_K8S_43", "CKV_K8S_14", "KSV013", "CKV_DOCKER_7", "AVD-DS-0001"},
	// The evidence is the image reference: one image is one decision.
	OnePerEvidence: true,
}

// RemoteCodeExec is a script fetched from the network and run during the build.
var RemoteCodeExec = &rule.Rule{
	ID:          "supply-chain/remote-code-exec",
	Title:       "Code fetched from the network and run without a pin or checksum",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0010.001", "AML.T0050"},
	Mitigations: []string{"AML.M0013"},
	Summary:     "Whoever controls the URL, its server or its DNS decides what runs inside the image.",
	Description: "`curl … | sh`, `wget -O- … | bash`, `python <(curl …)`, a freshly downloaded script run at once, or `pip install` of an unpinned git branch run whatever the server returns, with no pin and no integrity check. In a Dockerfile the result is baked into every training and serving container; in a DVC stage or an MLproject entry point it runs on every reproduction, on laptops, CI runners and remote runs that hold the DVC remote's, the tracking server's and the registry's credentials, and can alter the data and models the pipeline produces.",
	Fix:         "Vendor the script into the repository, or pin it: a commit SHA for git installs, and a SHA-256 verified before running a download (`sha256sum -c`). Better, install from a package manager with pinned versions.",
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
	Title:       "Model weights fetched without a pin or checksum",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0010.003", "AML.T0011.000", "AML.T0018"},
	Mitigations: []string{"AML.M0014", "AML.M0005"},
	Summary:     "The image serves whatever weights the URL or hub repo holds at build time; pickled formats run code on load.",
	Description: "Weights fetched with curl or wget, `huggingface-cli download` or `hf download` without a commit `--revision`, or `from_pretrained` at build time, and models that KServe, Seldon and similar servers download from `storageUri`/`modelUri` at every start, are not verified: a replaced file or a new commit on the hub repository ships a different, possibly backdoored or code-carrying model (scikit-learn, XGBoost and PyTorch models are pickles). Over http:// the download can be tampered with in transit (high; medium for a cluster-internal host); anonymous public object URLs make the model world-readable.",
	Fix:         "Pin hub models to a full commit SHA (`--revision`, `hf://org/model:<commit>`) and verify file digests (`sha256sum -c`, `ADD --checksum=…`), or serve from a private bucket over s3://, gs:// or https with credentials, and verify model digests or signatures before serving.",
	References:  []string{"https://huggingface.co/docs/huggingface_hub/guides/cli#download-a-specific-revision", "https://kserve.github.io/website/docs/model-serving/storage/overview", "https://kserve.github.io/website/docs/0.20/model-serving/storage/providers/hf"},
}
