package iac

import (
	"strconv"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// assetKinds maps the ML resource types recorded as assets to their kind.
var assetKinds = map[string]finding.AssetKind{
	"aws_sagemaker_model":                finding.AssetModel,
	"aws_sagemaker_endpoint":             finding.AssetEndpoint,
	"aws_sagemaker_notebook_instance":    finding.AssetPipelineStep,
	"aws_sagemaker_pipeline":             finding.AssetPipelineStep,
	"aws_sagemaker_feature_group":        finding.AssetDataset,
	"aws_sagemaker_model_package_group":  finding.AssetRegistry,
	"google_vertex_ai_endpoint":          finding.AssetEndpoint,
	"google_notebooks_instance":          finding.AssetPipelineStep,
	"google_workbench_instance":          finding.AssetPipelineStep,
	"azurerm_machine_learning_workspace": finding.AssetRegistry,
	"aws_iam_role":                       finding.AssetCredential,
}

// tfAssetID is the asset ID of a resource known by its address.
func tfAssetID(kind finding.AssetKind, addr string) string { return finding.AssetID(kind, "tf:"+addr) }

// recordAssets records the file's buckets (not its siblings'), ML resources and IAM roles and
// the edges between them: a resource reads or writes a bucket, an endpoint
// deploys a model, a resource can use a role's credentials.
func (c *checker) recordAssets() {
	for _, b := range c.bk.sorted(c.m) {
		if b.Res == nil || !c.m.InPrimary(b.Res.Range()) {
			continue
		}
		attrs := map[string]string{
			"terraform":  b.Key,
			"public":     strconv.FormatBool(b.Public),
			"versioning": strconv.FormatBool(b.Versions),
			"ml":         strconv.FormatBool(b.ML),
		}
		if b.Public {
			attrs["public_write"] = strconv.FormatBool(b.Write)
		}
		name := b.Key
		if b.Name != "" {
			name = b.Name
		}
		c.pass.AddAsset(finding.Asset{ID: b.AssetID(), Kind: finding.AssetDataStore, Name: name,
			Location: c.pass.Line(b.Res.Range().Start.Line, 0), Attrs: attrs})
	}
	for _, r := range c.m.Resources {
		kind, ok := assetKinds[r.Type]
		if r.Data || !ok || !c.m.InPrimary(r.Range()) {
			continue
		}
		c.pass.AddAsset(finding.Asset{ID: tfAssetID(kind, r.Addr()), Kind: kind, Name: r.Addr(),
			Location: c.pass.Line(r.Range().Start.Line, 0), Attrs: map[string]string{"terraform": r.Addr()}})
		if kind == finding.AssetCredential {
			continue
		}
		// Roles the resource runs as.
		for _, a := range tfeval.SortedAttrs(r.Body()) {
			for _, addr := range tfeval.Refs(a.Expr) {
				if typ, _, _ := strings.Cut(addr, "."); typ == "aws_iam_role" {
					c.pass.AddEdge(finding.Edge{From: tfAssetID(kind, r.Addr()), To: tfAssetID(finding.AssetCredential, addr), Kind: finding.EdgeUsesSecret})
				}
			}
		}
		// An endpoint deploys the models of its endpoint configuration.
		if r.Type == "aws_sagemaker_endpoint" {
			for _, cfg := range tfeval.Refs(tfeval.ExprOf(r.Body(), "endpoint_config_name")) {
				cr := c.m.Resource(cfg)
				if cr == nil || cr.Type != "aws_sagemaker_endpoint_configuration" {
					continue
				}
				for _, pv := range tfeval.Blocks(cr.Body(), "production_variants") {
					for _, model := range tfeval.Refs(tfeval.ExprOf(pv.Body, "model_name")) {
						if typ, _, _ := strings.Cut(model, "."); typ == "aws_sagemaker_model" {
							c.pass.AddEdge(finding.Edge{From: tfAssetID(kind, r.Addr()), To: tfAssetID(finding.AssetModel, model), Kind: finding.EdgeDeploys})
						}
					}
				}
			}
		}
	}
	for _, u := range c.uses {
		kind, ok := assetKinds[u.From.Type]
		if !ok || !c.m.InPrimary(u.From.Range()) {
			continue // e.g. an endpoint configuration: not an asset of its own
		}
		ek := finding.EdgeReads
		if u.Write {
			ek = finding.EdgeWrites
		}
		c.pass.AddEdge(finding.Edge{From: tfAssetID(kind, u.From.Addr()), To: u.B.AssetID(), Kind: ek})
	}
}
