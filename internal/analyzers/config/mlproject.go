package config

import (
	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
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
			step := asset.New(finding.AssetPipelineStep, "mlproject:"+name+"/"+k.Value)
			step.Locations = []finding.Location{p.Line(k.Line, k.Column)}
			p.AddAsset(step)
			checkCommand(p, yamlutil.Get(v, "command"), rules.RemoteCodeExec, "entry point "+k.Value, step.ID)
		})
	}
	return nil
}
