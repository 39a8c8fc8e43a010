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
