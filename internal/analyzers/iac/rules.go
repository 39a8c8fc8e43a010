package iac

import (
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// Rules lists every rule the iac analyzer may report.
var Rules = []*rule.Rule{
	rules.SageMakerNotebookDirectInternet, rules.SageMakerNotebookRootAccess, rules.SageMakerNoKMS, rules.SageMakerNoNetworkIsolation, rules.SageMakerModelPublicSource,
	rules.WorkspacePublicNetwork, rules.BucketPublic, rules.BucketPublicAccessBlockOff, rules.BucketNoVersioning, rules.BucketNoEncryption,
	rules.IAMWildcard, rules.PortOpenToWorld, rules.Unresolved,
}
