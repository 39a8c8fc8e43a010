package config

import (
	"fmt"
	"net/url"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/secretlike"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// dvcSecretKeys are remote options that hold a credential.
var dvcSecretKeys = map[string]bool{
	"access_key_id": true, "secret_access_key": true, "session_token": true, "password": true,
	"gdrive_client_secret": true, "account_key": true, "connection_string": true, "sas_token": true,
	"token": true, "client_secret": true, "oss_key_secret": true, "oss_key_id": true, "key_secret": true,
}

// dvcEntry is one key = value line of a DVC config section.
type dvcEntry struct {
	key, val string
	raw      string // the value as written, comment included
	line     int
}

// dvcRemote is one ['remote "name"'] section.
type dvcRemote struct {
	name    string
	entries []dvcEntry
}

// runDVCConfig reads .dvc/config (configobj INI: [core], ['remote "name"']).
// A remote's options come in any order (its url may follow its
// credentials), so each remote is read whole before it is checked.
func runDVCConfig(p *analysis.Pass) error {
	var remotes []*dvcRemote
	var cur *dvcRemote
	inRemote := false
	for i, raw := range strings.Split(string(p.Content), "\n") {
		if i%256 == 0 && p.Canceled() {
			return p.Context.Err()
		}
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			// configobj allows a comment after a section marker.
			if j := strings.LastIndexByte(line, ']'); j >= 0 && strings.HasPrefix(strings.TrimSpace(line[j+1:]), "#") {
				line = line[:j+1]
			}
			if !strings.HasSuffix(line, "]") {
				return fmt.Errorf("invalid DVC config at line %d: unterminated section header %q", i+1, line)
			}
			section := strings.Trim(line, "[]'\" ")
			cur, inRemote = nil, false
			if kind, name, ok := strings.Cut(section, " "); ok && kind == "remote" {
				cur, inRemote = &dvcRemote{name: strings.Trim(name, `"' `)}, true
				remotes = append(remotes, cur)
			}
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("invalid DVC config at line %d: want key = value, got %q", i+1, line)
		}
		if inRemote {
			cur.entries = append(cur.entries, dvcEntry{strings.ToLower(strings.TrimSpace(key)), configobjValue(val), strings.Trim(strings.TrimSpace(val), `"'`), i + 1})
		}
	}
	committed := path.Base(p.File.Path) == "config" // config.local is git-ignored by DVC
	for _, r := range remotes {
		checkDVCRemote(p, r, committed)
	}
	return nil
}

// configobjValue reads a value as configobj does: a quoted value ends at
// its closing quote; an unquoted one ends at '#', which starts a comment
// (so "url = s3://b/dvc  # prod" is the URL s3://b/dvc, as DVC reads it).
func configobjValue(v string) string {
	v = strings.TrimSpace(v)
	if v != "" && (v[0] == '"' || v[0] == '\'') {
		if j := strings.IndexByte(v[1:], v[0]); j >= 0 {
			return v[1 : 1+j]
		}
		return strings.Trim(v, `"'`)
	}
	if j := strings.IndexByte(v, '#'); j >= 0 {
		v = v[:j]
	}
	return strings.TrimSpace(v)
}

