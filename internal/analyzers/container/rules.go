package container

import "github.com/mlsec/mlsec/internal/rule"

// Rules of the container family.
var (
	// SecretInEnv is a credential written into an image or a compose file.
	SecretInEnv = &rule.Rule{
		ID:          "container/secret-in-env",
		Title:       "Credential in an image's or service's environment",
		Severity:    rule.High,
		Confidence:  rule.MediumConfidence,
		Phase:       rule.Design,
		Techniques:  []string{"AML.T0055"},
		Mitigations: []string{"AML.M0012", "AML.M0005"},
		Summary:     "The credential ships with the image or the repository to everyone who can pull or read it.",
		Description: "A literal token, password or key in `ENV` is stored in the image configuration and visible " +
			"to `docker inspect`; an `ARG` default (or any build argument) is recorded in the image history. " +
			"In a compose file the value sits in the repository. Hugging Face, cloud and MLflow credentials " +
			"found this way give write access to models and training data.",
		Fix: "Pass secrets at run time (an orchestrator secret, `docker run --env-file` kept out of git, compose " +
			"`secrets:`), or at build time with `RUN --mount=type=secret`. Rotate the exposed credential.",
		References: []string{
			"https://docs.docker.com/build/building/secrets/",
			"https://docs.docker.com/compose/how-tos/use-secrets/",
		},
	}

	// CurlPipeShell is a script fetched from the network and run during the build.
	CurlPipeShell = &rule.Rule{
		ID:          "container/curl-pipe-shell",
		Title:       "Remote script piped into a shell during the build",
		Severity:    rule.High,
		Confidence:  rule.HighConfidence,
		Phase:       rule.Design,
		Techniques:  []string{"AML.T0010.001", "AML.T0050"},
		Mitigations: []string{"AML.M0013"},
		Summary:     "Whoever controls the URL, its server or its DNS decides what runs inside the image.",
		Description: "`curl … | sh`, `wget -O- … | bash`, `python <(curl …)` run whatever the server returns at " +
			"build time, with no pin and no integrity check, and the result is baked into every container " +
			"started from the image (training jobs, model servers). A compromised install script is a " +
			"supply-chain compromise of the ML platform.",
		Fix: "Download to a file, verify its SHA-256 against a pinned value (`sha256sum -c`), then run it; better, " +
			"install from a package manager with pinned versions.",
		References: []string{
			"https://docs.docker.com/build/building/best-practices/",
		},
	}

	// AddRemoteURL is ADD of a URL without a checksum.
	AddRemoteURL = &rule.Rule{
		ID:          "container/add-remote-url",
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

	// RunsAsRoot is a final stage that runs as root.
	RunsAsRoot = &rule.Rule{
		ID:         "container/runs-as-root",
		Title:      "Image runs as root",
		Severity:   rule.Low,
		Confidence: rule.MediumConfidence,
		Phase:      rule.Operations,
		Techniques: []string{"AML.T0105"},
		Summary:    "Code that gets into the container (a malicious model, a notebook) runs as root.",
		Description: "The final stage sets no USER or switches back to root. ML images often do, but a model " +
			"server or notebook that runs as root turns a pickle payload or a kernel compromise into full " +
			"control of the container and a shorter path to the host.",
		Fix:        "Create an unprivileged user and end the Dockerfile with `USER <name>` (or a numeric UID).",
		References: []string{"https://docs.docker.com/reference/dockerfile/#user"},
		Peers:      []string{"CKV_DOCKER_3", "CKV_DOCKER_8", "AVD-DS-0002"},
	}

	// UnpinnedBaseImage is a FROM without a digest.
	UnpinnedBaseImage = &rule.Rule{
		ID:          "container/unpinned-base-image",
		Title:       "Base image not pinned by digest",
		Severity:    rule.Low,
		Confidence:  rule.HighConfidence,
		Phase:       rule.Operations, // packaging: the image is what ships
		Techniques:  []string{"AML.T0010.004"},
		Mitigations: []string{"AML.M0014"},
		Summary:     "A tag can be moved: the next build may start from a different, possibly poisoned, image.",
		Description: "`FROM image:tag` resolves the tag at build time; `:latest` or no tag changes with every " +
			"push. A compromised or typosquatted registry repository then flows into the training and " +
			"serving images. It is medium for `:latest` or no tag, low for a fixed tag without a digest.",
		Fix:        "Pin the base image by digest: `FROM python:3.11-slim@sha256:<digest>`, and update it deliberately.",
		References: []string{"https://docs.docker.com/build/building/best-practices/#pin-base-image-versions"},
		Peers:      []string{"CKV_DOCKER_7", "AVD-DS-0001"},
	}

	// PipExtraIndexURL is pip installing with a second index.
	PipExtraIndexURL = &rule.Rule{
		ID:         "container/pip-extra-index-url",
		Title:      "pip install with --extra-index-url",
		Severity:   rule.Medium,
		Confidence: rule.HighConfidence,
		Phase:      rule.Design,
		Techniques: []string{"AML.T0010.001", "AML.T0011.001"},
		Summary:    "pip picks the highest version from either index, so a public package can replace an internal one.",
		Description: "With `--extra-index-url` (or `PIP_EXTRA_INDEX_URL`) pip merges two indexes and takes the " +
			"best version from either: anyone can publish an internal package's name on PyPI with a higher " +
			"version (dependency confusion, as in the PyTorch torchtriton incident).",
		Fix:        "Use a single `--index-url` that proxies PyPI, or pin hashes (`--require-hashes`).",
		References: []string{"https://pytorch.org/blog/compromised-nightly-dependency/", "https://pip.pypa.io/en/stable/cli/pip_install/#finding-packages"},
	}

	// PipInsecureIndex is pip using an index over plain HTTP or with TLS off.
	PipInsecureIndex = &rule.Rule{
		ID:         "container/pip-insecure-index",
		Title:      "pip index over plain HTTP or --trusted-host",
		Severity:   rule.High,
		Confidence: rule.HighConfidence,
		Phase:      rule.Design,
		Techniques: []string{"AML.T0010.001", "AML.T0011.001"},
		Summary:    "Anyone on the network path can serve their own packages to the build.",
		Description: "An `http://` index or `--trusted-host` turns off TLS verification for package downloads, " +
			"so a network attacker can substitute any package installed into the image.",
		Fix:        "Serve the index over HTTPS with a valid certificate and drop --trusted-host.",
		References: []string{"https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-trusted-host"},
	}

	// ModelDownloadNoChecksum is model weights fetched at build time without verification.
	ModelDownloadNoChecksum = &rule.Rule{
		ID:          "container/model-download-no-checksum",
		Title:       "Model weights downloaded at build time without a checksum",
		Severity:    rule.Medium,
		Confidence:  rule.MediumConfidence,
		Phase:       rule.Operations,
		Techniques:  []string{"AML.T0010.003", "AML.T0011.000"},
		Mitigations: []string{"AML.M0014"},
		Summary:     "The image serves whatever weights the URL or hub repo holds at build time; pickled formats run code on load.",
		Description: "Weights fetched with curl or wget, `huggingface-cli download` / `hf download` without a " +
			"commit `--revision`, or `from_pretrained` at build time are not verified: a replaced file or a " +
			"new commit on the hub repo ships a different (possibly backdoored or code-carrying) model.",
		Fix: "Pin the hub revision to a full commit SHA and verify file digests (`sha256sum -c`), or copy weights " +
			"from your own registry with a checksum (`ADD --checksum=…`).",
		References: []string{"https://huggingface.co/docs/huggingface_hub/guides/cli#download-a-specific-revision"},
	}

	// MLServiceExposed is an ML service published on all interfaces without authentication.
	MLServiceExposed = &rule.Rule{
		ID:          "container/ml-service-exposed",
		Title:       "ML service published on all interfaces without authentication",
		Severity:    rule.High,
		Confidence:  rule.MediumConfidence,
		Phase:       rule.Operations,
		Techniques:  []string{"AML.T0049", "AML.T0035"},
		Mitigations: []string{"AML.M0019"},
		Summary:     "The service's port is open to every network the host is on, and the service does not ask who is calling.",
		Description: "A compose `ports:` entry without a host address publishes on 0.0.0.0, and Docker's own " +
			"firewall rules bypass host firewalls such as ufw. MLflow, Ray, TensorBoard and Jupyter with an " +
			"empty token have no authentication, and Label Studio lets anyone sign up: models, artifacts, " +
			"data and, for Ray and Jupyter, command execution are open (critical for those two).",
		Fix:        "Publish on 127.0.0.1 (`\"127.0.0.1:5000:5000\"`) and reach the service through a tunnel, or enable authentication and put a TLS proxy in front.",
		References: []string{"https://docs.docker.com/engine/network/packet-filtering-firewalls/", "https://docs.docker.com/reference/compose-file/services/#ports"},
	}

	// DefaultCredentials is a well-known default password in a service's environment.
	DefaultCredentials = &rule.Rule{
		ID:          "container/default-credentials",
		Title:       "Default credentials for an ML stack service",
		Severity:    rule.High,
		Confidence:  rule.HighConfidence,
		Phase:       rule.Design,
		Techniques:  []string{"AML.T0012", "AML.T0055"},
		Mitigations: []string{"AML.M0005"},
		Summary:     "Default passwords such as minioadmin are the first thing an attacker tries.",
		Description: "MinIO with `minioadmin`/`minio123` (or no root password at all), a Postgres backend for " +
			"MLflow with password `password`, Label Studio admin defaults: these are published in every " +
			"tutorial. With them an attacker reads and overwrites the artifact store and the model " +
			"registry's database. Critical when the service is also published on all interfaces.",
		Fix:        "Generate strong credentials, keep them out of the compose file (`env_file` excluded from git or compose `secrets:`), and rotate the defaults.",
		References: []string{"https://min.io/docs/minio/container/operations/install-deploy-manage/deploy-minio-single-node-single-drive.html", "https://docs.docker.com/compose/how-tos/use-secrets/"},
	}
)
