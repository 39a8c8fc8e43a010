package reporttest

import (
	"fmt"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Synthetic builds the result of a large scan with n findings, for the
// size and speed measurements of the report formats. Findings cycle
// through every rule with the rule's own severity, phase, techniques and
// mitigations, at realistic paths, with messages and redacted evidence of
// the length real analyzers write; a share of them touch assets, reach
// impacts and chain into attack paths. It is deterministic.
func Synthetic(n int) *result.Result {
	all := rules.All()
	res := &result.Result{Paths: []string{"big-project"}, Analyzed: n / 3}
	dirs := []string{"src/training", "src/serving", "notebooks", "deploy/k8s", "infra/terraform", ".github/workflows", "pipelines/kfp", "data/loaders"}
	for i := range 300 {
		kind := []finding.AssetKind{finding.AssetModel, finding.AssetDataStore, finding.AssetEndpoint, finding.AssetCredential,
			finding.AssetPipelineStep, finding.AssetImage, finding.AssetWorkflow, finding.AssetDataset}[i%8]
		name := fmt.Sprintf("%s-%03d", kind, i)
		res.Assets = append(res.Assets, finding.Asset{ID: finding.AssetID(kind, name), Kind: kind, Name: name,
			Locations: []finding.Location{{Path: fmt.Sprintf("%s/asset_%03d.yaml", dirs[i%len(dirs)], i), Line: 3}}})
	}
	for i := range n {
		rl := all[i%len(all)]
		loc := finding.Location{Path: fmt.Sprintf("%s/module_%04d.py", dirs[i%len(dirs)], i/7), Line: 10 + i%400, Column: 1 + i%30}
		f := finding.Finding{
			Rule: rl, RuleID: rl.ID, Severity: rl.Severity, Confidence: rl.Confidence, Phase: rl.Phase,
			Techniques: rl.Techniques, Mitigations: rl.Mitigations, Location: loc,
			Message:     fmt.Sprintf("%s: the value read at line %d flows into a call that runs or loads what an attacker controls (case %d)", rl.Title, loc.Line, i),
			Fingerprint: fmt.Sprintf("%032x", i),
		}
		if i%3 == 0 {
			f.Evidence = fmt.Sprintf("token=ghp_****%04d", i%10000)
		}
		if i%5 == 0 {
			f.Assets = []string{res.Assets[i%len(res.Assets)].ID}
		}
		if i%11 == 0 {
			f.Reach = []string{result.ImpactProductionModel, result.ImpactCredentials}
		}
		res.Findings = append(res.Findings, f)
	}
	entries := []string{result.EntryInternet, result.EntryForkPR, result.EntryHub, result.EntryDependency}
	impacts := []string{result.ImpactProductionModel, result.ImpactTrainingData, result.ImpactCredentials, result.ImpactCloudSpend}
	for i := range min(n/25, 200) {
		p := result.AttackPath{ID: fmt.Sprintf("p%04d", i), Entry: entries[i%len(entries)], Impact: impacts[i%len(impacts)], Score: 1000 - i,
			Techniques: []string{"AML.T0010.001", "AML.T0011.000"}, Phases: []string{string(rule.Development), string(rule.Operations)}}
		for h := range 2 + i%3 {
			a := res.Assets[(i*7+h*13)%len(res.Assets)]
			p.Hops = append(p.Hops, result.PathHop{Asset: a.ID, Foothold: result.FootholdWrite, Via: "code/pickle-load",
				Location: a.Locations[0], Message: "the step loads what the previous one wrote"})
		}
		res.AttackPaths = append(res.AttackPaths, p)
	}
	for i := range 5 {
		res.Chokepoints = append(res.Chokepoints, result.Chokepoint{Asset: res.Assets[i].ID, Paths: 40 - i, Impacts: []string{result.ImpactCredentials}})
	}
	for i := range n / 10 {
		res.Skipped = append(res.Skipped, source.Skip{Path: fmt.Sprintf("vendor/lib_%04d.bin", i), Reason: "binary file of an unknown type"})
	}
	res.Finish()
	return res
}
