package ci

import (
	"fmt"
	"regexp"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// trustedIf matches job conditions that keep a job off pull-request events.
var trustedIf = regexp.MustCompile(`github\.event_name\s*==\s*'(push|release|schedule|workflow_dispatch)'|startsWith\(\s*github\.ref\s*,\s*'refs/tags/|github\.ref\s*==\s*'refs/(heads|tags)/|github\.ref_type\s*==\s*'tag'`)

// publish reports ci/model-publish-untrusted and
// ci/publish-without-verification.
func (f *file) publish(j *job) {
	in := f.infos[j]
	if len(in.pubs) == 0 {
		return
	}
	wf := f.wf
	for _, p := range in.pubs {
		line, col := p.at()
		var why string
		var rel []finding.Related
		sev := rule.High
		switch {
		case in.exec != nil && in.exec.idx <= p.idx:
			el, ec := in.exec.at()
			why = fmt.Sprintf("after running pull-request code (%s)", in.exec.what)
			rel = []finding.Related{{Location: f.loc(el, ec), Message: "untrusted code runs here"}}
			sev = rule.Critical
		case wf.platform == gitlab && j.mr:
			why = "in a merge-request pipeline (" + j.mrWhy + "), on whatever the source branch built"
		case wf.platform != gitlab && wf.privileged() != nil && !trustedIf.MatchString(j.ifCond):
			why = "in a workflow that " + wf.privileged().name + " starts"
		case wf.platform != gitlab && wf.forPRs() != nil && !trustedIf.MatchString(j.ifCond):
			why = "on " + wf.forPRs().name + ", from the pull request's code"
			sev = rule.Medium
		default:
			// Caches restored before publishing are ci/cache-poisoning's.
			for _, c := range in.imports {
				if c.idx < p.idx {
					cl, cc := c.at()
					why = "after downloading " + c.what + ", which that run's inputs decided"
					rel = []finding.Related{{Location: f.loc(cl, cc), Message: "restored here"}}
					sev = rule.Medium
					break
				}
			}
		}
		if why == "" {
			continue
		}
		reason := ""
		if sev != rule.High {
			reason = map[rule.Severity]string{rule.Critical: "pull-request code ran earlier in the same job",
				rule.Medium: "the untrusted input is indirect (a pull_request run without secrets from forks, or a cache or artifact)"}[sev]
		}
		f.report(j, rules.CIModelPublishUntrusted, line, col,
			fmt.Sprintf("job %q publishes (%s%s) %s", j.id, p.pub.what, target(p.pub), why), p.pub.what, append(rel, related(p.s.run)...), sev, reason)
		break // one per job: the first publication
	}
	for _, p := range in.pubs {
		if !p.pub.model {
			continue
		}
		if in.verify >= 0 && in.verify <= p.idx || f.needsVerify(j) {
			break
		}
		line, col := p.at()
		f.report(j, rules.CIPublishWithoutVerification, line, col,
			fmt.Sprintf("job %q publishes a model (%s%s) with no scan, signature or attestation before it", j.id, p.pub.what, target(p.pub)),
			p.pub.what, related(p.s.run), 0, "")
		break
	}
}

func target(p publication) string {
	if p.target == "" {
		return ""
	}
	return " to " + p.target
}

// needsVerify reports whether a job this one needs verifies.
func (f *file) needsVerify(j *job) bool {
	for _, n := range j.needs {
		for _, o := range f.wf.jobs {
			if o.id == n && f.infos[o] != nil && f.infos[o].verify >= 0 {
				return true
			}
		}
	}
	return false
}
