package ci

import (
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// permissions reports ci/excessive-permissions: write-all tokens, and
// privileged triggers that leave the token at the repository's default.
func (f *file) permissions() {
	wf := f.wf
	if wf.platform != github {
		return
	}
	if wf.perms != nil && wf.perms.all == "write-all" {
		f.report(nil, rules.CIExcessivePermissions, wf.perms.line, wf.perms.col,
			"permissions: write-all gives every job's token every write scope (contents, packages, actions, id-token…)", "permissions: write-all", nil, rule.High, "write-all grants every scope")
	}
	inheriting := 0
	for _, j := range wf.jobs {
		if j.perms == nil {
			inheriting++
		}
	}
	// With one job the workflow's grant is that job's grant: not excessive.
	if wf.perms != nil && wf.perms.all == "" && len(wf.perms.write) > 0 && inheriting > 0 && len(wf.jobs) > 1 {
		f.report(nil, rules.CIExcessivePermissions, wf.perms.line, wf.perms.col,
			fmt.Sprintf("write access (%s) is granted at the workflow level, so %d job(s) that do not declare their own permissions get it", strings.Join(wf.perms.write, ", "), inheriting),
			"write: "+strings.Join(wf.perms.write, ", "), nil, 0, "")
	}
	undeclared := 0
	for _, j := range wf.jobs {
		if j.perms != nil && j.perms.all == "write-all" {
			f.report(j, rules.CIExcessivePermissions, j.perms.line, j.perms.col,
				fmt.Sprintf("job %q: permissions: write-all gives its token every write scope", j.id), "permissions: write-all", nil, rule.High, "write-all grants every scope")
		}
		if j.perms == nil && j.call.s == "" {
			undeclared++
		}
	}
	if t := wf.privileged(); t != nil && wf.perms == nil && undeclared > 0 {
		f.report(nil, rules.CIExcessivePermissions, t.line, t.col,
			fmt.Sprintf("the workflow runs on %s, which people outside the project trigger, and declares no permissions: %d job(s) get the repository's default token, read-write in many repositories", t.name, undeclared),
			t.name, nil, 0, "")
	}
}
