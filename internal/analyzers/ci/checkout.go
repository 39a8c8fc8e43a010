package ci

import (
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// persistCredentials reports ci/persist-credentials: an actions/checkout
// that leaves the token in .git/config when a later step uploads the
// workspace as an artifact or runs pull-request code.
func (f *file) persistCredentials(j *job) {
	in := f.infos[j]
	for i, s := range j.steps {
		if strings.ToLower(actionName(s.uses.s)) != "actions/checkout" || strings.EqualFold(strings.TrimSpace(s.with["persist-credentials"].s), "false") {
			continue
		}
		for _, later := range j.steps[i+1:] {
			u := strings.ToLower(actionName(later.uses.s))
			if u == "actions/upload-artifact" || u == "actions/upload-pages-artifact" {
				if p := later.with["path"].s; uploadsWorkspace(p) {
					f.report(j, rules.CIPersistCredentials, s.uses.line, s.uses.col,
						fmt.Sprintf("job %q: actions/checkout keeps the token in .git/config and %s uploads the workspace (path: %s) as an artifact anyone who can read the run can download", j.id, stepText(later), strings.TrimSpace(p)),
						s.uses.s, []finding.Related{{Location: f.loc(later.uses.line, later.uses.col), Message: "the workspace is uploaded here"}}, rule.High, "the token leaves the runner in an artifact")
					goto next
				}
			}
		}
		if in.exec != nil && in.exec.idx > i {
			line, col := in.exec.at()
			sev, why := rule.Medium, ""
			if j.canWrite() {
				sev, why = rule.High, "the token can write to the repository"
			}
			f.report(j, rules.CIPersistCredentials, s.uses.line, s.uses.col,
				fmt.Sprintf("job %q: actions/checkout keeps the token in .git/config, and pull-request code runs later in the job (%s)", j.id, in.exec.what),
				s.uses.s, []finding.Related{{Location: f.loc(line, col), Message: "untrusted code runs here"}}, sev, why)
		}
	next:
	}
}

// uploadsWorkspace reports an artifact path that takes the checkout whole.
func uploadsWorkspace(p string) bool {
	for _, l := range strings.Split(p, "\n") {
		l = strings.TrimSpace(l)
		switch l {
		case ".", "./", "*", "./*", "${{ github.workspace }}", "${{github.workspace}}", "$GITHUB_WORKSPACE", "${{ github.workspace }}/":
			return true
		}
		if strings.Contains(l, ".git/") || strings.HasSuffix(l, ".git") {
			return true
		}
	}
	return false
}
