package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about credentials written where they leak: environments, manifests, configuration files, package index URLs, default passwords.

// CredentialInEnv is a credential written into an image or a compose file.
var CredentialInEnv = &rule.Rule{
	ID:          "secret/credential-in-env",
	Title:       "Credential written literally into an environment",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0055", "AML.T0012"},
	Mitigations: []string{"AML.M0012", "AML.M0005"},
	Summary:     "The credential ships with the image or the repository to everyone who can pull or read it.",
	Description: "A literal token, password or key in an environment variable (HF_TOKEN, WANDB_API_KEY, AWS_SECRET_ACCESS_KEY, MLFLOW_TRACKING_PASSWORD, a database URI with its password) sits in the repository, and wherever the environment is readable: a Dockerfile `ENV` in the image configuration (`docker inspect`), an `ARG` default in the image history, a compose file or a pod spec in Git and in the API server, readable by everyone who can get pods. Such credentials give write access to models and training data. Values taken from a secret store, placeholders and empty values are not reported.",
	Fix:         "Take the value from a secret store at run time: a Kubernetes Secret referenced with `valueFrom.secretKeyRef`, compose `secrets:` or an `env_file` kept out of Git, `RUN --mount=type=secret` at build time. Then rotate the exposed credential.",
	References:  []string{"https://docs.docker.com/build/building/secrets/", "https://docs.docker.com/compose/how-tos/use-secrets/", "https://kubernetes.io/docs/concepts/configuration/secret/", "https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/"},
}

// SecretManifest: a Secret object with literal data committed.
var SecretManifest = &rule.Rule{
	ID: "secret/secret-manifest", Title: "Secret with literal data committed in a manifest",
	Severity: rule.High, Confidence: rule.MediumConfidence, Phase: rule.Design,
	Techniques:  []string{"AML.T0055"},
	Mitigations: []string{"AML.M0012"},
	Summary:     "A Secret's data is only base64-encoded: committing it publishes the credential to everyone with access to the repository and its history.",
	Description: "Kubernetes Secret data and stringData are stored in plain text in the manifest (base64 is an encoding, not encryption). Placeholders (empty, changeme, <…>, ${…}, {{…}}) are not reported.",
	Fix:         "Create the Secret out of band, or commit it encrypted (Sealed Secrets, SOPS) or as an ExternalSecret; rotate the committed values.",
	References:  []string{"https://kubernetes.io/docs/concepts/configuration/secret/", "https://kubernetes.io/docs/concepts/security/secrets-good-practices/"},
}

// DVCRemoteCredential is a remote credential in the committed .dvc/config.
var DVCRemoteCredential = &rule.Rule{
	ID:          "secret/dvc-remote-credential",
	Title:       "DVC remote credential in the committed .dvc/config",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0055", "AML.T0010.002"},
	Mitigations: []string{"AML.M0005", "AML.M0012"},
	Summary:     "Anyone who can read the repository gets the keys to the training-data remote.",
	Description: "`.dvc/config` is committed with the repository; `.dvc/config.local` is the git-ignored " +
		"place for credentials (`dvc remote modify --local`). A secret key, password, account key or " +
		"connection string in `.dvc/config` gives every reader of the repository read and usually write " +
		"access to the datasets and models the remote stores, so they can poison training data.",
	Fix: "Move the value with `dvc remote modify --local <remote> <key> <value>` (it lands in .dvc/config.local), " +
		"or use the cloud SDK's credential chain; remove it from git history and rotate it.",
	References: []string{"https://dvc.org/doc/command-reference/remote/modify", "https://dvc.org/doc/user-guide/project-structure/configuration"},
}

