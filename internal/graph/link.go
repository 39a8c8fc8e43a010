package graph

import (
	"path"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
)

// link adds the relations that no single analyzer could record because
// the two ends were met in different files or under different names:
//
//   - a store holds every object whose URI is inside it: the KServe
//     storageUri s3://models/credit/v7 and the Terraform bucket "models"
//     (asset.DataStore gives both the identity of the bucket);
//   - a model registered or fetched under a URI that a pipeline step
//     writes is that step's output (the step's writes edge already names
//     the same ID: nothing to add);
//   - a DVC stage reads and writes the project's DVC remotes;
//   - a credential asset recorded by name in one place (a workflow's
//     HF_TOKEN, a Kubernetes Secret's key) and by value elsewhere stays two
//     assets unless an analyzer recorded the same ID: values are never
//     compared, they are redacted.
//
// Identities are canonical when analyzers use the asset constructors, so
// linking is by ID and by containment, never by fuzzy name matching: a
// false link would invent an attack path.
func link(assets map[string]*finding.Asset) []finding.Edge {
	ids := make([]string, 0, len(assets))
	for id := range assets {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []finding.Edge
	var remotes, dvcSteps []string
	for _, id := range ids {
		a := assets[id]
		if a.Kind == finding.AssetDataStore && a.Attrs["dvc-remote"] != "" {
			remotes = append(remotes, id)
		}
		if a.Kind == finding.AssetPipelineStep && strings.HasPrefix(a.Name, "dvc:") {
			dvcSteps = append(dvcSteps, id)
		}
		if a.Kind == finding.AssetDataStore || !hasURIScheme(a.Name) {
			continue
		}
		store, ok := asset.DataStore(a.Name)
		if !ok || store.ID == a.ID {
			continue
		}
		if assets[store.ID] == nil {
			s := store
			assets[store.ID] = &s // the bucket is an asset even if only its objects were seen
		}
		out = append(out, finding.Edge{From: store.ID, To: a.ID, Kind: EdgeContains})
	}
	// A DVC stage reads its dependencies from the workspace that `dvc pull`
	// fills from the project's remotes, and `dvc push` sends its outputs
	// there: each stage reads and writes every remote of the project.
	// Only remotes configured in the stage's own project count (a monorepo
	// holds several DVC projects).
	for _, st := range dvcSteps {
		for _, r := range remotes {
			if sameDVCProject(assets[st], assets[r]) {
				out = append(out, finding.Edge{From: st, To: r, Kind: finding.EdgeReads}, finding.Edge{From: st, To: r, Kind: finding.EdgeWrites})
			}
		}
	}
	return out
}

func hasURIScheme(name string) bool {
	i := strings.Index(name, "://")
	return i > 0 && i < 10
}

// sameDVCProject reports a stage (located in a dvc.yaml) and a remote
// (located in a .dvc/config) of the same DVC project: the stage's file is
// under the directory that holds the .dvc directory.
func sameDVCProject(step, remote *finding.Asset) bool {
	for _, rl := range remote.Locations {
		if path.Base(finding.Dir(rl.Path)) != ".dvc" {
			continue
		}
		root := finding.Dir(finding.Dir(rl.Path))
		for _, sl := range step.Locations {
			if root == "." || strings.HasPrefix(sl.Path, root+"/") {
				return true
			}
		}
	}
	return false
}
