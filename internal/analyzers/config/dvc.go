package config

import (
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
	"mvdan.cc/sh/v3/syntax"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/mlcmd/envsecret"
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// dvcSecretKeys are remote options that hold a credential.
var dvcSecretKeys = map[string]bool{
	"access_key_id": true, "secret_access_key": true, "session_token": true, "password": true,
	"gdrive_client_secret": true, "account_key": true, "connection_string": true, "sas_token": true,
	"token": true, "client_secret": true, "oss_key_secret": true, "oss_key_id": true, "key_secret": true,
}

// runDVCConfig reads .dvc/config (configobj INI: [core], ['remote "name"']).
func runDVCConfig(p *analysis.Pass) error {
	committed := path.Base(p.File.Path) == "config" // config.local is git-ignored by DVC
	section, remote := "", ""
	var remoteLine int
	record := func() {}
	for i, raw := range strings.Split(string(p.Content), "\n") {
		if i%256 == 0 && p.Canceled() {
			return p.Context.Err()
		}
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if !strings.HasSuffix(line, "]") {
				return fmt.Errorf("invalid DVC config at line %d: unterminated section header %q", i+1, line)
			}
			record()
			section = strings.Trim(line, "[]'\" ")
			remote, remoteLine = "", i+1
			if kind, name, ok := strings.Cut(section, " "); ok && kind == "remote" {
				remote = strings.Trim(name, `"' `)
			}
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("invalid DVC config at line %d: want key = value, got %q", i+1, line)
		}
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.Trim(strings.TrimSpace(val), `"'`)
		if remote == "" {
			continue
		}
		loc := p.Line(i+1, 1)
		switch {
		case dvcSecretKeys[key] && committed && val != "" && !envsecret.Placeholder(val):
			p.Reportf(rules.DVCRemoteCredential, loc, key+" = "+envsecret.Mask(val),
				"remote %q keeps %s in the committed .dvc/config; use `dvc remote modify --local`", remote, key)
		case key == "url":
			id := finding.AssetID(finding.AssetDataStore, val)
			p.AddAsset(finding.Asset{ID: id, Kind: finding.AssetDataStore, Name: val, Location: p.Line(remoteLine, 1),
				Attrs: map[string]string{"dvc-remote": remote}})
			if pw, ok := envsecret.URLPassword(val); ok && committed {
				p.Reportf(rules.DVCRemoteCredential, loc, "url = "+strings.Replace(val, pw, "****", 1),
					"remote %q has a password in its URL in the committed .dvc/config", remote)
			}
			if strings.HasPrefix(strings.ToLower(val), "http://") || strings.HasPrefix(strings.ToLower(val), "webdav://") {
				p.Reportf(rules.InsecureDataRemote, loc, "url = "+val, "remote %q transfers data over plain HTTP", remote)
			}
		case key == "ssl_verify" || key == "verify":
			if v := strings.ToLower(val); v == "false" || v == "0" || v == "no" {
				p.Reportf(rules.InsecureDataRemote, loc, key+" = "+val, "remote %q does not verify the server's TLS certificate", remote)
			}
		}
	}
	return nil
}

// runDVCPipeline reads dvc.yaml and checks each stage's cmd.
func runDVCPipeline(p *analysis.Pass) error {
	docs, err := yamlutil.Parse(p.Content)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		yamlutil.Pairs(yamlutil.Get(doc, "stages"), func(k, v *yaml.Node) {
			if p.Canceled() {
				return
			}
			body := v
			if do := yamlutil.Get(v, "do"); do != nil { // foreach … do:
				body = do
			}
			step := finding.AssetID(finding.AssetPipelineStep, "dvc:"+k.Value)
			p.AddAsset(finding.Asset{ID: step, Kind: finding.AssetPipelineStep, Name: "dvc:" + k.Value, Location: p.Line(k.Line, k.Column)})
			cmd := yamlutil.Get(body, "cmd")
			if items := yamlutil.Items(cmd); items != nil {
				for _, it := range items {
					checkCommand(p, it, rules.RemoteCodeExec, "stage "+k.Value)
				}
			} else if cmd != nil {
				checkCommand(p, cmd, rules.RemoteCodeExec, "stage "+k.Value)
			}
		})
	}
	return p.Context.Err()
}

// checkCommand parses a YAML scalar as shell and reports remote code
// execution with r, and ML servers started on all interfaces.
func checkCommand(p *analysis.Pass, n *yaml.Node, r *rule.Rule, what string) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return
	}
	f, err := mlcmd.Parse(n.Value)
	if err != nil {
		return // a template (${item.x}) or another shell: nothing reliable to say
	}
	at := func(line, col int) finding.Location { return scalarLoc(p, n, line, col) }
	var hits []shellrisk.Hit
	hits = append(hits, shellrisk.RemoteExec(f)...)
	hits = append(hits, shellrisk.DownloadThenRun(f)...)
	hits = append(hits, shellrisk.PipInstallVCS(f)...)
	for _, h := range hits {
		p.Reportf(r, at(int(h.Pos.Line()), int(h.Pos.Col())), h.Evidence, "%s: %s", what, h.What)
	}
	checkServers(p, f, at)
}

func checkServers(p *analysis.Pass, f *syntax.File, at func(line, col int) finding.Location) {
	for _, c := range shellrisk.Calls(f) {
		for _, m := range mlcmd.Check(c.Argv) {
			pos := c.Expr.Args[0].Pos()
			if m.Arg >= 0 && m.Arg < len(c.Expr.Args) {
				pos = c.Expr.Args[m.Arg].Pos()
			}
			m.Report(p, at(int(pos.Line()), int(pos.Col())))
		}
	}
}

// scalarLoc maps a line and column inside a YAML scalar's text to the file.
func scalarLoc(p *analysis.Pass, n *yaml.Node, line, col int) finding.Location {
	switch {
	case n.Style&yaml.LiteralStyle != 0:
		return p.Line(n.Line+line, 0)
	case n.Style&yaml.FoldedStyle != 0:
		return p.Line(n.Line, 0)
	case n.Style == 0 && line == 1:
		return p.Line(n.Line, n.Column+col-1)
	}
	return p.Line(n.Line+line-1, 0)
}
