package k8s

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// cloudRoleAnnotations bind a ServiceAccount to a cloud identity.
var cloudRoleAnnotations = []string{
	"eks.amazonaws.com/role-arn",     // AWS IRSA
	"iam.gke.io/gcp-service-account", // GKE workload identity
	"azure.workload.identity/client-id",
}

// cloudRole returns the cloud identity a ServiceAccount is bound to.
func cloudRole(sa *object) (annotation, role string) {
	ann := strMap(yamlutil.Path(sa.node, "metadata", "annotations"))
	for _, a := range cloudRoleAnnotations {
		if v := ann[a]; v != "" {
			return a, v
		}
	}
	return "", ""
}

// serviceAccountOf returns the ServiceAccount name a pod runs as and the
// node naming it (nil for the implicit default).
func serviceAccountOf(p *pod) (string, *yaml.Node) {
	for _, k := range []string{"serviceAccountName", "serviceAccount"} {
		if n := p.field(k); n != nil && n.Value != "" {
			return n.Value, n
		}
	}
	return "default", nil
}

// checkCloudRole reports serving and notebook pods that mount the token of
// a ServiceAccount bound to a cloud role.
func (f *file) checkCloudRole(p *pod, workload string) {
	if p.role != roleServing && p.role != roleNotebook {
		return
	}
	name, at := serviceAccountOf(p)
	sa := f.sas[nsKey(p.obj.namespace, name)]
	if sa == nil {
		return
	}
	ann, role := cloudRole(sa)
	if ann == "" {
		return
	}
	if am := p.field("automountServiceAccountToken"); am != nil {
		if isFalse(am) {
			return
		}
	} else if isFalse(yamlutil.Get(sa.node, "automountServiceAccountToken")) {
		return
	}
	if at == nil {
		at = p.where
	}
	if !f.first(fmt.Sprintf("sa-role:%d:%d", at.Line, at.Column)) {
		return
	}
	what := "serving"
	if p.role == roleNotebook {
		what = "notebook"
	}
	f.pass.Report(analysis.Diagnostic{Rule: rules.CloudRoleToken, Location: f.loc(at), Evidence: ann + ": " + role,
		Message: fmt.Sprintf("%s pod %s %s runs as ServiceAccount %s, bound to cloud identity %s, with its token mounted: code execution in it yields those cloud credentials", what, p.obj.kind, p.obj.name, name, role),
		Assets:  ids(workload, asset.CloudRole(role).ID)})
}
