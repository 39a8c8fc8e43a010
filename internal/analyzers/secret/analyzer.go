// Package secret finds credentials written where they leak: in every text
// file mlsec reads (code, notebooks, manifests, Terraform, configuration,
// lock files, .env and .pem files) and in text members of archives, with
// gitleaks' default rules and mlsec's own ML-vendor rules (package
// secretscan). Notebooks are decoded first, so a token in a cell's source
// or printed in its output is found and located at its cell and line.
// Context decides severity: a placeholder or a documentation example is
// low, a reference is not reported, a well-known default password is a
// default credential. Each credential becomes an asset the finding names.
// History (git) is scanned by the History analyzer, with --history.
package secret

import (
	"bytes"
	"fmt"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/secretscan"
	"github.com/mlsec/mlsec/internal/source"
)

// Rules are the rules the analyzer reports.
// secret/history-limit is the History analyzer's, listed here too so that
// the rule has an analyzer in the registry whether or not --history is on.
var Rules = []*rule.Rule{rules.HardcodedToken, rules.CloudCredential, rules.PrivateKey, rules.PasswordInURL,
	rules.HardcodedPassword, rules.GenericHighEntropy, rules.DefaultCredentials, rules.HistoryLimit}

// Kinds are every text kind mlsec reads: a credential can be anywhere.
var Kinds = []source.Kind{source.Python, source.Notebook, source.Requirements, source.Pyproject, source.SetupCfg,
	source.PipConfig, source.CondaEnv, source.YAML, source.Kubernetes, source.HelmValues, source.HelmTemplate,
	source.KFPPipeline, source.GitHubActions, source.GitLabCI, source.Dockerfile, source.Compose, source.Terraform,
	source.DVCConfig, source.DVCPipeline, source.MLproject, source.JupyterConfig, source.TorchServeConfig,
	source.Shell, source.JSON, source.TOML, source.Text}

// Analyzer is the secret analyzer.
var Analyzer = &analysis.Analyzer{
	Name:  "secret",
	Doc:   "finds credentials (vendor tokens, cloud keys, private keys, passwords in URLs and code) in every text file, notebook source and output, and text archive member",
	Kinds: Kinds,
	Rules: Rules,
	Run:   run,
}

func run(p *analysis.Pass) error {
	d, err := secretscan.Default()
	if err != nil {
		return fmt.Errorf("secret rules: %w", err)
	}
	if p.Kind == source.Notebook {
		return notebook(p, d)
	}
	lines := newLines(p.Content)
	for _, m := range d.Scan(p.Content, p.File.Rel) {
		if p.Canceled() {
			return p.Context.Err()
		}
		line, col := lines.at(m.SecretStart)
		report(p, m, scanCtx{path: p.File.Rel, kind: p.Kind, text: p.Content}, p.Line(line, col), "")
	}
	return nil
}

// notebook scans each cell's source and each of its outputs on its own.
func notebook(p *analysis.Pass, d *secretscan.Detector) error {
	parts, err := notebookParts(p.Content)
	if err != nil {
		return err
	}
	lines := newLines(p.Content)
	for _, pt := range parts {
		if p.Canceled() {
			return p.Context.Err()
		}
		for _, m := range d.Scan(pt.text, p.File.Rel) {
			line, col := lines.at(int(pt.off[m.SecretStart]))
			loc := p.Line(line, col)
			loc.Cell = pt.cell
			where := fmt.Sprintf(" in the source of cell %d", pt.cell)
			if pt.output > 0 {
				where = fmt.Sprintf(" printed in output %d of cell %d", pt.output, pt.cell)
			} else {
				loc.CellLine = bytes.Count(pt.text[:m.SecretStart], []byte("\n")) + 1
			}
			report(p, m, scanCtx{path: p.File.Rel, kind: p.Kind, text: pt.text}, loc, where)
		}
	}
	return nil
}

// lineIndex maps byte offsets to 1-based lines and columns.
type lineIndex []int

func newLines(b []byte) lineIndex {
	l := lineIndex{0}
	for i, c := range b {
		if c == '\n' {
			l = append(l, i+1)
		}
	}
	return l
}

func (l lineIndex) at(off int) (line, col int) {
	lo, hi := 0, len(l)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if l[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, off - l[lo] + 1
}

// report judges one match and reports it with its asset.
func report(p *analysis.Pass, m secretscan.Match, ctx scanCtx, loc finding.Location, where string) {
	v := judge(m, ctx)
	if v.drop {
		return
	}
	a := credentialAsset(m, v)
	a.Locations = []finding.Location{loc}
	p.AddAsset(a)
	p.Report(analysis.Diagnostic{Rule: v.rule, Location: loc, Message: v.message(m, where), Evidence: v.evidence,
		Severity: v.severity, SeverityReason: v.reason, Assets: []string{a.ID}})
}
