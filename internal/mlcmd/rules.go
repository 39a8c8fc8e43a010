package mlcmd

import (
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// Rules lists the rules Check may report.
var Rules = []*rule.Rule{
	rules.MLflowNoAuth,
	rules.RayDashboard,
	rules.JupyterNoAuth,
	rules.JupyterInsecureOption,
	rules.TensorBoard,
	rules.ModelServerAdmin,
	rules.LLMAPINoAuth,
	rules.ComputeClusterNoAuth,
	rules.OrchestratorNoAuth,
}
