package k8s

import (
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// OwnRules lists the rules the k8s analyzer reports from its own checks;
// sharedRules (analyzer.go) adds those of ML servers' command lines.
var OwnRules = []*rule.Rule{
	rules.Privileged, rules.HostPath, rules.HostNetwork, rules.AddedCapabilities, rules.RunsAsRoot,
	rules.CredentialInEnv, rules.CloudRoleToken, rules.ImageNotPinned, rules.RayDashboard,
	rules.ModelFetchUnverified, rules.DefaultCredentials, rules.SecretManifest,
	rules.VectorDBNoAuth, rules.RBACExcessive,
}
