package iac

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/tfeval"
)

// mlAsset says how an ML resource type is recorded: its asset kind, the
// prefix of its canonical name and the attribute that holds its name.
type mlAsset struct {
	kind     finding.AssetKind
	prefix   string
	nameAttr string
}

// mlAssets are the ML resource types recorded as assets. A canonical name
// is the service's own name for the resource ("sagemaker:endpoint/churn"),
// the part of its ARN or resource path after the account, so that code that
// invokes the endpoint by name meets the Terraform that declares it. The
// services fold names to lower case (SageMaker ARNs are lower case, GCP
// names must be), and so do the names here.
var mlAssets = map[string]mlAsset{
	"aws_sagemaker_model":                {finding.AssetModel, "sagemaker:model/", "name"},
	"aws_sagemaker_endpoint":             {finding.AssetEndpoint, "sagemaker:endpoint/", "name"},
	"aws_sagemaker_notebook_instance":    {finding.AssetPipelineStep, "sagemaker:notebook-instance/", "name"},
	"aws_sagemaker_pipeline":             {finding.AssetPipelineStep, "sagemaker:pipeline/", "pipeline_name"},
	"aws_sagemaker_feature_group":        {finding.AssetDataset, "sagemaker:feature-group/", "feature_group_name"},
	"aws_sagemaker_model_package_group":  {finding.AssetRegistry, "sagemaker:model-package-group/", "model_package_group_name"},
	"google_vertex_ai_endpoint":          {finding.AssetEndpoint, "vertex-ai:endpoint/", "name"},
	"google_notebooks_instance":          {finding.AssetPipelineStep, "gcp-notebooks:instance/", "name"},
	"google_workbench_instance":          {finding.AssetPipelineStep, "gcp-workbench:instance/", "name"},
	"azurerm_machine_learning_workspace": {finding.AssetRegistry, "azureml:workspace/", "name"},
}

// resourceAsset is the asset a declared ML resource or IAM role is: by its
// canonical name when the name resolves, else by its Terraform address.
// ok is false for a resource that is not recorded as an asset.
func (c *checker) resourceAsset(r *tfeval.Resource) (asset.Asset, bool) {
	if r.Data {
		return asset.Asset{}, false
	}
	if r.Type == "aws_iam_role" {
		return c.roleAsset(r.Addr()), true
	}
	k, ok := mlAssets[r.Type]
	if !ok {
		return asset.Asset{}, false
	}
	if name, ok := c.m.Eval(r.Body(), k.nameAttr).Str(); ok && name != "" {
		return asset.New(k.kind, k.prefix+strings.ToLower(name)), true
	}
	return asset.Unresolved(k.kind, r.Addr()), true
}

// roleAsset is the credential an IAM role is, by address: named by the
// role's name when the module declares it with a resolvable one (IAM role
// names are case-insensitive, so folded), else by the address.
func (c *checker) roleAsset(addr string) asset.Asset {
	if r := c.m.Resource(addr); r != nil && r.Type == "aws_iam_role" {
		if name, ok := c.m.Eval(r.Body(), "name").Str(); ok && name != "" {
			return asset.Credential("iam-role", strings.ToLower(name))
		}
	}
	return asset.Unresolved(finding.AssetCredential, addr)
}

// roleARN matches an IAM role ARN written out (role_arn =
// "arn:aws:iam::111122223333:role/research"); its group is the role name,
// after any path.
var roleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$`)

// recordAssets records the file's buckets, ML resources and IAM roles, the
// buckets and roles they name that the module does not declare, and the
// edges between them: a resource reads or writes a bucket, an endpoint
// deploys a model, a resource can use a role's credentials. Only what the
// analyzed file declares or names is recorded; a sibling's assets are
// recorded when that file is analyzed.
func (c *checker) recordAssets() {
	for _, b := range c.bk.sorted(c.m) {
		if b.Res == nil {
			continue
		}
		loc, ok := c.loc(b.Res.Range())
		if !ok {
			continue
		}
		a := b.Asset()
		a.Locations = []finding.Location{loc}
		a.Attrs = map[string]string{
			"terraform":  b.Key,
			"public":     strconv.FormatBool(b.Public),
			"versioning": strconv.FormatBool(b.Versions),
			"ml":         strconv.FormatBool(b.ML),
		}
		if b.Public {
			a.Attrs["public_write"] = strconv.FormatBool(b.Write)
		}
		c.pass.AddAsset(a)
	}
	for _, r := range c.m.Resources {
		loc, in := c.loc(r.Range())
		a, ok := c.resourceAsset(r)
		if !ok || !in {
			continue
		}
		a.Locations = []finding.Location{loc}
		a.Attrs = map[string]string{"terraform": r.Addr()}
		c.pass.AddAsset(a)
		if r.Type == "aws_iam_role" {
			continue
		}
		// Roles the resource runs as: by reference, or by ARN.
		for _, attr := range tfeval.SortedAttrs(r.Body()) {
			var roles []asset.Asset
			for _, addr := range tfeval.Refs(attr.Expr) {
				if typ, _, _ := strings.Cut(addr, "."); typ == "aws_iam_role" {
					roles = append(roles, c.roleAsset(addr))
				}
			}
			if m := roleARN.FindStringSubmatch(c.m.EvalAttr(attr).Raw()); m != nil {
				roles = append(roles, asset.Credential("iam-role", strings.ToLower(m[1])))
			}
			for _, role := range roles {
				c.pass.AddEdge(finding.Edge{From: a.ID, To: role.ID, Kind: finding.EdgeUsesSecret})
				if !c.roleDeclared(role.ID) {
					role.Locations = []finding.Location{place(attr.SrcRange)}
					c.pass.AddAsset(role)
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
						if typ, _, _ := strings.Cut(model, "."); typ != "aws_sagemaker_model" {
							continue
						}
						to := asset.Unresolved(finding.AssetModel, model)
						if mr := c.m.Resource(model); mr != nil {
							to, _ = c.resourceAsset(mr)
						}
						c.pass.AddEdge(finding.Edge{From: a.ID, To: to.ID, Kind: finding.EdgeDeploys})
					}
				}
			}
		}
	}
	for _, u := range c.uses {
		from, ok := c.resourceAsset(u.From)
		if !ok || !c.m.InPrimary(u.From.Range()) {
			continue // e.g. an endpoint configuration: not an asset of its own
		}
		ek := finding.EdgeReads
		if u.Write {
			ek = finding.EdgeWrites
		}
		to := u.B.Asset()
		c.pass.AddEdge(finding.Edge{From: from.ID, To: to.ID, Kind: ek})
		if u.B.Res == nil {
			// A bucket the module only names: it is met here.
			to.Locations = []finding.Location{place(u.At)}
			c.pass.AddAsset(to)
		}
	}
}

// roleDeclared reports whether a role asset ID belongs to an aws_iam_role
// the module declares (which is recorded where it is declared).
func (c *checker) roleDeclared(id string) bool {
	for _, r := range c.m.OfType("aws_iam_role") {
		if c.roleAsset(r.Addr()).ID == id {
			return true
		}
	}
	return false
}