// checkDVCRemote records a remote's data store and reports its committed
// credentials and insecure transport, each finding naming the store.
func checkDVCRemote(p *analysis.Pass, r *dvcRemote, committed bool) {
	var assets []string
	urlVal, endpoint := "", ""
	urlLine := 0
	for _, e := range r.entries {
		switch e.key {
		case "url":
			urlVal, urlLine = e.val, e.line
		case "endpointurl":
			endpoint = e.val
		}
	}
	if urlVal != "" {
		a := remoteStore(urlVal, endpoint)
		a.Attrs = map[string]string{"dvc-remote": r.name}
		a.Locations = []finding.Location{p.Line(urlLine, 1)}
		p.AddAsset(a)
		assets = []string{a.ID}
	}
	for _, e := range r.entries {
		key, val := e.key, e.val
		loc := p.Line(e.line, 1)
		if dvcSecretKeys[key] && val == "" {
			// "password = #hunter2" is empty to DVC, but the secret is still
			// committed text.
			val = e.raw
		}
		switch {
		case dvcSecretKeys[key] && committed && val != "" && !secretlike.EnvPlaceholder(val):
			p.Report(analysis.Diagnostic{Rule: rules.DVCRemoteCredential, Location: loc, Evidence: key + " = " + secretlike.Mask(val), Assets: assets,
				Message: fmt.Sprintf("remote %q keeps %s in the committed .dvc/config; use `dvc remote modify --local`", r.name, key)})
		case key == "url":
			if pw, ok := secretlike.URLPassword(val); ok && committed {
				p.Report(analysis.Diagnostic{Rule: rules.DVCRemoteCredential, Location: loc, Evidence: "url = " + strings.Replace(val, pw, "****", 1), Assets: assets,
					Message: fmt.Sprintf("remote %q has a password in its URL in the committed .dvc/config", r.name)})
			}
			if strings.HasPrefix(strings.ToLower(val), "http://") || strings.HasPrefix(strings.ToLower(val), "webdav://") {
				p.Report(analysis.Diagnostic{Rule: rules.InsecureDataRemote, Location: loc, Evidence: "url = " + val, Assets: assets,
					Message: fmt.Sprintf("remote %q transfers data over plain HTTP", r.name)})
			}
		case key == "ssl_verify" || key == "verify":
			if v := strings.ToLower(val); v == "false" || v == "0" || v == "no" {
				p.Report(analysis.Diagnostic{Rule: rules.InsecureDataRemote, Location: loc, Evidence: key + " = " + val, Assets: assets,
					Message: fmt.Sprintf("remote %q does not verify the server's TLS certificate", r.name)})
			}
		}
	}
}

// remoteStore is the data store a DVC remote's url names. An object-store
// URL is the bucket, the identity a Terraform bucket and a training
// script's s3:// URI share. An S3 remote with its own endpointurl (MinIO,
// Ceph) is that bucket on that server, not the AWS bucket of the same
// name. Anything else (ssh, http, a local path) keeps its URL, without
// the user information: a password in the URL must not reach the graph.
func remoteStore(rawURL, endpoint string) asset.Asset {
	if endpoint != "" {
		if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
			bucket := strings.ToLower(u.Hostname())
			if a, ok := asset.DataStore(strings.TrimRight(endpoint, "/") + "/" + bucket); ok {
				return a // an AWS or GCS endpoint written out
			}
			if e, err := url.Parse(endpoint); err == nil && e.Host != "" {
				return asset.New(finding.AssetDataStore, strings.ToLower(e.Scheme+"://"+e.Host)+"/"+bucket)
			}
		}
	} else if a, ok := asset.DataStore(rawURL); ok {
		return a
	}
	name := rawURL
	if u, err := url.Parse(rawURL); err == nil && u.User != nil {
		u.User = nil
		name = u.String()
	} else if err != nil {
		if at := strings.LastIndexByte(name, '@'); at >= 0 {
			name = name[at+1:] // unparsable, maybe user:pass@host: keep what follows
		}
	}
	return asset.New(finding.AssetDataStore, name)
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
			step := asset.New(finding.AssetPipelineStep, "dvc:"+k.Value)
			step.Locations = []finding.Location{p.Line(k.Line, k.Column)}
			p.AddAsset(step)
			cmd := yamlutil.Get(body, "cmd")
			if items := yamlutil.Items(cmd); items != nil {
				for _, it := range items {
					checkCommand(p, it, rules.RemoteCodeExec, "stage "+k.Value, step.ID)
				}
			} else if cmd != nil {
				checkCommand(p, cmd, rules.RemoteCodeExec, "stage "+k.Value, step.ID)
			}
		})
	}
	return p.Context.Err()
}

// checkCommand parses a YAML scalar as shell and reports remote code
// execution with r, and ML servers started on all interfaces, as findings
// of the pipeline step whose command it is.
func checkCommand(p *analysis.Pass, n *yaml.Node, r *rule.Rule, what, step string) {
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
		p.Report(analysis.Diagnostic{Rule: r, Location: at(int(h.Pos.Line()), int(h.Pos.Col())), Evidence: h.Evidence,
			Message: what + ": " + h.What, Assets: []string{step}})
	}
	for _, c := range shellrisk.Calls(f) {
		for _, m := range mlcmd.Check(c.Argv) {
			pos := c.Expr.Args[0].Pos()
			if m.Arg >= 0 && m.Arg < len(c.Expr.Args) {
				pos = c.Expr.Args[m.Arg].Pos()
			}
			d := m.Diagnostic(at(int(pos.Line()), int(pos.Col())))
			d.Assets = []string{step}
			p.Report(d)
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
