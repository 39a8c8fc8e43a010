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
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
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
		rules.AirflowCommandInjection, rules.CredentialInCommand, rules.ModelFetchUnverified,
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

// runShell reports ML servers started on all interfaces by a shell script,
// and model weights it downloads without a digest.
func runShell(p *analysis.Pass) error {
	f, err := mlcmd.Parse(string(p.Content))
	if err != nil {
		return fmt.Errorf("invalid shell script: %v", err)
	}
	for _, m := range mlcmd.CheckParsed(f) {
		p.Report(m.Diagnostic(p.Line(m.Line, m.Col)))
	}
	for _, h := range shellrisk.ModelDownloads(f) {
		d := analysis.Diagnostic{Rule: rules.ModelFetchUnverified, Location: p.Line(int(h.Pos.Line()), int(h.Pos.Col())),
			Evidence: h.Evidence, Message: h.What}
		if h.Raise != "" {
			d.Severity, d.SeverityReason = rule.High, h.Raise
		}
		p.Report(d)
	}
	return nil
}
