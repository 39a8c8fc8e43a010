package ci

import (
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
	"github.com/mlsec/mlsec/internal/rule"
)

// file is one pass over one CI file.
type file struct {
	pass    *analysis.Pass
	wf      *workflow
	lines   []string
	scripts map[*step]*script
	infos   map[*job]*jobInfo
	assets  map[*job]string // the asset ID of each job
	// reported remembers findings already made in this file, for values
	// every job sees (workflow-level env).
	reported map[string]bool
}

// stepRef is a step and, for a run step, the command of interest in it.
type stepRef struct {
	idx  int
	s    *step
	call *shellrisk.Call
	sc   *script
	what string
}

// line and col are where a finding about the step goes: the command, else
// the uses: or run: value, else the step.
func (r stepRef) at() (int, int) {
	if r.call != nil && r.sc != nil {
		return r.sc.callAt(*r.call)
	}
	if r.s.uses.s != "" {
		return r.s.uses.line, r.s.uses.col
	}
	if r.s.run.s != "" {
		return r.s.run.line, r.s.run.col
	}
	return r.s.line, r.s.col
}

// pubRef is a publishing command.
type pubRef struct {
	stepRef
	pub publication
}

// jobInfo is what the rules need to know about a job, worked out once.
type jobInfo struct {
	secrets []secretRef
	fetch   *stepRef // the first step that brings pull-request code or another run's artifacts in
	exec    *stepRef // the first step after fetch that runs it
	repo    *stepRef // the first step that runs code from the working tree (GitLab: the merge request's)
	pubs    []pubRef
	caches  []stepRef // cache restores
	imports []stepRef // artifacts of other runs downloaded
	verify  int       // index of the first scan/sign/attest step, -1 when none
	// fetchArtifact: fetch is a download of another run's artifacts, which
	// only counts as run when a later step names its directory.
	fetchArtifact bool
}

func (f *file) check() {
	f.scripts = map[*step]*script{}
	f.infos = map[*job]*jobInfo{}
	for _, j := range f.wf.jobs {
		if f.pass.Canceled() {
			return
		}
		f.infos[j] = f.info(j)
	}
	f.recordAssets()
	for _, j := range f.wf.jobs {
		if f.pass.Canceled() {
			return
		}
		f.untrusted(j)
		f.injection(j)
		f.credentials(j)
		f.persistCredentials(j)
		f.pinning(j)
		f.installs(j)
		f.cache(j)
		f.publish(j)
		f.runner(j)
	}
	f.permissions()
}

// script returns the parsed run: body of s (nil for an action step).
func (f *file) script(s *step) *script {
	if sc, ok := f.scripts[s]; ok {
		return sc
	}
	sc := parseScript(s.run)
	f.scripts[s] = sc
	return sc
}