// CredentialInCommand is a secret rendered into a BashOperator command.
var CredentialInCommand = &rule.Rule{
	ID:          "secret/credential-in-command",
	Title:       "Secret inlined into an Airflow bash command",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0055"},
	Mitigations: []string{"AML.M0012"},
	Summary:     "The secret is shown in the task's Rendered Template view, in logs and in process listings.",
	Description: "A literal credential in `bash_command` or `env`, or `Variable.get(...)` / " +
		"`{{ var.value.… }}` of a secret concatenated into the command string, puts the secret in the " +
		"DAG file, in the rendered template every UI user can see, in task logs and in `ps` output on " +
		"the worker. Airflow masks only values it knows are secret.",
	Fix: "Read secrets in the task from a connection or secrets backend and pass them through `env=` by " +
		"reference (`{{ conn.… }}` in env, or a hook), never into the command text.",
	References: []string{"https://airflow.apache.org/docs/apache-airflow/stable/security/secrets/mask-sensitive-values.html"},
}

// CredentialInIndexURL flags live credentials written into index, channel,
// find-links or package URLs.
var CredentialInIndexURL = &rule.Rule{
	ID:          "secret/credential-in-index-url",
	Title:       "Credentials written into a package index URL",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0055", "AML.T0010.001"},
	Mitigations: []string{},
	Summary:     "A password or token for a private package index or repository is committed in a URL, so anyone who can read the repository can read, and often publish to, that index.",
	Description: "URLs such as https://user:password@pypi.example.com/simple, https://aws:<token>@….codeartifact…, git+https://<token>@github.com/… or a conda channel with /t/<token>/ " +
		"carry a live credential. Whoever reads the repository, its forks, CI logs or built images gets it; with publish rights on the index the credential also lets them " +
		"replace internal packages that every training and serving environment installs. Values written as environment references (${PIP_PASSWORD}) are not reported.",
	Fix: "Remove the credential from the file and rotate it. Reference it from the environment (https://${PIP_USER}:${PIP_PASSWORD}@host/simple, which pip expands), " +
		"or use keyring, a .netrc outside the repository, PIP_INDEX_URL in the CI secret store, or poetry config http-basic.",
	References: []string{
		"https://pip.pypa.io/en/stable/topics/authentication/",
		"https://pip.pypa.io/en/stable/reference/requirements-file-format/#using-environment-variables",
	},
}

// DefaultCredentials is a well-known default password in a service's environment.
var DefaultCredentials = &rule.Rule{
	ID:          "secret/default-credentials",
	Title:       "Well-known default credentials for an ML stack service",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0012", "AML.T0055", "AML.T0025", "AML.T0018"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "Default passwords such as minioadmin are the first thing an attacker tries.",
	Description: "MinIO with `minioadmin`/`minio123` (or no root password), the Kubeflow Pipelines MinIO defaults, a Postgres backend for MLflow with password `password`, Label Studio admin defaults: these are published in every tutorial and install guide. MinIO and the database behind MLflow hold datasets, artifacts and the model registry, so the default password is read and write access to them. Critical when the service is also published outside the host or cluster (a compose port on all interfaces, a LoadBalancer, NodePort or Ingress).",
	Fix:         "Generate a random credential per installation, keep it in a secret store (a Kubernetes Secret created out of band, an external secret manager, compose `secrets:`), and rotate the default out.",
	References:  []string{"https://min.io/docs/minio/container/operations/install-deploy-manage/deploy-minio-single-node-single-drive.html", "https://docs.docker.com/compose/how-tos/use-secrets/", "https://min.io/docs/minio/linux/reference/minio-server/settings/root-credentials.html", "https://github.com/kubeflow/manifests", "https://mlflow.org/docs/latest/auth/index.html"},
}

// Rules of the secret detector (internal/analyzers/secret): credentials
// found by their format in any text file, notebook or archive member, and
// in git history with --history.

