package k8s

import (
	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// assetKind is the asset kind a workload of this role is recorded as.
func assetKind(r role) finding.AssetKind {
	switch r {
	case roleTraining, roleWorkflow:
		return finding.AssetPipelineStep
	case roleRegistry:
		return finding.AssetRegistry
	case roleStore:
		return finding.AssetDataStore
	}
	return finding.AssetEndpoint // serving, notebooks, Ray dashboards, other long-running services
}

// assets records every workload, the credentials its pods can use, and
// ServiceAccounts bound to cloud roles. Container images are recorded as
// each container is checked (checkImage).
func (f *file) assets() {
	f.assetIDs = map[*object]string{}
	for _, p := range f.pods {
		id := f.assetIDs[p.obj]
		if id == "" {
			id = f.workloadAsset(p.obj, assetKind(p.role))
		}
		f.secretEdges(p, id)
		if name, _ := serviceAccountOf(p); name != "" {
			if sa := f.sas[nsKey(p.obj.namespace, name)]; sa != nil {
				if cred := f.saAsset(sa); cred != "" {
					f.pass.AddEdge(finding.Edge{From: id, To: cred, Kind: finding.EdgeUsesSecret})
				}
			}
		}
	}
	for _, sa := range f.sas {
		f.saAsset(sa)
	}
}

// workloadAsset records object o as an asset of kind k, named
// "k8s:namespace/Kind/name", and returns its ID.
func (f *file) workloadAsset(o *object, k finding.AssetKind) string {
	a := asset.New(k, "k8s:"+o.ref())
	a.Locations = []finding.Location{f.loc(o.node)}
	a.Attrs = map[string]string{"apiVersion": o.apiVersion, "kind": o.kind}
	f.pass.AddAsset(a)
	f.assetIDs[o] = a.ID
	return a.ID
}

// saAsset records the cloud identity a ServiceAccount is bound to,
// returning its ID ("" when it has none). The identity is the cloud's name
// for it (role ARN, Google service account, Azure client ID), so that the
// Terraform that creates the role and the pods that assume it meet on one
// asset.
func (f *file) saAsset(sa *object) string {
	ann, role := cloudRole(sa)
	if ann == "" {
		return ""
	}
	a := asset.CloudRole(role)
	a.Locations = []finding.Location{f.loc(sa.node)}
	a.Attrs = map[string]string{"annotation": ann, "kubernetes-service-account": nsKey(sa.namespace, sa.name)}
	f.pass.AddAsset(a)
	return a.ID
}

// secretEdges records the Secrets a pod can read: env, envFrom and volumes.
func (f *file) secretEdges(p *pod, from string) {
	add := func(name string, at *yaml.Node) {
		if name == "" || templated(name) {
			return
		}
		key := nsKey(p.obj.namespace, name)
		a := asset.Credential("k8s", key)
		a.Locations = []finding.Location{f.loc(at)}
		f.pass.AddAsset(a)
		f.pass.AddEdge(finding.Edge{From: from, To: a.ID, Kind: finding.EdgeUsesSecret})
		if f.secretUsers == nil {
			f.secretUsers = map[string][]*pod{}
		}
		f.secretUsers[key] = append(f.secretUsers[key], p)
	}
	for _, c := range p.containers {
		for _, e := range limit(yamlutil.Items(yamlutil.Get(c, "env"))) {
			if r := yamlutil.Path(e, "valueFrom", "secretKeyRef", "name"); r != nil {
				add(r.Value, r)
			}
		}
		for _, e := range limit(yamlutil.Items(yamlutil.Get(c, "envFrom"))) {
			if r := yamlutil.Path(e, "secretRef", "name"); r != nil {
				add(r.Value, r)
			}
		}
	}
	for _, v := range limit(yamlutil.Items(p.field("volumes"))) {
		if r := yamlutil.Path(v, "secret", "secretName"); r != nil {
			add(r.Value, r)
		}
	}
}

// envCredential records the credential a workload's env variable name
// holds literally, and returns its ID: the variable's name is its identity,
// so that the Dockerfile or compose file setting the same HF_TOKEN meets it.
func (f *file) envCredential(workload, name string, at *yaml.Node) string {
	a := asset.Credential("env", name)
	a.Locations = []finding.Location{f.loc(at)}
	f.pass.AddAsset(a)
	if workload != "" {
		f.pass.AddEdge(finding.Edge{From: workload, To: a.ID, Kind: finding.EdgeUsesSecret})
	}
	return a.ID
}

// assetOf is the asset ID of a workload object ("" when none was recorded).
func (f *file) assetOf(o *object) string { return f.assetIDs[o] }

// endpointAsset is the asset of a serving object, recorded if needed
// (Seldon v2 Models and KServe TrainedModels have no pod spec of their own).
func (f *file) endpointAsset(o *object) string {
	if id := f.assetIDs[o]; id != "" {
		return id
	}
	if f.assetIDs == nil {
		f.assetIDs = map[*object]string{}
	}
	return f.workloadAsset(o, finding.AssetEndpoint)
}

// assetOfService is the asset of the first workload a Service selects.
func (f *file) assetOfService(s *service) string {
	for _, p := range f.pods {
		if s.selects(p) {
			return f.assetOf(p.obj)
		}
	}
	return ""
}
