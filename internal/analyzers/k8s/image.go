package k8s

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
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

// checkImage records the image a container runs and reports it when it is
// not pinned by digest: once per image per file, however many containers
// run it (each further one is a Related place). p and c are nil for a
// Kustomization image override, which belongs to no workload here.
func (f *file) checkImage(p *pod, c, n *yaml.Node, ref, workload string) {
	ref = strings.TrimSpace(ref)
	if ref == "" || templated(ref) {
		return
	}
	subject := "image:" + ref // a reference asset.Image cannot read is still one subject
	img, ok := asset.Image(ref)
	if ok {
		subject = img.ID
		img.Locations = []finding.Location{f.loc(n)}
		f.pass.AddAsset(img)
		if workload != "" {
			f.pass.AddEdge(finding.Edge{From: workload, To: img.ID, Kind: finding.EdgeDeploys})
		}
	}
	tag, digest := imageTag(ref)
	if digest {
		return
	}
	user := ""
	switch {
	case p != nil && yamlutil.Str(yamlutil.Get(c, "name")) != "":
		user = fmt.Sprintf(" (container %s of %s %s)", containerName(c), p.obj.kind, p.obj.name)
	case p != nil:
		user = fmt.Sprintf(" (%s %s)", p.obj.kind, p.obj.name) // KFP executors and Argo templates name no container
	}
	d := analysis.Diagnostic{Rule: rules.ImageNotPinned, Location: f.loc(n), Evidence: ref, Assets: ids(img.ID, workload)}
	if tag == "" || tag == "latest" {
		d.Message = fmt.Sprintf("image %s%s uses a moving tag (%s): what runs changes with every push", ref, user, orLatest(tag))
		if p != nil {
			switch modelRole(p.role) {
			case "serving":
				d.Severity, d.SeverityReason = rule.Medium, fmt.Sprintf("mutable tag on serving workload %s %s: the next pull changes the code that answers predictions", p.obj.kind, p.obj.name)
			case "training":
				d.Severity, d.SeverityReason = rule.Medium, fmt.Sprintf("mutable tag on training workload %s %s: the next run trains with whatever was pushed last", p.obj.kind, p.obj.name)
			}
		}
	} else {
		d.Message = fmt.Sprintf("image %s%s is pinned by tag, not by digest", ref, user)
	}
	f.fold(subject, d)
}

// modelRole says whether a workload of role r serves models ("serving"),
// makes them ("training": jobs, pipeline steps, Ray clusters, which run
// training and tuning) or neither ("").
func modelRole(r role) string {
	switch r {
	case roleServing:
		return "serving"
	case roleTraining, roleWorkflow, roleRay:
		return "training"
	}
	return ""
}

func orLatest(tag string) string {
	if tag == "" {
		return "no tag, so latest"
	}
	return ":" + tag
}
