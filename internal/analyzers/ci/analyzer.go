// Package ci checks CI/CD pipelines — GitHub Actions workflows, composite
// actions and GitLab CI files — for what makes them dangerous in an ML
// project, where the pipeline trains, evaluates, registers and deploys
// models and so holds the Hub, experiment-tracking and cloud credentials:
// pull-request code run with those credentials (including by ML tools that
// run repository code: pip install ., pytest, dvc repro, papermill,
// accelerate launch…), script injection, secrets in reach of untrusted
// code or on command lines, static cloud keys, broad tokens, unpinned
// actions and images, caches and artifacts an attacker can write, models
// published from such jobs or without a scan or signature, and self-hosted
// GPU runners open to forks.
//
// GitHub workflows are parsed with actionlint's parser (typed nodes with
// positions, expressions parsed with its expression parser), GitLab files
// as YAML nodes with extends, !reference and local includes resolved;
// both become one model (model.go) that the rules read, one file per rule
// or group of rules. run: and script: bodies are parsed as bash.
package ci

import (
	"fmt"
	"path"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// Analyzer is the ci analyzer.
var Analyzer = &analysis.Analyzer{
	Name: "ci",
	Doc: "GitHub Actions workflows and actions (actionlint parser) and GitLab CI files (extends, !reference, local " +
		"includes): pull-request code run with secrets, script injection, exposed and long-lived credentials, broad " +
		"tokens, unpinned actions and images, cache poisoning, models published from untrusted or unverified jobs, " +
		"self-hosted GPU runners open to forks.",
	Kinds: []source.Kind{source.GitHubActions, source.GitLabCI},
	Rules: append(append([]*rule.Rule{}, rules.CIRules...),
		rules.ImageNotPinned, rules.RemoteCodeExec, rules.ExtraIndexURL, rules.InsecureIndex),
	Run: run,
}

func run(p *analysis.Pass) error {
	docs, err := guard(p.Content)
	if err != nil {
		return err
	}
	lines := strings.Split(string(p.Content), "\n")
	var wf *workflow
	var perr error
	switch {
	case p.Kind == source.GitHubActions && isActionFile(p.File.Path):
		if docs == nil {
			if docs, err = yamlutil.Parse(p.Content); err != nil {
				return err
			}
		}
		wf, perr = actionFile(docs, lines)
	case p.Kind == source.GitHubActions:
		wf, perr = githubWorkflow(p.Content, lines)
	case p.Kind == source.GitLabCI:
		if docs == nil {
			if docs, err = yamlutil.Parse(p.Content); err != nil {
				return err
			}
		}
		wf, perr = gitlabWorkflow(p, docs, lines)
	default:
		return fmt.Errorf("ci analyzer: unexpected file kind %q", p.Kind)
	}
	if wf != nil {
		f := &file{pass: p, wf: wf, lines: lines}
		f.check()
	}
	if perr == nil && p.Canceled() {
		return fmt.Errorf("analysis stopped: %v", p.Context.Err())
	}
	return perr
}

func isActionFile(p string) bool {
	b := strings.ToLower(path.Base(p))
	return b == "action.yml" || b == "action.yaml"
}
