package ci

import (
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
)

// recordAssets records, for the attack-path graph, the workflow (what
// triggers it and who can), each job (runner, token permissions), the
// secrets each job can use, the actions and images it runs, and what it
// reads and publishes (Hub repositories, buckets, images, endpoints).
// Identities are the shared ones of package asset, so a bucket a job
// uploads to meets the Terraform that declares it.
func (f *file) recordAssets() {
	p := f.pass
	wf := f.wf
	f.assets = map[*job]string{}
	name := p.File.Rel // stable whatever directory the scan was started from
	if name == "" {
		name = p.File.Path
	}
	w := asset.New(finding.AssetWorkflow, wf.platform+":"+name)
	var trig []string
	for _, t := range wf.triggers {
		trig = append(trig, t.name)
	}
	w.Attrs = map[string]string{"platform": wf.platform, "triggers": strings.Join(trig, ","), "started-by": wf.startedBy()}
	if wf.name != "" {
		w.Attrs["name"] = wf.name
	}
	w.Locations = []finding.Location{f.loc(1, 0)}
	p.AddAsset(w)
	for _, j := range wf.jobs {
		a := asset.New(finding.AssetPipelineStep, "ci:"+name+"#"+j.id)
		a.Locations = []finding.Location{f.loc(j.line, j.col)}
		if j.path != "" {
			a.Locations[0].Path = j.path
		}
		a.Attrs = map[string]string{"platform": wf.platform, "token": tokenText(j)}
		var labels []string
		for _, l := range j.runsOn {
			labels = append(labels, l.s)
		}
		if len(labels) > 0 {
			a.Attrs["runs-on"] = strings.Join(labels, ",")
		}
		if j.mr {
			a.Attrs["merge-request-pipelines"] = "true"
		}
		p.AddAsset(a)
		f.assets[j] = a.ID
		p.AddEdge(finding.Edge{From: w.ID, To: a.ID, Kind: finding.EdgeTriggers})
		in := f.infos[j]
		for _, s := range in.secrets {
			name := s.name
			if name == "*" {
				name = "all-secrets"
			}
			c := asset.Credential(wf.platform, name)
			c.Locations = []finding.Location{f.loc(s.line, s.col)}
			p.AddAsset(c)
			p.AddEdge(finding.Edge{From: a.ID, To: c.ID, Kind: finding.EdgeUsesSecret})
		}
		link := func(x finding.Asset, ok bool, line, col int, kind finding.EdgeKind) {
			if !ok {
				return
			}
			x.Locations = []finding.Location{f.loc(line, col)}
			if j.path != "" {
				x.Locations[0].Path = j.path
			}
			p.AddAsset(x)
			p.AddEdge(finding.Edge{From: a.ID, To: x.ID, Kind: kind})
		}
		for _, img := range append([]value{j.image}, j.services...) {
			if img.s != "" && !strings.ContainsAny(img.s, "${}") {
				x, ok := asset.Image(img.s)
				link(x, ok, img.line, img.col, finding.EdgeReads)
			}
		}
		for _, s := range j.steps {
			if u := strings.TrimSpace(s.uses.s); u != "" && !strings.HasPrefix(u, "./") && !strings.Contains(u, "${{") {
				if img, ok := strings.CutPrefix(u, "docker://"); ok {
					x, ok := asset.Image(img)
					link(x, ok, s.uses.line, s.uses.col, finding.EdgeReads)
				} else {
					link(asset.New(finding.AssetExternal, "github-action:"+u), true, s.uses.line, s.uses.col, finding.EdgeReads)
				}
			}
			sc := f.script(s)
			if sc == nil {
				continue
			}
			for _, c := range sc.calls {
				if x, ok, kind := readsFrom(c); ok {
					l, cl := sc.callAt(c)
					link(x, true, l, cl, kind)
				}
				// The job runs the repository's scripts: the attack-path
				// graph follows code execution in the job into them (the
				// code analyzer names a script's step by the same path).
				for _, script := range scriptsRun(c, f.repoRoot()) {
					l, cl := sc.callAt(c)
					link(asset.New(finding.AssetPipelineStep, "code:"+script), true, l, cl, finding.EdgeTriggers)
				}
			}
		}
		for _, pb := range in.pubs {
			l, c := pb.at()
			x, ok, kind := publishTarget(pb.pub)
			link(x, ok, l, c, kind)
		}
	}
}

