package ci

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// untrusted reports ci/untrusted-checkout (a privileged workflow that runs
// pull-request code) and ci/secrets-exposed-to-untrusted (the secrets such
// a job, or a GitLab merge-request job, holds; secrets: inherit and
// toJSON(secrets)).
func (f *file) untrusted(j *job) {
	in := f.infos[j]
	wf := f.wf
	switch wf.platform {
	case github:
		if in.fetch != nil && in.exec != nil && wf.privileged() != nil {
			line, col := in.exec.at()
			fl, _ := in.fetch.at()
			sev, why := rule.Critical, ""
			if len(in.secrets) == 0 && !j.canWrite() {
				sev, why = rule.High, "the job holds no secret and its token is read-only"
			}
			if g := gate(j); g != "" {
				sev, why = rule.Medium, g+" gates the job, but the code that runs is whatever the pull request holds when it runs"
			}
			msg := fmt.Sprintf("%s workflow: job %q brings in pull-request code (%s, line %d) and runs it: %s", wf.privileged().name, j.id, in.fetch.what, fl, in.exec.what)
			if g := gate(j); g != "" {
				msg += "; " + g + " decides when, not what runs"
			}
			f.report(j, rules.CIUntrustedCheckout, line, col, msg,
				in.exec.what, []finding.Related{{Location: f.loc(fl, 0), Message: "the pull request's code is fetched here"}}, sev, why)
			if len(in.secrets) > 0 {
				s := in.secrets[0]
				sev, why := rule.High, ""
				if mlOrCloud(in.secrets) {
					sev, why = rule.Critical, "a Hub, experiment-tracking or cloud credential is among them"
				}
				f.report(j, rules.CISecretsExposed, s.line, s.col,
					fmt.Sprintf("job %q runs pull-request code (%s) with %s in reach", j.id, in.exec.what, secretNames(in.secrets)),
					secretNames(in.secrets), []finding.Related{{Location: f.loc(line, col), Message: "the untrusted code runs here"}}, sev, why)
				return
			}
		}
		// Every secret at once, whoever triggers the workflow.
		for _, s := range in.secrets {
			if s.name != "*" {
				continue
			}
			what := "toJSON(secrets) or secrets[…] hands every secret of the repository to one step"
			if j.inheritSecrets != nil && s.line == j.inheritSecrets.line {
				what = fmt.Sprintf("job %q inherits every secret of the repository and hands them all to %s", j.id, j.call.s)
			}
			sev, why := rule.Medium, "no untrusted trigger: every secret is passed where a few are needed"
			if t := wf.privileged(); t != nil {
				sev, why = rule.High, ""
				what += ", in a workflow that " + t.name + " starts"
			}
			f.report(j, rules.CISecretsExposed, s.line, s.col, what, "", nil, sev, why)
		}
	case gitlab:
		if !j.mr || in.repo == nil || len(in.secrets) == 0 {
			return
		}
		s := in.secrets[0]
		line, col := in.repo.at()
		sev, why := rule.High, ""
		if mlOrCloud(in.secrets) {
			sev, why = rule.Critical, "a Hub, experiment-tracking or cloud credential is among them"
		}
		f.report(j, rules.CISecretsExposed, s.line, s.col,
			fmt.Sprintf("job %q runs in merge-request pipelines (%s) and runs the source branch's code (%s) with %s: any variable that is not protected, or a fork's merge request run in this project, hands them to its author",
				j.id, j.mrWhy, in.repo.what, secretNames(in.secrets)),
			secretNames(in.secrets), []finding.Related{{Location: f.loc(line, col), Message: "the merge request's code runs here"}}, sev, why)
	}
}

// mlOrCloud reports whether any of the secrets is an ML service's or a cloud's.
func mlOrCloud(refs []secretRef) bool {
	for _, r := range refs {
		if _, ok := mlSecrets[r.name]; ok {
			return true
		}
	}
	return false
}

// gateRE matches job conditions that keep forks and strangers out: same
// repository only, the author's association, a maintainer's label.
var gateRE = regexp.MustCompile(`head\.repo\.full_name\s*==\s*github\.repository|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork|author_association|labels\.\*\.name|github\.event\.label\.name`)

// gate names what keeps untrusted authors from starting the job, or "".
func gate(j *job) string {
	if m := gateRE.FindString(j.ifCond); m != "" {
		return "the condition on " + strings.TrimSpace(m)
	}
	if j.environment != "" {
		return "the environment " + j.environment + " (if it requires reviewers)"
	}
	return ""
}