// HardcodedToken is a vendor API token recognised by its format.
var HardcodedToken = &rule.Rule{
	ID:          "secret/hardcoded-token",
	Title:       "API token written into a file",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0055"},
	Mitigations: []string{"AML.M0012"},
	Summary:     "Whoever reads the file, a clone, a fork or an old commit gets the token and what it unlocks: models, datasets, experiment tracking or LLM calls billed to the owner.",
	Description: "A token recognised by its vendor's format: a fixed prefix (Hugging Face `hf_` and `api_org_`, Replicate `r8_`, LangSmith `lsv2_`, OpenRouter `sk-or-`, Groq `gsk_`, Databricks `dapi`, OpenAI, Anthropic, GitHub, Slack and the rest of gitleaks' default rule set) or a fixed shape next to the vendor's name (Weights & Biases, Mistral, Together, Pinecone, Kaggle, Comet, ClearML). Notebooks are decoded first, so a token in a cell's source or printed in its output is found in the cell and line where it is. A value that reads as a placeholder or documentation example (`xxxx`, `your-…`, `EXAMPLE`), or a file under a test or documentation directory, is reported low with the reason; references (`${VAR}`, `os.environ[…]`) are not reported.",
	Fix:         "Revoke the token at the vendor now, then remove it from the file and from git history (git filter-repo); read it at run time from the environment or a secret store (`huggingface-cli login`, `wandb login`, a CI secret, a Kubernetes Secret), and clear notebook outputs before committing (nbstripout).",
	References:  []string{"https://huggingface.co/docs/hub/security-tokens", "https://github.com/gitleaks/gitleaks", "https://github.com/kynan/nbstripout"},
	Peers:       []string{"gitleaks"},
}

// CloudCredential is a cloud account key written into a file.
var CloudCredential = &rule.Rule{
	ID:          "secret/cloud-credential",
	Title:       "Cloud account credential written into a file",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0055", "AML.T0012"},
	Mitigations: []string{"AML.M0012", "AML.M0005"},
	Summary:     "A cloud key in code is the key to the buckets that hold the training data and the models.",
	Description: "AWS access keys (also when passed in code, as `boto3.client(aws_secret_access_key=…)` or fsspec `storage_options={\"key\": …, \"secret\": …}`), Azure storage account keys, Google Cloud service-account keys and API keys. A secret key that gives access with no further step (AWS secret access key, Azure account key, a service-account private key) is critical: it reads and writes the training data and model buckets; a key ID alone is high.",
	Fix:         "Deactivate the key in the cloud console, remove it from the file and from history, and use the platform's identity instead: an instance or workload role (IRSA, Workload Identity, managed identity), or the SDK's credential chain.",
	References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html", "https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys"},
	Peers:       []string{"gitleaks"},
}

// PrivateKey is a PEM or OpenSSH private key in a file.
var PrivateKey = &rule.Rule{
	ID:          "secret/private-key",
	Title:       "Private key committed",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0055"},
	Mitigations: []string{"AML.M0012"},
	Summary:     "A private key lets its holder log in as, decrypt for or sign as its owner: SSH hosts, Git deploy keys, TLS servers, signing.",
	Description: "A PEM (`-----BEGIN … PRIVATE KEY-----`) or OpenSSH private key with its body, in any file (a whole `.pem` or `.key` file, a service-account JSON, a notebook output, Terraform user data). An encrypted key is reported medium: its passphrase is needed too.",
	Fix:         "Treat the key as compromised: replace it where it is trusted (authorized_keys, deploy keys, certificates), remove it from the repository and its history, and keep keys in a secret store or an agent.",
	References:  []string{"https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository"},
	Peers:       []string{"gitleaks:private-key"},
}

