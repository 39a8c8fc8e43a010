package graph

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"

	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
)

func linked(g *Graph, kind finding.EdgeKind) []string {
	var out []string
	for _, e := range g.Edges() {
		if e.Kind == kind {
			out = append(out, e.From+" -> "+e.To)
		}
	}
	sort.Strings(out)
	return out
}

// TestLinkContainment: an object named by URI is linked to its store,
// whatever URI form named it; a name that is not object storage is not.
func TestLinkContainment(t *testing.T) {
	var as []finding.Asset
	for _, id := range []string{
		"model:s3://acme-models/churn/v3",                               // s3://
		"model:gs://acme-gcs/bert/1",                                    // gs://
		"model:https://acme-models.s3.amazonaws.com/fraud/model.joblib", // S3 virtual-host URL
		"dataset:abfss://raw@acmelake.dfs.core.windows.net/events",      // Azure Data Lake
		"model:http://models.example.com/churn/v8/model.joblib",         // a web server: no store
		"model:mlflow:models:/fraud",                                    // registry model: no store
		"data-store:s3://acme-models",                                   // a store is not inside itself
	} {
		as = append(as, mkAsset(id))
	}
	g := New(as, nil)
	same(t, linked(g, EdgeContains), []string{
		"data-store:az://acmelake/raw -> dataset:abfss://raw@acmelake.dfs.core.windows.net/events",
		"data-store:gs://acme-gcs -> model:gs://acme-gcs/bert/1",
		"data-store:s3://acme-models -> model:https://acme-models.s3.amazonaws.com/fraud/model.joblib",
		"data-store:s3://acme-models -> model:s3://acme-models/churn/v3",
	})
}

// TestLinkByIdentity: a bucket Terraform declares and the URI code reads
// are one asset, so the edges of both meet without a link.
func TestLinkByIdentity(t *testing.T) {
	tf := asset.Bucket("s3", "Acme-Train")
	code, _ := asset.DataStore("s3a://acme-train/2024/06/part-0.parquet")
	if tf.ID != code.ID {
		t.Fatalf("Terraform %s and code %s name different stores", tf.ID, code.ID)
	}
	g := New([]finding.Asset{tf, code, mkAsset("pipeline-step:code:train.py"), mkAsset("endpoint:k8s:x/InferenceService/y")},
		[]finding.Edge{edge("pipeline-step:code:train.py", "reads", code.ID), edge("endpoint:k8s:x/InferenceService/y", "reads", tf.ID)})
	if n := len(g.In(tf.ID)); n != 2 {
		t.Errorf("edges into %s = %d, want 2", tf.ID, n)
	}
}

// TestLinkDVC: a DVC stage reads and writes the remotes of its own
// project, not another project's in the same scan.
func TestLinkDVC(t *testing.T) {
	remote := mkAsset("data-store:s3://a-train", "dvc-remote", "origin")
	remote.Locations = []finding.Location{{Path: "proj-a/.dvc/config", Line: 2}}
	other := mkAsset("data-store:s3://b-train", "dvc-remote", "origin")
	other.Locations = []finding.Location{{Path: "proj-b/.dvc/config", Line: 2}}
	stage := mkAsset("pipeline-step:dvc:train")
	stage.Locations = []finding.Location{{Path: "proj-a/dvc.yaml", Line: 4}}
	g := New([]finding.Asset{remote, other, stage}, nil)
	same(t, linked(g, finding.EdgeReads), []string{"pipeline-step:dvc:train -> data-store:s3://a-train"})
	same(t, linked(g, finding.EdgeWrites), []string{"pipeline-step:dvc:train -> data-store:s3://a-train"})
}

// TestLinkPrecision: 2,000 assets named by URI in 200 stores, with decoys
// that share prefixes and look-alike names: every expected containment is
// found and nothing else.
func TestLinkPrecision(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var as []finding.Asset
	want := map[string]bool{}
	for i := 0; len(as) < 2000; i++ {
		bucket := fmt.Sprintf("acme-ml-%03d", rng.Intn(200))
		switch i % 5 {
		case 0:
			id := fmt.Sprintf("model:s3://%s/models/m%d/v%d", bucket, i, i%7)
			as = append(as, mkAsset(id))
			want["data-store:s3://"+bucket+" -> "+id] = true
		case 1:
			id := fmt.Sprintf("dataset:gs://%s/data/part-%05d.parquet", bucket, i)
			as = append(as, mkAsset(id))
			want["data-store:gs://"+bucket+" -> "+id] = true
		case 2:
			// Decoy: a web host whose name contains a bucket's name.
			as = append(as, mkAsset(fmt.Sprintf("model:https://%s.example.com/m%d.pt", bucket, i)))
		case 3:
			// Decoy: a hub repository named like a bucket.
			as = append(as, mkAsset(fmt.Sprintf("external:hf://%s/model-%d", bucket, i)))
		case 4:
			as = append(as, mkAsset("data-store:s3://"+bucket))
		}
	}
	g := New(as, nil)
	got := map[string]bool{}
	for _, l := range linked(g, EdgeContains) {
		got[l] = true
	}
	for l := range want {
		if !got[l] {
			t.Errorf("missing link %s", l)
		}
	}
	for l := range got {
		if !want[l] {
			t.Errorf("unexpected link %s", l)
		}
	}
	if len(want) < 700 {
		t.Fatalf("generator made only %d links", len(want))
	}
}
