package graph

import (
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

// opening is what a finding of a rule hands an attacker: where they come
// from, what they hold, and on which kind of asset among the finding's.
// Rules absent from the table open nothing by themselves; some of them
// carry a path further (an RBAC grant, an unsafe load of a store) through
// the edges their analyzers record.
type opening struct {
	entry    string
	foothold string
	impact   string // an impact the foothold is by itself (cloud spend of a hijacked cluster), or ""
}

// openings is the table of rules that start a path. Data, not code: a new
// rule that gives a foothold is one line here, and a test checks every
// entry names a declared rule.
var openings = map[string]opening{
	// Services anyone can reach.
	"exposure/ray-dashboard":           {result.EntryInternet, result.FootholdCodeExec, result.ImpactCloudSpend},
	"exposure/jupyter-no-auth":         {result.EntryInternet, result.FootholdCodeExec, ""},
	"exposure/compute-cluster-no-auth": {result.EntryInternet, result.FootholdCodeExec, result.ImpactCloudSpend},
	"exposure/model-server-admin":      {result.EntryInternet, result.FootholdCodeExec, ""},
	"exposure/orchestrator-no-auth":    {result.EntryInternet, result.FootholdCodeExec, ""},
	"exposure/mlflow-no-auth":          {result.EntryInternet, result.FootholdWrite, ""},
	"exposure/llm-api-no-auth":         {result.EntryInternet, result.FootholdRead, result.ImpactCloudSpend},
	"exposure/vector-db-no-auth":       {result.EntryInternet, result.FootholdWrite, result.ImpactDataExposure},
	"exposure/tensorboard":             {result.EntryInternet, result.FootholdRead, result.ImpactDataExposure},
	"cloud/bucket-public":              {result.EntryInternet, result.FootholdRead, ""},
	// Models and code that come from outside.
	"supply-chain/model-fetch-unverified": {result.EntryHub, result.FootholdModel, ""},
	"cloud/sagemaker-model-public-source": {result.EntryHub, result.FootholdModel, ""},
	"code/hf-download-unpinned":           {result.EntryHub, result.FootholdModel, ""},
	"supply-chain/remote-code-exec":       {result.EntryDependency, result.FootholdCodeExec, ""},
	"deps/known-malicious-package":        {result.EntryDependency, result.FootholdCodeExec, ""},
	"deps/extra-index-url":                {result.EntryDependency, result.FootholdCodeExec, ""},
	"deps/insecure-index":                 {result.EntryDependency, result.FootholdCodeExec, ""},
	// CI/CD runs code from pull requests.
	"ci/untrusted-checkout":              {result.EntryForkPR, result.FootholdCodeExec, ""},
	"ci/script-injection":                {result.EntryForkPR, result.FootholdCodeExec, ""},
	"ci/self-hosted-runner-pr":           {result.EntryForkPR, result.FootholdCodeExec, result.ImpactCloudSpend},
	"ci/secrets-exposed-to-untrusted":    {result.EntryForkPR, result.FootholdCredential, ""},
	"ci/model-publish-untrusted":         {result.EntryForkPR, result.FootholdModel, ""},
	"pipeline/airflow-command-injection": {result.EntryInsider, result.FootholdCodeExec, ""},
}

// openingOf is the opening a finding gives, if any. Leaked credentials
// (the secret family) give their credential to anyone who can read where
// they are written; loads of request bodies give code execution to the
// internet, and loads of downloads to whoever controls the download.
func openingOf(g *Graph, f *finding.Finding) (opening, bool) {
	if o, ok := openings[f.RuleID]; ok {
		switch f.RuleID {
		case "cloud/bucket-public":
			// The bucket's asset says whether anyone may also write it.
			for _, id := range f.Assets {
				if a := g.Assets[id]; a != nil && a.Attrs["public_write"] == "true" {
					o.foothold = result.FootholdWrite
				}
			}
		case "supply-chain/model-fetch-unverified":
			// A moving key in the project's own bucket is a weakness for
			// whoever can write the bucket, not an entry point: the path
			// through it starts with that write.
			for _, id := range f.Assets {
				if a := g.Assets[id]; a != nil && a.Kind == finding.AssetModel && !externalModel(a.Name) {
					return opening{}, false
				}
			}
		}
		return o, true
	}
	switch family(f.RuleID) {
	case "secret":
		if f.RuleID == "secret/history-limit" {
			return opening{}, false
		}
		return opening{result.EntryInsider, result.FootholdCredential, ""}, true
	case "code":
		if !loaderRule(f.RuleID) {
			return opening{}, false
		}
		switch {
		case f.Severity == rule.Critical && strings.Contains(f.Message, "attacker-controlled"):
			return opening{result.EntryInternet, result.FootholdCodeExec, ""}, true
		case strings.Contains(f.Message, "it reads a download"):
			return opening{result.EntryHub, result.FootholdCodeExec, ""}, true
		}
	}
	return opening{}, false
}

// loaderRule reports the code rules about loading an artifact that runs
// code: their findings link the code that loads to what it loads.
func loaderRule(id string) bool {
	switch id {
	case "code/pickle-load", "code/joblib-load", "code/torch-load-unsafe", "code/numpy-allow-pickle", "code/pandas-read-pickle",
		"code/keras-unsafe-load", "code/yaml-unsafe-load", "code/unsafe-deserialization", "code/eval-artifact",
		"code/model-code-load", "code/native-library-load", "code/from-pretrained-pickle", "code/trust-remote-code",
		"code/torch-hub-load":
		return true
	}
	return false
}

func family(id string) string {
	if i := strings.IndexByte(id, '/'); i > 0 {
		return id[:i]
	}
	return id
}

// placement picks the asset a foothold lands on among the finding's: the
// credential for a credential, the running thing for code execution, the
// store or model for writes, reads and model control.
func placement(g *Graph, f *finding.Finding, foothold string) string {
	want := map[string][]finding.AssetKind{
		result.FootholdCredential: {finding.AssetCredential},
		result.FootholdCodeExec:   {finding.AssetEndpoint, finding.AssetPipelineStep, finding.AssetWorkflow, finding.AssetRegistry, finding.AssetDataStore},
		result.FootholdWrite:      {finding.AssetDataStore, finding.AssetDataset, finding.AssetModel, finding.AssetRegistry, finding.AssetEndpoint},
		result.FootholdRead:       {finding.AssetDataStore, finding.AssetDataset, finding.AssetModel, finding.AssetEndpoint, finding.AssetRegistry},
		result.FootholdModel:      {finding.AssetModel, finding.AssetExternal, finding.AssetEndpoint},
	}[foothold]
	for _, k := range want {
		for _, id := range f.Assets {
			if a := g.Assets[id]; a != nil && a.Kind == k {
				return id
			}
		}
	}
	return ""
}

// externalModel reports a model location outside the project's control:
// a web URL, a hub repository, a GitHub file.
func externalModel(name string) bool {
	for _, p := range []string{"http://", "https://", "hf://", "huggingface:", "github:"} {
		if strings.HasPrefix(name, p) {
			return !strings.Contains(name, ".amazonaws.com") && !strings.Contains(name, "storage.googleapis.com") &&
				!strings.Contains(name, ".core.windows.net")
		}
	}
	return false
}