func (f *file) info(j *job) *jobInfo {
	in := &jobInfo{secrets: j.secrets(), verify: -1}
	wf := f.wf
	for i, s := range j.steps {
		ref := stepRef{idx: i, s: s}
		uses := strings.ToLower(actionName(s.uses.s))
		switch {
		case s.uses.s != "":
			switch {
			case uses == "actions/checkout" && wf.privileged() != nil && in.fetch == nil:
				for _, k := range []string{"ref", "repository"} {
					v := s.with[k].s
					if prExprRE.MatchString(v) || wf.has("issue_comment") != nil && (strings.Contains(v, "steps.") || strings.Contains(v, "needs.")) {
						r := ref
						r.what = "actions/checkout of " + strings.TrimSpace(v)
						in.fetch = &r
						break
					}
				}
			case strings.HasSuffix(uses, "/download-artifact") || strings.HasSuffix(uses, "/action-download-artifact"):
				if uses != "actions/download-artifact" || s.with["run-id"].s != "" || s.with["github-token"].s != "" || wf.has("workflow_run") != nil {
					r := ref
					r.what = s.uses.s + " (artifacts of another run)"
					in.imports = append(in.imports, r)
					if wf.has("workflow_run") != nil && in.fetch == nil {
						in.fetch, in.fetchArtifact = &r, true
					}
				}
			case isCacheStep(s, uses):
				r := ref
				r.what = s.uses.s
				in.caches = append(in.caches, r)
			case verifyingAction(uses):
				if in.verify < 0 {
					in.verify = i
				}
			}
			if in.fetch != nil && in.fetch.idx < i && in.exec == nil {
				if strings.HasPrefix(s.uses.s, "./") {
					r := ref
					r.what = "the local action " + s.uses.s + " from the checkout"
					in.exec = &r
				} else if runsCheckout[uses] {
					r := ref
					r.what = s.uses.s + ", which runs the checkout's configuration"
					in.exec = &r
				}
			}
			continue
		}
		sc := f.script(s)
		if sc == nil {
			continue
		}
		for k := range sc.calls {
			c := &sc.calls[k]
			if w := fetchesPR(*c, s.run.s); w != "" && in.fetch == nil && (wf.privileged() != nil || wf.platform == gitlab) {
				in.fetch = &stepRef{idx: i, s: s, call: c, sc: sc, what: w}
				continue
			}
			if verifies(*c) && in.verify < 0 {
				in.verify = i
			}
			if w := runsRepoCode(*c); w != "" {
				if in.repo == nil {
					in.repo = &stepRef{idx: i, s: s, call: c, sc: sc, what: w}
				}
				if in.fetch != nil && in.exec == nil && (in.fetch.idx < i || in.fetch.call != nil && in.fetch.call != c && in.fetch.idx == i) {
					if !in.fetchArtifact || artifactUsed(in.fetch.s, s) {
						in.exec = &stepRef{idx: i, s: s, call: c, sc: sc, what: w}
					}
				}
			}
			if p, ok := publishes(*c); ok {
				in.pubs = append(in.pubs, pubRef{stepRef: stepRef{idx: i, s: s, call: c, sc: sc, what: p.what}, pub: p})
			}
		}
	}
	return in
}

// artifactUsed reports whether a run step names the directory an artifact
// was downloaded into.
func artifactUsed(dl, s *step) bool {
	p := strings.Trim(strings.TrimSpace(dl.with["path"].s), "./")
	return p != "" && strings.Contains(s.run.s, p)
}

// runsCheckout are actions that run what the checked-out tree configures.
var runsCheckout = map[string]bool{"pre-commit/action": true, "docker/build-push-action": true, "pypa/cibuildwheel": true}

// isCacheStep recognises a step that restores a cache: actions/cache and
// the setup actions' cache inputs.
func isCacheStep(s *step, uses string) bool {
	switch uses {
	case "actions/cache", "actions/cache/restore":
		return true
	case "actions/setup-python", "actions/setup-node", "actions/setup-go", "actions/setup-java", "actions/setup-dotnet":
		return s.with["cache"].s != ""
	case "astral-sh/setup-uv":
		return s.with["enable-cache"].s == "true"
	case "conda-incubator/setup-miniconda":
		return s.with["use-only-tar-bz2"].s != ""
	}
	return false
}

// actionName is owner/repo[/path] of a uses: reference, without the ref.
func actionName(uses string) string {
	name, _, _ := strings.Cut(uses, "@")
	return name
}

// loc is a location in the analyzed file.
func (f *file) loc(line, col int) finding.Location { return f.pass.Line(line, col) }

// related explains a value that came from an included file.
func related(v value) []finding.Related {
	if v.from == "" {
		return nil
	}
	return []finding.Related{{Location: finding.Location{Path: v.from, Line: v.fromLine}, Message: "the template this job takes it from"}}
}

// report records a finding about job j.
func (f *file) report(j *job, r *rule.Rule, line, col int, msg, evidence string, rel []finding.Related, sev rule.Severity, why string) {
	d := analysis.Diagnostic{Rule: r, Location: f.loc(line, col), Message: msg, Evidence: evidence, Related: rel}
	if why != "" && sev != r.Severity {
		d.Severity, d.SeverityReason = sev, why
	}
	if j != nil && f.assets[j] != "" {
		d.Assets = []string{f.assets[j]}
	}
	if j != nil && j.path != "" {
		// Every place of a job of an included file is in that file.
		d.Location.Path = j.path
		for i := range d.Related {
			if d.Related[i].Location.Path == f.pass.File.Path {
				d.Related[i].Location.Path = j.path
			}
		}
	}
	f.pass.Report(d)
}

// stepText names a step for messages: its name or its line.
func stepText(s *step) string {
	if s.name != "" {
		return fmt.Sprintf("step %q", s.name)
	}
	return fmt.Sprintf("the step on line %d", s.line)
}
