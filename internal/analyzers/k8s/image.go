package k8s

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// imageTag splits an image reference: its tag ("" if none) and whether it
// carries a digest. A registry port (host:5000/img) is not a tag.
func imageTag(ref string) (tag string, digest bool) {
	if i := strings.Index(ref, "@"); i >= 0 {
		return "", true
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.LastIndex(last, ":"); i >= 0 {
		return last[i+1:], false
	}
	return "", false
}

// templated reports references filled in at run time (Argo parameters,
// Helm, shell or Kubernetes variable expansion): nothing to judge statically.
func templated(s string) bool {
	return strings.Contains(s, "{{") || strings.Contains(s, "$(") || strings.Contains(s, "${")
}

// checkImage reports an image not pinned by digest.
func (f *file) checkImage(n *yaml.Node, ref, asset string) {
	ref = strings.TrimSpace(ref)
	if ref == "" || templated(ref) {
		return
	}
	tag, digest := imageTag(ref)
	switch {
	case digest:
	case tag == "" || tag == "latest":
		f.reportSev(rules.ImageNotPinned, rule.Medium, n, ref,
			fmt.Sprintf("image %s uses a moving tag (%s): what runs changes with every push", ref, orLatest(tag)), asset)
	default:
		f.report(rules.ImageNotPinned, n, ref, fmt.Sprintf("image %s is pinned by tag, not by digest", ref), asset)
	}
}

func orLatest(tag string) string {
	if tag == "" {
		return "no tag, so latest"
	}
	return ":" + tag
}