// PasswordInURL is a URL that carries a password.
var PasswordInURL = &rule.Rule{
	ID:          "secret/password-in-url",
	Title:       "Password written into a connection URL",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0055"},
	Mitigations: []string{"AML.M0012"},
	Summary:     "A database, broker or tracking-server URL with its password gives the reader the feature store, the queue or the model registry behind it.",
	Description: "`postgresql://user:password@host/db`, `redis://:password@…`, `amqp://…`, `mongodb+srv://…`, an MLflow tracking URI or any http(s) URL with `user:password@`. A URL to localhost or an example host is low; a well-known default password is reported as secret/default-credentials; `${VAR}` references are not reported.",
	Fix:         "Build the URL at run time from a secret (environment variable, secret store, `MLFLOW_TRACKING_PASSWORD` from CI secrets), change the password, and remove it from history.",
	References:  []string{"https://mlflow.org/docs/latest/auth/index.html"},
	Peers:       []string{"gitleaks"},
}

// HardcodedPassword is a password or framework secret key assigned in code.
var HardcodedPassword = &rule.Rule{
	ID:          "secret/hardcoded-password",
	Title:       "Password or application secret key assigned in code or configuration",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0055"},
	Mitigations: []string{"AML.M0012"},
	Summary:     "A literal password, or a Flask/Django SECRET_KEY that signs sessions, is readable by everyone who can read the code.",
	Description: "An assignment such as `password = \"…\"`, `DB_PASSWORD: …`, Flask's `app.secret_key` / Django's `SECRET_KEY`, or `echo user:pass | chpasswd` in cloud-init or EC2 user data (Terraform `user_data` included). A forged session cookie signed with a leaked SECRET_KEY logs in as anyone, and where sessions are pickled it runs code. Names that hold a path or a file (`PASSWORD_FILE`), references and placeholders are not reported.",
	Fix:         "Read the value from the environment or a secret store at run time; generate a new secret key or password and rotate it where it is used.",
	References:  []string{"https://docs.djangoproject.com/en/stable/ref/settings/#secret-key", "https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY", "https://cloudinit.readthedocs.io/en/latest/reference/modules.html#set-passwords"},
}

// GenericHighEntropy is a random-looking value assigned to a secret name.
var GenericHighEntropy = &rule.Rule{
	ID:          "secret/generic-high-entropy",
	Title:       "Random-looking value assigned to a secret-sounding name",
	Severity:    rule.Medium,
	Confidence:  rule.LowConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0055"},
	Mitigations: []string{"AML.M0012"},
	Summary:     "A value with the entropy of a generated key, assigned to a name such as api_key or token, is most likely a credential of a service no rule knows by format.",
	Description: "gitleaks' generic API key rule: a name containing key, token, secret, auth, credential or password, and a value above its entropy threshold. With no vendor format to go by, false positives are possible (hashes, IDs); entropy is only used where a rule has no fixed prefix.",
	Fix:         "If it is a credential, revoke it, remove it from the file and history, and read it from the environment or a secret store. If not, suppress the finding with `mlsec: ignore[secret/generic-high-entropy] reason`.",
	References:  []string{"https://github.com/gitleaks/gitleaks"},
	Peers:       []string{"gitleaks:generic-api-key"},
}

// HistoryLimit says a --history scan stopped at one of its bounds.
var HistoryLimit = &rule.Rule{
	ID:          "secret/history-limit",
	Title:       "Git history not fully scanned for secrets",
	Severity:    rule.Info,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Summary:     "Older commits or large diffs were left out of the history scan; a secret there would not be reported.",
	Description: "`mlsec scan --history` reads the added lines of every commit reachable from HEAD, within bounds on the number of commits and on the size of each commit's diff, so that a huge repository cannot make the scan unbounded. This note says which bound was hit.",
	Fix:         "Scan the rest with a dedicated run (for example on a shallow range of the history) or accept the gap knowingly.",
}

// Detector lists the rules of the secret detector. The engine uses it to
// keep one finding per leaked key: where a detector rule and another
// secret rule (a context rule of an input family, such as
// secret/credential-in-env) report on the same line, one finding stays.
var Detector = []*rule.Rule{HardcodedToken, CloudCredential, PrivateKey, PasswordInURL, HardcodedPassword, GenericHighEntropy}
