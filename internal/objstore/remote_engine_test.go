package objstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analyzers"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/objstore"
	"github.com/mlsec/mlsec/internal/objstore/aztest"
	"github.com/mlsec/mlsec/internal/objstore/gcstest"
)

// engineTree copies the example projects and the malicious model fixtures
// into a temporary tree, as a bucket mirror of a project would hold them.
func engineTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	for src, dst := range map[string]string{"../../examples": "examples", "../analyzers/model/testdata/err": "models"} {
		err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out := filepath.Join(dir, dst, rel)
			if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
				return err
			}
			return os.WriteFile(out, b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// findings runs the engine on path and returns its findings as comparable
// lines (rule, path below root, line, archive member, fingerprint), with
// the files that could not be analyzed, sorted.
func findings(t *testing.T, path, root string, remote objstore.Options) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := engine.Run(ctx, engine.Options{Paths: []string{path}, Analyzers: analyzers.All(), NoGitignore: true, Remote: remote})
	if err != nil {
		t.Fatalf("scanning %s: %v", path, err)
	}
	// The fixtures include files that fail on purpose (a decompression
	// bomb): they must fail alike.
	var out []string
	for _, f := range res.Failed {
		out = append(out, fmt.Sprintf("failed %s: %s", strings.TrimPrefix(f.Path, root), f.Reason))
	}
	for _, f := range res.Findings {
		p := strings.TrimPrefix(f.Location.Path, root)
		out = append(out, fmt.Sprintf("%s %s:%d %s %s", f.RuleID, p, f.Location.Line, f.Location.Member, f.Fingerprint))
	}
	slices.Sort(out)
	return out
}

// sameFindings compares a remote scan with the local one of the same tree.
func sameFindings(t *testing.T, local, remote []string) {
	t.Helper()
	if len(local) == 0 {
		t.Fatal("the local scan found nothing: the tree is not the one expected")
	}
	if !slices.Equal(local, remote) {
		for _, l := range local {
			if !slices.Contains(remote, l) {
				t.Errorf("only in the local scan: %s", l)
			}
		}
		for _, r := range remote {
			if !slices.Contains(local, r) {
				t.Errorf("only in the remote scan: %s", r)
			}
		}
	}
}

// TestEngineGCSMatchesLocal: a tree scanned from a GCS bucket gives the
// findings of a local scan of it, fingerprints included.
func TestEngineGCSMatchesLocal(t *testing.T) {
	srv := gcstest.Start(t)
	srv.Env(t)
	srv.Bucket(t, "mlsec-mirror")
	tree := engineTree(t)
	srv.Upload(t, "mlsec-mirror", "prefix/", tree)
	local := findings(t, tree, filepath.ToSlash(tree)+"/", objstore.Options{})
	remote := findings(t, "gs://mlsec-mirror/prefix/", "gs://mlsec-mirror/prefix/", objstore.Options{})
	sameFindings(t, local, remote)
	t.Logf("%d findings and failures, the same in both", len(local))
}

// TestEngineAzureMatchesLocal is TestEngineGCSMatchesLocal for Azure Blob
// Storage (Azurite).
func TestEngineAzureMatchesLocal(t *testing.T) {
	srv := aztest.Start(t)
	srv.Env(t)
	srv.Container(t, "mlsec-mirror")
	tree := engineTree(t)
	srv.Upload(t, "mlsec-mirror", "prefix/", tree)
	local := findings(t, tree, filepath.ToSlash(tree)+"/", objstore.Options{})
	remote := findings(t, "azblob://mlsec-mirror/prefix/", "azblob://mlsec-mirror/prefix/", objstore.Options{Endpoint: srv.Endpoint})
	sameFindings(t, local, remote)
	t.Logf("%d findings and failures, the same in both", len(local))
}
