package config

import (
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

func TestMalformed(t *testing.T) {
	res := analysistest.Run(t, "testdata/bad", Analyzer)
	for _, f := range res.Failed {
		if !strings.Contains(f.Reason, "line") && !strings.Contains(f.Reason, ":") {
			t.Errorf("%s: failure reason %q does not name a line", f.Path, f.Reason)
		}
	}
}

func TestAliasBomb(t *testing.T) {
	start := time.Now()
	analysistest.Run(t, "testdata/bomb", Analyzer)
	// A hang guard, not a speed target: expanded, the bomb is billions of nodes.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("alias bomb took %v", d)
	}
}

// A DVC remote's data store: object storage joins on the bucket, a custom
// S3 endpoint is that server's bucket, and a password in the URL never
// reaches the asset graph.
func TestRemoteStore(t *testing.T) {
	for _, tc := range []struct{ url, endpoint, want string }{
		{"s3://acme-fraud-training/dvc", "", "data-store:s3://acme-fraud-training"},
		{"gs://Acme-Data/cache", "", "data-store:gs://acme-data"},
		{"s3://datasets/fraud", "https://minio.lab.internal:9000/", "data-store:https://minio.lab.internal:9000/datasets"},
		{"s3://datasets/fraud", "https://s3.eu-west-1.amazonaws.com", "data-store:s3://datasets"},
		{"ssh://dvc:hunter2@nas.lab.internal/srv/dvc", "", "data-store:ssh://nas.lab.internal/srv/dvc"},
		{"https://dvc:hunter2@nas.lab.internal/dvc", "", "data-store:https://nas.lab.internal/dvc"},
		{"/mnt/shared/dvc-cache", "", "data-store:/mnt/shared/dvc-cache"},
	} {
		a := remoteStore(tc.url, tc.endpoint)
		if a.ID != tc.want || strings.Contains(a.Name, "hunter2") {
			t.Errorf("remoteStore(%q, %q) = %s (name %q), want %s", tc.url, tc.endpoint, a.ID, a.Name, tc.want)
		}
	}
}

// Values are read as configobj (and so DVC) reads them.
func TestConfigobjValue(t *testing.T) {
	for in, want := range map[string]string{
		" s3://b/dvc  # prod": "s3://b/dvc",
		` "p#ss" # quoted`:    "p#ss",
		` 'x y'`:              "x y",
		" plain":              "plain",
		" #only-a-comment":    "",
		` "unterminated`:      "unterminated",
	} {
		if got := configobjValue(in); got != want {
			t.Errorf("configobjValue(%q) = %q, want %q", in, got, want)
		}
	}
}
