package config

import (
	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// runMLproject checks the entry points of an MLflow MLproject file.
func runMLproject(p *analysis.Pass) error {
	docs, err := yamlutil.Parse(p.Content)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		name := yamlutil.Str(yamlutil.Get(doc, "name"))
		yamlutil.Pairs(yamlutil.Get(doc, "entry_points"), func(k, v *yaml.Node) {
			id := finding.AssetID(finding.AssetPipelineStep, "mlproject:"+name+"/"+k.Value)
			p.AddAsset(finding.Asset{ID: id, Kind: finding.AssetPipelineStep, Name: "mlproject:" + name + "/" + k.Value, Location: p.Line(k.Line, k.Column)})
			checkCommand(p, yamlutil.Get(v, "command"), rules.RemoteCodeExec, "entry point "+k.Value)
		})
	}
	return nil
}
