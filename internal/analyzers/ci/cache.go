package ci

import (
	"fmt"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// cache reports ci/cache-poisoning: a cache restored in a job on a
// privileged trigger that brings pull-request code in (its runs share the
// default branch's cache scope), or in a job that publishes a model, a
// dataset or an image.
func (f *file) cache(j *job) {
	if f.wf.platform != github {
		return
	}
	in := f.infos[j]
	for _, c := range in.caches {
		line, col := c.at()
		// On a privileged trigger the cache is the default branch's; only a
		// job that brings pull-request code in can write it poisoned.
		switch t := f.wf.privileged(); {
		case t != nil && in.fetch != nil:
			sev, why := rule.Medium, ""
			if in.exec != nil {
				sev, why = rule.High, "the job also runs pull-request code, which can write the cache it saves"
			}
			f.report(j, rules.CICachePoisoning, line, col,
				fmt.Sprintf("job %q restores and saves a cache (%s) in a workflow on %s: its runs share the default branch's cache, so a poisoned entry reaches later training and release runs", j.id, c.what, t.name),
				c.what, nil, sev, why)
		case len(in.pubs) > 0 && in.pubs[len(in.pubs)-1].idx > c.idx:
			p := in.pubs[len(in.pubs)-1]
			pl, pc := p.at()
			f.report(j, rules.CICachePoisoning, line, col,
				fmt.Sprintf("job %q restores a cache (%s) and then publishes (%s): what the cache held goes out with the release", j.id, c.what, p.pub.what),
				c.what, []finding.Related{{Location: f.loc(pl, pc), Message: "published here"}}, 0, "")
		}
	}
}
