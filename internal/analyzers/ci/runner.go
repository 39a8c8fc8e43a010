package ci

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

var hostedLabel = regexp.MustCompile(`^(ubuntu|windows|macos)-[a-z0-9.-]+$`)
var gpuLabel = regexp.MustCompile(`(?i)gpu|cuda|nvidia|a100|h100|a10g|v100|l4\b|t4\b|tpu`)

// noForks matches job conditions that keep pull requests from forks out.
var noForks = regexp.MustCompile(`head\.repo\.full_name\s*==\s*github\.repository|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork`)

// runner reports ci/self-hosted-runner-pr: a self-hosted or GPU runner on
// a workflow that pull requests from forks start.
func (f *file) runner(j *job) {
	if len(j.runsOn) == 0 {
		return
	}
	var labels []string
	selfHosted, gpu := false, false
	for _, l := range j.runsOn {
		s := strings.TrimSpace(l.s)
		if s == "" || strings.Contains(s, "${{") {
			continue
		}
		labels = append(labels, s)
		if gpuLabel.MatchString(s) {
			gpu = true
		}
		if f.wf.platform == gitlab || strings.EqualFold(s, "self-hosted") || !hostedLabel.MatchString(s) {
			selfHosted = true
		}
	}
	if !selfHosted && !gpu {
		return
	}
	var why string
	switch f.wf.platform {
	case github:
		if t := f.wf.has("pull_request", "pull_request_review", "pull_request_review_comment"); t != nil {
			why = t.name + " runs it for pull requests from forks"
		} else if t := f.wf.privileged(); t != nil && f.infos[j].fetch != nil {
			why = t.name + " runs it on pull-request code"
		}
	case gitlab:
		if j.mr {
			why = "it runs in merge-request pipelines (" + j.mrWhy + ")"
		}
	}
	if why == "" {
		return
	}
	kind := "self-hosted runner"
	if gpu {
		kind = "GPU runner"
	}
	sev, reason := rule.High, ""
	if f.wf.platform == gitlab && !gpu {
		sev, reason = rule.Medium, "a tagged GitLab runner may be one of the instance's shared, ephemeral runners"
	}
	if g := gate(j); g != "" {
		if noForks.MatchString(j.ifCond) {
			return // pull requests from forks never reach the runner
		}
		sev, reason = rule.Medium, g+" decides which pull requests reach the runner"
	}
	v := j.runsOn[0]
	f.report(j, rules.CISelfHostedRunnerPR, v.line, v.col,
		fmt.Sprintf("job %q runs on a %s (%s) and %s: the pull request's author runs code on the machine, and what it leaves there meets the next trusted job", j.id, kind, strings.Join(labels, ", "), why),
		strings.Join(labels, ", "), related(v), sev, reason)
}
