package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about orchestration (Airflow, Kubeflow, DVC and MLproject pipelines) that runs untrusted input.

// AirflowCommandInjection is a BashOperator command templated from run configuration.
var AirflowCommandInjection = &rule.Rule{
	ID:          "pipeline/airflow-command-injection",
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
