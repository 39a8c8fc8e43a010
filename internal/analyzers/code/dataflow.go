package code

import (
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/python"
)

// The code's own data flow, for the attack-path graph: a script that reads
// s3://training and writes s3://models is a pipeline step between the two
// stores, so a write to the first reaches whatever serves from the second.
// The step is the file ("pipeline-step:code:PATH"); each call that reads
// or writes a store named by a literal URI adds an edge.

// writeVerbs are the last names of calls that write their URI argument.
var writeVerbs = map[string]bool{
	"to_csv": true, "to_parquet": true, "to_json": true, "to_pickle": true, "to_feather": true, "to_hdf": true,
	"save": true, "save_model": true, "save_pretrained": true, "dump": true, "upload_file": true, "upload_fileobj": true,
	"put_object": true, "log_artifact": true, "log_artifacts": true, "write_table": true, "push_to_hub": true,
}

// StepID is the asset ID of the pipeline step a code file is.
func StepID(path string) string { return finding.AssetID(finding.AssetPipelineStep, "code:"+path) }

// dataflow records the reads and writes of call c (resolved as name) on
// stores named by literal URIs.
func (t *target) dataflow(c *python.Call, name string) {
	if name == "" {
		name = c.Callee
	}
	last := name[strings.LastIndexByte(name, '.')+1:]
	kind := finding.EdgeReads
	switch {
	case writeVerbs[last]:
		kind = finding.EdgeWrites
	case isLoadCall(name, last):
	default:
		return
	}
	n := 0
	for i := range c.Args {
		if n >= maxCallAssets {
			return
		}
		a := &c.Args[i]
		if a.Parts != nil && len(*a.Parts) > 0 {
			a = &(*a.Parts)[0] // MODEL_BUCKET + "/v3/model.pt": the bucket is in the first part
		}
		st, ok := storeAsset(a)
		if !ok || st.Kind != finding.AssetDataStore {
			continue
		}
		n++
		st.Locations = []finding.Location{t.at(c)}
		t.pass.AddAsset(st)
		step := StepID(t.pass.File.Path)
		if !t.stepAdded {
			t.stepAdded = true
			// The step is placed at its first read or write.
			t.pass.AddAsset(finding.Asset{ID: step, Kind: finding.AssetPipelineStep, Name: "code:" + t.pass.File.Path,
				Locations: []finding.Location{t.at(c)}})
		}
		t.pass.AddEdge(finding.Edge{From: step, To: st.ID, Kind: kind})
	}
}
