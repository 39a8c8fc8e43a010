package k8s

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// kfp checks a Kubeflow Pipelines IR document (YAML or JSON): each
// executor's container, and importer URIs.
func (f *file) kfp(root *yaml.Node) {
	if ps := yamlutil.Get(root, "pipelineSpec"); ps != nil {
		root = ps // the v1 JSON job spec wraps the IR
	}
	executors := yamlutil.Path(root, "deploymentSpec", "executors")
	if executors == nil {
		return
	}
	pipeline := yamlutil.Str(yamlutil.Path(root, "pipelineInfo", "name"))
	if pipeline == "" {
		pipeline = "pipeline"
	}
	count := 0
	yamlutil.Pairs(executors, func(k, ex *yaml.Node) {
		count++
		if count > maxItems || f.canceled() {
			return
		}
		obj := &object{node: ex, apiVersion: "kfp", kind: "KFP executor", name: pipeline + "/" + k.Value}
		step := asset.New(finding.AssetPipelineStep, "kfp:"+pipeline+"/"+k.Value)
		step.Locations = []finding.Location{f.loc(k)}
		f.pass.AddAsset(step)
		id := step.ID
		if f.assetIDs == nil {
			f.assetIDs = map[*object]string{}
		}
		f.assetIDs[obj] = id
		if c := yamlutil.Get(ex, "container"); c != nil && c.Kind == yaml.MappingNode && f.once(c) {
			p := &pod{obj: obj, where: c, containers: []*yaml.Node{c}, role: roleWorkflow, noSecurityContext: true}
			f.checkContainer(p, c, id)
		}
		u := yamlutil.Path(ex, "importer", "artifactUri", "constant")
		if u == nil {
			u = yamlutil.Path(ex, "importer", "artifactUri", "constantValue", "stringValue") // older IR
		}
		if u != nil && u.Kind == yaml.ScalarNode && f.once(u) {
			touched := []string{id}
			if strings.Contains(u.Value, "://") {
				touched = append(touched, f.recordModel(u, id, "")...)
			}
			f.checkStorageURI(u, touched)
		}
	})
}
