package ci

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)
var versionTag = regexp.MustCompile(`^v?\d+(\.\d+){0,2}$`)

// pinning reports ci/unpinned-action and supply-chain/image-not-pinned.
// First-party actions (actions/*, github/*) on a version tag are accepted:
// GitHub publishes them and their tags are protected, so the risk left is
// the one every workflow takes; a branch or a third party is reported.
func (f *file) pinning(j *job) {
	in := f.infos[j]
	holds := len(in.secrets) > 0 || j.canWrite()
	check := func(v value) {
		u := strings.TrimSpace(v.s)
		if u == "" || strings.HasPrefix(u, "./") || strings.Contains(u, "${{") {
			return
		}
		if img, ok := strings.CutPrefix(u, "docker://"); ok {
			f.image(j, value{s: img, line: v.line, col: v.col, from: v.from, fromLine: v.fromLine})
			return
		}
		name, ref, ok := strings.Cut(u, "@")
		if !ok || fullSHA.MatchString(ref) {
			return
		}
		owner, _, _ := strings.Cut(strings.ToLower(name), "/")
		firstParty := owner == "actions" || owner == "github"
		if firstParty && versionTag.MatchString(ref) {
			return
		}
		sev, why := rule.Low, ""
		if holds && !firstParty {
			sev, why = rule.Medium, "the job holds secrets or a token that can write"
		}
		what := "a tag its owner can move"
		if !versionTag.MatchString(ref) {
			what = "a branch or tag that moves with every push"
		}
		f.report(j, rules.CIUnpinnedAction, v.line, v.col,
			fmt.Sprintf("job %q uses %s by %q, %s, not a commit SHA", j.id, name, ref, what), u, related(v), sev, why)
	}
	check(j.call)
	for _, s := range j.steps {
		check(s.uses)
	}
	f.image(j, j.image)
	for _, s := range j.services {
		f.image(j, s)
	}
}

// image reports a container image without a digest, once per image and file.
func (f *file) image(j *job, v value) {
	ref := strings.TrimSpace(v.s)
	if ref == "" || strings.Contains(ref, "@sha256:") || strings.ContainsAny(ref, "${}") || f.once("image:"+ref) {
		return
	}
	d := fmt.Sprintf("job %q runs in image %s, which is not pinned by digest", j.id, ref)
	f.report(j, rules.ImageNotPinned, v.line, v.col, d, ref, related(v), 0, "")
}
