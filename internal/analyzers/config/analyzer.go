// Package config checks ML platform configuration: DVC remotes and stage
// commands, MLflow MLproject entry points, Jupyter server configuration,
// TorchServe config.properties,
// shell scripts that start ML servers, and Airflow DAGs whose BashOperator
// commands are built from run configuration or carry secrets.
package config

import (
	"bytes"
	"fmt"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/pyparse"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Analyzer is the config analyzer.
var Analyzer = &analysis.Analyzer{
	Name: "config",
	Doc: "Reads .dvc/config, dvc.yaml, MLproject, jupyter_*_config.py/.json, shell scripts and Airflow DAGs, and " +
		"reports committed DVC credentials, insecure remotes, stages that run remote code, Jupyter servers without " +
		"auth, ML servers started on all interfaces, and BashOperator command injection or secrets.",
	Kinds: []source.Kind{source.DVCConfig, source.DVCPipeline, source.MLproject, source.JupyterConfig, source.Shell, source.Python, source.TorchServeConfig},
	Rules: append([]*rule.Rule{
		rules.DVCRemoteCredential, rules.InsecureDataRemote, rules.RemoteCodeExec,
		rules.AirflowCommandInjection, rules.CredentialInCommand,
	}, mlcmd.Rules...),
	// Airflow DAGs are read from the parse pyparse shares with the code analyzer.
	Requires: []*analysis.Analyzer{pyparse.Analyzer},
	Run:      run,
}

func run(p *analysis.Pass) error {
	switch p.Kind {
	case source.DVCConfig:
		return runDVCConfig(p)
	case source.DVCPipeline:
		return runDVCPipeline(p)
	case source.MLproject:
		return runMLproject(p)
	case source.JupyterConfig:
		return runJupyter(p)
	case source.Shell:
		return runShell(p)
	case source.TorchServeConfig:
		for _, m := range mlcmd.TorchServeProperties(string(p.Content)) {
			p.Report(m.Diagnostic(p.Line(m.Line, m.Col)))
		}
		return nil
	case source.Python:
		// Cheap prefilter: only Airflow DAGs with a BashOperator are read.
		if !bytes.Contains(p.Content, []byte("airflow")) || !bytes.Contains(p.Content, []byte("BashOperator")) {
			return nil
		}
		return runAirflow(p)
	}
	return fmt.Errorf("config analyzer: unexpected file kind %q", p.Kind)
}

// runShell reports ML servers started on all interfaces by a shell script.
func runShell(p *analysis.Pass) error {
	ms, err := mlcmd.CheckScript(string(p.Content))
	if err != nil {
		return fmt.Errorf("invalid shell script: %v", err)
	}
	for _, m := range ms {
		p.Report(m.Diagnostic(p.Line(m.Line, m.Col)))
	}
	return nil
}
