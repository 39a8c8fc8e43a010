package assess

import (
	"github.com/mlsec/mlsec/internal/result"
)

// scale is a published MLOps maturity scale: its levels, each with the
// practices (by ID) it requires on top of the levels below it, and where
// the definitions come from. Levels are cumulative: a repository is at the
// highest level whose requirements, and those of every level below, it
// shows. Level 0 requires nothing.
type scale struct {
	ID     string
	Source string // the definition the criteria encode
	Levels []level
}

type level struct {
	N        int
	Name     string
	Requires []string // practice IDs
}

// scales encodes the three scales' criteria as repository evidence can
// show them. What a repository cannot show (team structure, A/B tests run
// in production, release frequency) is left out of every level alike.
var scales = []scale{
	{
		// ml-ops.org, "MLOps Principles: Automation": three levels of
		// automation. Level 1 runs model training automatically
		// (continuous training, triggered when new data arrives); level 2
		// adds a CI/CD system that builds, tests and deploys the pipeline
		// components.
		ID:     "ml-ops.org",
		Source: "https://ml-ops.org/content/mlops-principles#automation",
		Levels: []level{
			{0, "Manual process", nil},
			{1, "ML pipeline automation", []string{"pipeline-orchestration", "continuous-training"}},
			{2, "CI/CD pipeline automation", []string{"ci-tests", "continuous-delivery"}},
		},
	},
	{
		// Google Cloud, "MLOps: Continuous delivery and automation
		// pipelines in machine learning". Level 1 adds continuous training
		// by an orchestrated pipeline with triggers and ML metadata
		// management; level 2 adds pipeline CI (build and test), pipeline
		// CD, and a model registry.
		ID:     "google",
		Source: "https://cloud.google.com/architecture/mlops-continuous-delivery-and-automation-pipelines-in-machine-learning",
		Levels: []level{
			{0, "MLOps level 0: Manual process", nil},
			{1, "MLOps level 1: ML pipeline automation", []string{"pipeline-orchestration", "continuous-training", "experiment-tracking"}},
			{2, "MLOps level 2: CI/CD pipeline automation", []string{"ci-tests", "continuous-delivery", "model-registry"}},
		},
	},
	{
		// Microsoft, "Machine Learning operations maturity model" (Azure
		// Architecture Center): five levels by technical capability.
		// Level 1 automated builds and tests; level 2 automated training
		// with centralized tracking and model management; level 3
		// automated release through CI/CD with traceability back to the
		// data; level 4 centralized metrics from the deployed model and
		// retraining triggered automatically.
		ID:     "microsoft",
		Source: "https://learn.microsoft.com/azure/architecture/ai-ml/guide/mlops-maturity-model",
		Levels: []level{
			{0, "No MLOps", nil},
			{1, "DevOps but no MLOps", []string{"ci-tests"}},
			{2, "Automated training", []string{"pipeline-orchestration", "continuous-training", "experiment-tracking", "model-registry"}},
			{3, "Automated model deployment", []string{"continuous-delivery", "data-versioning"}},
			{4, "Full MLOps automated operations", []string{"monitoring", "serving"}},
		},
	},
}

// levels places the repository on each scale.
func levels(have map[string][]result.Evidence) []result.MaturityLevel {
	names := map[string]string{}
	for _, p := range practices {
		names[p.ID] = p.Name
	}
	var out []result.MaturityLevel
	for _, sc := range scales {
		ml := result.MaturityLevel{Scale: sc.ID, Level: 0, Name: sc.Levels[0].Name}
		var reached []string
		for _, lv := range sc.Levels[1:] {
			var missing []string
			for _, req := range lv.Requires {
				if _, ok := have[req]; !ok {
					missing = append(missing, names[req])
				}
			}
			if len(missing) > 0 {
				ml.Missing = missing
				break
			}
			ml.Level, ml.Name = lv.N, lv.Name
			reached = append(reached, lv.Requires...)
		}
		for _, id := range reached {
			if ev := have[id]; len(ev) > 0 {
				ml.Evidence = append(ml.Evidence, ev[0]) // the first place of each practice that decided it
			}
		}
		out = append(out, ml)
	}
	return out
}

// ScaleSource returns the published definition a scale's criteria encode.
func ScaleSource(id string) string {
	for _, sc := range scales {
		if sc.ID == id {
			return sc.Source
		}
	}
	return ""
}