func tokenText(j *job) string {
	p := j.permissions()
	switch {
	case j.wf.platform == gitlab:
		return "CI_JOB_TOKEN"
	case p == nil && j.canWrite():
		return "default (may write)"
	case p == nil:
		return "default"
	case p.all != "":
		return p.all
	case len(p.write) > 0:
		w := append([]string{}, p.write...)
		sort.Strings(w)
		return "write: " + strings.Join(w, ",")
	}
	return "read"
}

// publishTarget is the asset a publication writes to.
func publishTarget(p publication) (finding.Asset, bool, finding.EdgeKind) {
	if p.target == "" || strings.ContainsAny(p.target, "$") {
		return finding.Asset{}, false, ""
	}
	switch p.kind {
	case "hub":
		a, ok := asset.HuggingFace(p.target)
		return a, ok, finding.EdgeWrites
	case "store":
		a, ok := asset.DataStore(p.target)
		return a, ok, finding.EdgeWrites
	case "image":
		a, ok := asset.Image(p.target)
		return a, ok, finding.EdgeWrites
	case "endpoint":
		return asset.New(finding.AssetEndpoint, "ml-endpoint:"+p.target), true, finding.EdgeDeploys
	}
	return finding.Asset{}, false, ""
}

// readsFrom recognises a command that reads a model or data from outside:
// a Hub download, a bucket copy to the runner.
func readsFrom(c shellrisk.Call) (finding.Asset, bool, finding.EdgeKind) {
	prog, args := words(c)
	first := sub(args)
	switch {
	case (prog == "huggingface-cli" || prog == "hf") && first == "download" && len(args) > 1:
		for i, a := range args {
			if a == "download" && i+1 < len(args) {
				x, ok := asset.HuggingFace(args[i+1])
				return x, ok && !strings.Contains(args[i+1], "$"), finding.EdgeReads
			}
		}
	case prog == "aws" && first == "s3" && len(args) >= 4 && (args[1] == "cp" || args[1] == "sync"):
		src, dst := nonOpts(args[2:])
		if strings.HasPrefix(src, "s3://") && !strings.HasPrefix(dst, "s3://") && !strings.Contains(src, "$") {
			x, ok := asset.DataStore(src)
			return x, ok, finding.EdgeReads
		}
	case prog == "gsutil" && (first == "cp" || first == "rsync"):
		src, dst := nonOpts(args[1:])
		if strings.HasPrefix(src, "gs://") && !strings.HasPrefix(dst, "gs://") && !strings.Contains(src, "$") {
			x, ok := asset.DataStore(src)
			return x, ok, finding.EdgeReads
		}
	}
	return finding.Asset{}, false, ""
}

// scriptsRun lists the repository's Python scripts a command runs
// ("python pipeline/train.py", "torchrun train.py", "accelerate launch
// src/ft.py"), as report paths under root.
func scriptsRun(c shellrisk.Call, root string) []string {
	prog, args := words(c)
	switch {
	case strings.HasPrefix(prog, "python"), prog == "torchrun", prog == "accelerate", prog == "deepspeed", prog == "uv", prog == "poetry":
	default:
		return nil
	}
	var out []string
	for _, a := range args {
		if strings.HasSuffix(a, ".py") && !strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "/") &&
			!strings.ContainsAny(a, "$*?{}") && !strings.Contains(a, "..") {
			out = append(out, finding.Join(root, strings.TrimPrefix(a, "./")))
			break // the first script is the one run; later ones are its arguments
		}
	}
	return out
}

// repoRoot is the report path of the repository a CI file belongs to: the
// directory above .github for GitHub workflows and actions, the file's
// directory for GitLab CI.
func (f *file) repoRoot() string {
	p := f.pass.File.Path
	if i := strings.LastIndex(p, ".github/"); i >= 0 {
		return finding.Clean(p[:i] + ".")
	}
	return finding.Dir(p)
}
