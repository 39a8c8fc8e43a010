package assess

import (
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

// practice is one MLOps practice of a phase, the signals any of which
// proves it, and its weight in the phase's score. The weights of a phase
// add up to 100; docs/ASSESSMENT.md publishes them.
type practice struct {
	ID      string
	Name    string
	Phase   rule.Phase
	Weight  int
	Signals []string
}

// practices in the order they are shown. Phases are ml-ops.org's three:
// design (requirements, data understanding, the test suite of the future
// model), experimentation and development, operations.
var practices = []practice{
	{"ml-tests", "Tests for ML code", rule.Design, 40, []string{sigTests}},
	{"data-validation", "Data validation (schemas, expectations)", rule.Design, 30, []string{sigDataValidation}},
	{"locked-environment", "Locked dependencies", rule.Design, 30, []string{sigLockedEnv}},

	{"data-versioning", "Data versioning", rule.Development, 20, []string{sigDVCTracked, sigDVCLock, sigDVCPipeline, sigLakeFS, sigDataLock}},
	{"experiment-tracking", "Experiment tracking", rule.Development, 20, []string{sigTracking}},
	{"pipeline-orchestration", "Pipeline orchestration", rule.Development, 25, []string{sigOrchestrator, sigDVCPipeline}},
	{"model-registry", "Model registry", rule.Development, 20, []string{sigRegistry}},
	{"feature-store", "Feature store", rule.Development, 15, []string{sigFeatureStore}},

	{"continuous-training", "Continuous-training triggers", rule.Operations, 20, []string{sigSchedule, sigDataTrigger}},
	{"ci-tests", "CI that tests pipeline code", rule.Operations, 20, []string{sigCITests}},
	{"continuous-delivery", "CD that deploys pipelines or models", rule.Operations, 20, []string{sigCIDeploy}},
	{"serving", "Model serving", rule.Operations, 20, []string{sigServing}},
	{"monitoring", "Monitoring and drift detection", rule.Operations, 20, []string{sigMonitoring}},
}

// phases scores each phase from the practices found: the sum of the
// weights of the practices present.
func phases(s signals) []result.PhaseAssessment {
	var out []result.PhaseAssessment
	for _, ph := range rule.Phases() {
		pa := result.PhaseAssessment{Phase: string(ph), Practices: []result.Practice{}}
		for _, p := range practices {
			if p.Phase != ph {
				continue
			}
			pr := result.Practice{ID: p.ID, Name: p.Name, Weight: p.Weight}
			for _, sig := range p.Signals {
				pr.Evidence = append(pr.Evidence, s[sig]...)
			}
			pr.Evidence = dedupe(pr.Evidence)
			pr.Present = len(pr.Evidence) > 0
			if pr.Present {
				pa.Score += p.Weight
			}
			pa.Practices = append(pa.Practices, pr)
		}
		out = append(out, pa)
	}
	return out
}

func dedupe(ev []result.Evidence) []result.Evidence {
	var out []result.Evidence
	seen := map[result.Evidence]bool{}
	for _, e := range ev {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	if len(out) > maxEvidence {
		out = out[:maxEvidence]
	}
	return out
}

// present says which practices the repository shows, by ID.
func present(ps []result.PhaseAssessment) map[string][]result.Evidence {
	out := map[string][]result.Evidence{}
	for _, pa := range ps {
		for _, p := range pa.Practices {
			if p.Present {
				out[p.ID] = p.Evidence
			}
		}
	}
	return out
}
