package k8s

import (
	"gopkg.in/yaml.v3"

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
// ServiceAccounts bound to cloud roles.
func (f *file) assets() {
	f.assetIDs = map[*object]string{}
	for _, p := range f.pods {
		id := f.assetIDs[p.obj]
		if id == "" {
			kind := assetKind(p.role)
			name := "k8s:" + p.obj.ref()
			id = finding.AssetID(kind, name)
			f.assetIDs[p.obj] = id
			f.pass.AddAsset(finding.Asset{ID: id, Kind: kind, Name: name, Location: f.loc(p.obj.node),
				Attrs: map[string]string{"apiVersion": p.obj.apiVersion, "kind": p.obj.kind}})
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

// saAsset records a ServiceAccount bound to a cloud role, returning its ID
// ("" when it has no cloud role).
func (f *file) saAsset(sa *object) string {
	ann, role := cloudRole(sa)
	if ann == "" {
		return ""
	}
	name := "k8s:" + sa.ref()
	id := finding.AssetID(finding.AssetCredential, name)
	f.pass.AddAsset(finding.Asset{ID: id, Kind: finding.AssetCredential, Name: name, Location: f.loc(sa.node),
		Attrs: map[string]string{"cloud-role": role, "annotation": ann}})
	return id
}

// secretEdges records the Secrets a pod can read: env, envFrom and volumes.
func (f *file) secretEdges(p *pod, from string) {
	add := func(name string, at *yaml.Node) {
		if name == "" || templated(name) {
			return
		}
		key := nsKey(p.obj.namespace, name)
		id := finding.AssetID(finding.AssetCredential, "secret:"+key)
		f.pass.AddAsset(finding.Asset{ID: id, Kind: finding.AssetCredential, Name: "secret:" + key, Location: f.loc(at)})
		f.pass.AddEdge(finding.Edge{From: from, To: id, Kind: finding.EdgeUsesSecret})
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

// assetOf is the asset ID of a workload object ("" when none was recorded).
func (f *file) assetOf(o *object) string { return f.assetIDs[o] }

// endpointAsset is the asset of a serving object, recorded if needed
// (Seldon v2 Models and KServe TrainedModels have no pod spec of their own).
func (f *file) endpointAsset(o *object) string {
	if id := f.assetIDs[o]; id != "" {
		return id
	}
	name := "k8s:" + o.ref()
	id := finding.AssetID(finding.AssetEndpoint, name)
	f.assetIDs[o] = id
	f.pass.AddAsset(finding.Asset{ID: id, Kind: finding.AssetEndpoint, Name: name, Location: f.loc(o.node),
		Attrs: map[string]string{"apiVersion": o.apiVersion, "kind": o.kind}})
	return id
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
