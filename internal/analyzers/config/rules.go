package config

import "github.com/mlsec/mlsec/internal/rule"

// Rules of the config family besides the shared command-line rules of
// package mlcmd (config/mlflow-no-auth, config/jupyter-no-auth, …).
var (
	// DVCCredentialsCommitted is a remote credential in the committed .dvc/config.
	DVCCredentialsCommitted = &rule.Rule{
		ID:          "config/dvc-credentials-committed",
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

	// DVCInsecureRemote is a DVC remote over plain HTTP or with TLS verification off.
	DVCInsecureRemote = &rule.Rule{
		ID:          "config/dvc-insecure-remote",
		Title:       "DVC remote over plain HTTP or without TLS verification",
		Severity:    rule.Medium,
		Confidence:  rule.HighConfidence,
		Phase:       rule.Development,
		Techniques:  []string{"AML.T0010.002", "AML.T0020"},
		Mitigations: []string{"AML.M0025"},
		Summary:     "A network attacker can read or replace the datasets and models pulled from the remote.",
		Description: "An `http://` remote URL or `ssl_verify = false` lets anyone on the network path see and " +
			"alter what `dvc pull` and `dvc push` transfer. DVC checks file hashes against the committed " +
			".dvc files, but new data pushed through a tampered connection, and credentials sent with it, " +
			"are exposed.",
		Fix:        "Use an https:// (or s3://, gs://, azure://) URL and keep certificate verification on; point `ca_bundle` at a private CA instead of disabling it.",
		References: []string{"https://dvc.org/doc/user-guide/data-management/remote-storage/http"},
	}

	// DVCStageRemoteCode is a dvc.yaml stage that fetches and runs remote code.
	DVCStageRemoteCode = &rule.Rule{
		ID:          "config/dvc-stage-remote-code",
		Title:       "DVC stage runs code fetched from the network",
		Severity:    rule.High,
		Confidence:  rule.HighConfidence,
		Phase:       rule.Development,
		Techniques:  []string{"AML.T0010.001", "AML.T0050"},
		Mitigations: []string{"AML.M0013"},
		Summary:     "Every `dvc repro` runs whatever the remote URL or branch holds that day, next to the data and credentials.",
		Description: "A stage `cmd` that pipes a download into a shell, runs a freshly downloaded script, or " +
			"`pip install`s an unpinned git branch executes unreviewed code on every reproduction, on " +
			"laptops and CI runners that hold the DVC remote's credentials, and can alter the data and " +
			"models the pipeline produces.",
		Fix:        "Vendor the script into the repository, or pin it: a commit SHA for git installs, a checksum verified before running a download.",
		References: []string{"https://dvc.org/doc/user-guide/project-structure/dvcyaml-files"},
	}

	// MLprojectRemoteCode is an MLproject entry point that fetches and runs remote code.
	MLprojectRemoteCode = &rule.Rule{
		ID:          "config/mlproject-remote-code",
		Title:       "MLproject entry point runs code fetched from the network",
		Severity:    rule.High,
		Confidence:  rule.HighConfidence,
		Phase:       rule.Development,
		Techniques:  []string{"AML.T0010.001", "AML.T0050"},
		Mitigations: []string{"AML.M0013"},
		Summary:     "`mlflow run` executes whatever the remote URL or branch holds, with the runner's credentials.",
		Description: "An entry point `command` that pipes a download into an interpreter, runs a freshly " +
			"downloaded script, or installs an unpinned git branch runs unreviewed code on every `mlflow run`, " +
			"including runs launched remotely on Databricks or Kubernetes with access to the tracking server " +
			"and the model registry.",
		Fix:        "Keep the code in the project, or pin it by commit SHA and verify downloads with a checksum before running them.",
		References: []string{"https://mlflow.org/docs/latest/projects.html#specifying-projects"},
	}

	// AirflowBashInjection is a BashOperator command templated from run configuration.
	AirflowBashInjection = &rule.Rule{
		ID:          "config/airflow-bashoperator-injection",
		Title:       "Airflow BashOperator command built from DAG run configuration",
		Severity:    rule.High,
		Confidence:  rule.MediumConfidence,
		Phase:       rule.Operations,
		Techniques:  []string{"AML.T0050", "AML.T0012"},
		Mitigations: []string{"AML.M0019"},
		Summary:     "Whoever can trigger the DAG with a configuration can run shell commands on the workers.",
		Description: "`{{ dag_run.conf[...] }}` and `{{ params.… }}` are set by the user who triggers the DAG " +
			"(UI, REST API, CLI). Rendered into `bash_command` without quoting, a value such as `x; curl … | sh` " +
			"runs on the Airflow worker, which holds the connections to the training data, the feature store " +
			"and the model registry.",
		Fix: "Pass run values through `env={...}` and reference them as quoted shell variables (\"$VAR\"), validate " +
			"params with a schema (`Param(..., pattern=...)`), or use a PythonOperator that takes them as arguments.",
		References: []string{
			"https://airflow.apache.org/docs/apache-airflow/stable/howto/operator/bash.html",
			"https://airflow.apache.org/docs/apache-airflow/stable/security/security_model.html",
		},
	}

	// AirflowSecretInCommand is a secret rendered into a BashOperator command.
	AirflowSecretInCommand = &rule.Rule{
		ID:          "config/airflow-secret-in-command",
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
)
