package asset

import (
	"testing"

	"github.com/mlsec/mlsec/internal/finding"
)

// One bucket, however it is written, is one data store.
func TestDataStoreIdentity(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"s3://acme-training/data/train.csv", "data-store:s3://acme-training"},
		{"s3a://acme-training/raw", "data-store:s3://acme-training"},
		{"S3://Acme-Training", "data-store:s3://acme-training"},
		{"https://acme-training.s3.amazonaws.com/key", "data-store:s3://acme-training"},
		{"https://acme-training.s3.eu-west-1.amazonaws.com/key", "data-store:s3://acme-training"},
		{"https://s3.eu-west-1.amazonaws.com/acme-training/key", "data-store:s3://acme-training"},
		{"gs://ml-models/v3", "data-store:gs://ml-models"},
		{"gcs://ml-models", "data-store:gs://ml-models"},
		{"https://storage.googleapis.com/ml-models/v3/model.pt", "data-store:gs://ml-models"},
		{"abfss://features@acmelake.dfs.core.windows.net/2024", "data-store:az://acmelake/features"},
		{"wasbs://features@acmelake.blob.core.windows.net/x", "data-store:az://acmelake/features"},
		{"https://acmelake.blob.core.windows.net/features/x", "data-store:az://acmelake/features"},
		{"azure://features/path", "data-store:az://features"},
	} {
		a, ok := DataStore(c.in)
		if !ok || a.ID != c.want || a.Kind != finding.AssetDataStore {
			t.Errorf("DataStore(%q) = %q, %v; want %q", c.in, a.ID, ok, c.want)
		}
	}
	for _, in := range []string{"", "/local/path", "data/train.csv", "https://example.com/x", "s3://", "file:///etc/passwd", "://"} {
		if a, ok := DataStore(in); ok {
			t.Errorf("DataStore(%q) = %q, want not a data store", in, a.ID)
		}
	}
	if got := Bucket("s3", "acme-training").ID; got != "data-store:s3://acme-training" {
		t.Errorf("Bucket = %q", got)
	}
}

// The same bucket met as a Terraform resource, a DVC remote and a URI in
// code merges into one asset with all three locations, whatever the order
// the analyzers reported them in.
func TestMergeJoinsOneBucketNamedThreeWays(t *testing.T) {
	tf := Bucket("s3", "acme-training")
	tf.Locations = []finding.Location{{Path: "infra/s3.tf", Line: 4}}
	tf.Attrs = map[string]string{"versioning": "off"}
	dvc, _ := DataStore("s3://acme-training/dvc-store")
	dvc.Locations = []finding.Location{{Path: ".dvc/config", Line: 2}}
	code, _ := DataStore("https://acme-training.s3.amazonaws.com/data/train.csv")
	code.Locations = []finding.Location{{Path: "train.py", Line: 10}}
	other, _ := DataStore("gs://elsewhere")
	for _, order := range [][]Asset{{tf, dvc, code, other}, {code, other, dvc, tf}} {
		got := Merge(append([]Asset(nil), order...))
		if len(got) != 2 {
			t.Fatalf("Merge gave %d assets, want 2: %+v", len(got), got)
		}
		a := got[1]
		if a.ID != "data-store:s3://acme-training" || len(a.Locations) != 3 ||
			a.Locations[0].Path != ".dvc/config" || a.Locations[2].Path != "train.py" || a.Attrs["versioning"] != "off" {
			t.Errorf("merged asset = %+v", a)
		}
	}
}

func TestOtherIdentities(t *testing.T) {
	for _, c := range []struct {
		got  func() (Asset, bool)
		want string
	}{
		{func() (Asset, bool) { return HuggingFace("bert-base-uncased") }, "external:hf://bert-base-uncased"},
		{func() (Asset, bool) {
			return HuggingFace("https://huggingface.co/meta-llama/Llama-3-8B/resolve/main/config.json")
		}, "external:hf://meta-llama/Llama-3-8B"},
		{func() (Asset, bool) { return HuggingFace("hf://datasets/acme/reviews@v2") }, "external:hf://datasets/acme/reviews"},
		{func() (Asset, bool) { return MLflowModel("models:/fraud/Production") }, "model:mlflow:models:/fraud"},
		{func() (Asset, bool) { return MLflowModel("models:/fraud@champion") }, "model:mlflow:models:/fraud"},
		{func() (Asset, bool) { return MLflowModel("runs:/abc123/model") }, "model:mlflow:runs:/abc123/model"},
		{func() (Asset, bool) { return Image("python:3.11") }, "image:docker.io/library/python:3.11"},
		{func() (Asset, bool) { return Image("docker.io/library/python:3.11") }, "image:docker.io/library/python:3.11"},
		{func() (Asset, bool) { return Image("pytorch/torchserve") }, "image:docker.io/pytorch/torchserve:latest"},
		{func() (Asset, bool) { return Image("ghcr.io/acme/serve@sha256:abc") }, "image:ghcr.io/acme/serve@sha256:abc"},
		{func() (Asset, bool) { return Image("localhost:5000/x:1") }, "image:localhost:5000/x:1"},
	} {
		a, ok := c.got()
		if !ok || a.ID != c.want {
			t.Errorf("got %q, %v; want %q", a.ID, ok, c.want)
		}
	}
	for _, bad := range []string{"", "../../etc", "a b", "${IMAGE}"} {
		if a, ok := HuggingFace(bad); ok {
			t.Errorf("HuggingFace(%q) = %q", bad, a.ID)
		}
	}
	if a, ok := Image("${IMAGE}"); ok {
		t.Errorf("Image of a variable = %q", a.ID)
	}
	if got := Credential("k8s", "ml/hf-token").ID; got != "credential:k8s:ml/hf-token" {
		t.Errorf("Credential = %q", got)
	}
}

// A role named by an IRSA annotation's ARN and by Terraform is one asset.
func TestCloudRole(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::123456789012:role/ml/scorer-irsa": "credential:iam-role:scorer-irsa",
		"arn:aws-cn:iam::123456789012:role/scorer-irsa": "credential:iam-role:scorer-irsa",
		"Trainer@acme-ml.iam.gserviceaccount.com":       "credential:gcp-service-account:trainer@acme-ml.iam.gserviceaccount.com",
		"6f1c2e4a-0000-4000-8000-1234567890ab":          "credential:cloud-identity:6f1c2e4a-0000-4000-8000-1234567890ab",
	} {
		if got := CloudRole(in).ID; got != want {
			t.Errorf("CloudRole(%q) = %q, want %q", in, got, want)
		}
	}
	if Credential("iam-role", "scorer-irsa").ID != CloudRole("arn:aws:iam::1:role/scorer-irsa").ID {
		t.Error("Terraform's role and the IRSA annotation do not join")
	}
}
