package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mlsec/mlsec/internal/objstore/s3test"
)

// copyTree copies the regular files under src into dst/rel.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// mixedTree is a project as a bucket mirror holds it: both example
// projects (code, notebooks, CI, Terraform, Kubernetes, model files), the
// malicious model fixtures and the poisoned-dataset fixtures.
func mixedTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	copyTree(t, "../../examples", filepath.Join(dir, "examples"))
	copyTree(t, "../analyzers/model/testdata/err", filepath.Join(dir, "models"))
	copyTree(t, "../analyzers/dataset/testdata", filepath.Join(dir, "data"))
	return dir
}

// scanReport runs mlsec scan in its own process and returns its exit code
// and JSON report, with root (the scanned path as the report shows it)
// cut from every path so a local and a remote scan compare.
func scanReport(t *testing.T, root string, args ...string) (int, string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "report.json")
	code, msg := scanProcess(t, append([]string{"scan", "--no-progress", "-f", "json", "-o", out}, args...)...)
	b, err := os.ReadFile(out)
	if err != nil {
		return code, "", msg
	}
	return code, unordered(t, strings.ReplaceAll(comparable(t, b), root, "ROOT/")), msg
}

// unordered sorts each list of a comparable report by its elements' JSON:
// reports sort assets and paths by full path, and "/tmp/…/tree/x" and
// "s3://bucket/x" sort differently among paths outside the root (asset
// IDs such as dataset:file:data/x.csv).
func unordered(t *testing.T, doc string) string {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		t.Fatal(err)
	}
	for k, v := range d {
		list, ok := v.([]any)
		if !ok {
			continue
		}
		keys := make([]string, len(list))
		for i, e := range list {
			if m, ok := e.(map[string]any); ok && k == "attack_paths" {
				// A path's ID hashes its assets' IDs, which hold the
				// scanned root; the hops compared here are the path.
				delete(m, "id")
			}
			b, _ := json.Marshal(e)
			keys[i] = string(b)
		}
		sort.Strings(keys)
		d[k] = keys
	}
	out, _ := json.MarshalIndent(d, "", " ")
	return string(out)
}

// TestRemoteScanMatchesLocal: a mixed tree scanned from a real S3-compatible
// server (SeaweedFS) gives exactly the findings of a local scan of the
// same tree, fingerprints, assets, attack paths and summary included.
func TestRemoteScanMatchesLocal(t *testing.T) {
	s := s3test.Start(t)
	s.Env(t)
	s.Bucket(t, "mlmodels")
	tree := mixedTree(t)
	n := s.Upload(t, "mlmodels", "mirror/", tree)

	lcode, local, lmsg := scanReport(t, filepath.ToSlash(tree)+"/", "--no-gitignore", tree)
	rcode, remote, rmsg := scanReport(t, "s3://mlmodels/mirror/", "--endpoint", s.Endpoint, "s3://mlmodels/mirror/")
	// The fixtures include a decompression bomb and a truncated pickle,
	// which are inconclusive: both scans must exit 2.
	if lcode != ExitError || rcode != ExitError {
		t.Fatalf("exit codes: local %d, remote %d, want 2\n%s\n%s", lcode, rcode, lmsg, rmsg)
	}
	if local != remote {
		t.Errorf("the remote scan differs from the local one:\n%s", firstDiff(remote, local))
	}
	var d struct {
		Findings []json.RawMessage `json:"findings"`
		Summary  struct {
			Analyzed    int `json:"files_analyzed"`
			Failed      int `json:"files_failed"`
			NotAnalyzed int `json:"files_not_analyzed"`
			Skipped     int `json:"files_skipped"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(remote), &d); err != nil {
		t.Fatal(err)
	}
	// Every uploaded object is accounted for, and the comparison is not
	// between two empty reports.
	sum := d.Summary
	if sum.Analyzed+sum.Failed+sum.NotAnalyzed+sum.Skipped != n || sum.Analyzed < 90 || len(d.Findings) < 100 {
		t.Errorf("remote scan of %d objects: %+v, %d findings", n, sum, len(d.Findings))
	}
	if !strings.Contains(remote, `\"path\":\"ROOT/models/`) {
		t.Error("no finding names an object under ROOT/models/")
	}
}

// faultTree uploads a few objects, one of them a malicious model, for the
// fault tests, and returns the URI of their prefix.
func faultTree(t *testing.T, s *s3test.Server, bucket string) string {
	t.Helper()
	s.Bucket(t, bucket)
	for _, f := range []string{"torch_zip_exec.pt", "lambda.keras"} {
		b, err := os.ReadFile(filepath.Join("../analyzers/model/testdata/err", f))
		if err != nil {
			t.Fatal(err)
		}
		s.Put(t, bucket, "run/"+f, b, false)
	}
	s.Put(t, bucket, "run/train.py", []byte("import torch\nmodel = torch.load('model.pt')\n"), false)
	s.Put(t, bucket, "run/slow.pkl", []byte("\x80\x04K\x01."), false)
	s.Put(t, bucket, "run/gone.pkl", []byte("\x80\x04K\x02."), false)
	return "s3://" + bucket + "/run/"
}

// failedPaths is the failed files of a JSON report, path to reason.
func failedPaths(t *testing.T, report string) map[string]string {
	t.Helper()
	var d struct {
		Failed []string `json:"failed"` // each one's JSON, as unordered leaves it
	}
	if err := json.Unmarshal([]byte(report), &d); err != nil {
		t.Fatalf("%v\n%s", err, report)
	}
	m := map[string]string{}
	for _, s := range d.Failed {
		var f struct{ Path, Reason string }
		if err := json.Unmarshal([]byte(s), &f); err != nil {
			t.Fatal(err)
		}
		m[f.Path] = f.Reason
	}
	return m
}

// isRead says r reads an object (not a listing).
func isRead(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Query().Get("list-type") == ""
}

// TestRemoteScanFaults: each fault is reported against its object, the
// scan exits 2 and nothing hangs.
func TestRemoteScanFaults(t *testing.T) {
	s := s3test.Start(t)
	s.Env(t)

	t.Run("slow response", func(t *testing.T) {
		uri := faultTree(t, s, "slow-bucket")
		p := s.NewProxy(t)
		p.Before = func(r *http.Request) bool { return !strings.HasSuffix(r.URL.Path, "/slow.pkl") }
		code, rep, msg := scanReport(t, uri, "--endpoint", p.URL, "--request-timeout", "500ms", uri)
		if code != ExitError {
			t.Fatalf("exit %d, want 2\n%s", code, msg)
		}
		failed := failedPaths(t, rep)
		if r := failed["ROOT/slow.pkl"]; !strings.Contains(r, "no answer within 500ms") || !strings.Contains(r, "failed 4 times") || len(failed) != 1 {
			t.Errorf("failed files: %v", failed)
		}
		if !strings.Contains(rep, `\"rule\":\"model/pickle-dangerous-call\"`) {
			t.Errorf("the readable malicious model was not reported:\n%s", rep)
		}
	})

	t.Run("object deleted mid-scan", func(t *testing.T) {
		uri := faultTree(t, s, "gone-bucket")
		p := s.NewProxy(t)
		var once atomic.Bool
		p.Before = func(r *http.Request) bool {
			if isRead(r) && once.CompareAndSwap(false, true) {
				s.Delete(t, "gone-bucket", "run/gone.pkl")
			}
			return true
		}
		code, rep, msg := scanReport(t, uri, "--endpoint", p.URL, uri)
		if code != ExitError {
			t.Fatalf("exit %d, want 2\n%s", code, msg)
		}
		failed := failedPaths(t, rep)
		if r := failed["ROOT/gone.pkl"]; !strings.Contains(r, "no longer exists") || len(failed) != 1 {
			t.Errorf("failed files: %v", failed)
		}
	})

	t.Run("object replaced mid-scan", func(t *testing.T) {
		uri := faultTree(t, s, "swap-bucket")
		p := s.NewProxy(t)
		var once atomic.Bool
		p.Before = func(r *http.Request) bool {
			if isRead(r) && once.CompareAndSwap(false, true) {
				// Same size, other bytes: only the version tells.
				s.Put(t, "swap-bucket", "run/gone.pkl", []byte("\x80\x04K\x03."), false)
			}
			return true
		}
		code, rep, msg := scanReport(t, uri, "--endpoint", p.URL, uri)
		if code != ExitError {
			t.Fatalf("exit %d, want 2\n%s", code, msg)
		}
		failed := failedPaths(t, rep)
		if r := failed["ROOT/gone.pkl"]; !strings.Contains(r, "replaced since it was listed") || len(failed) != 1 {
			t.Errorf("failed files: %v", failed)
		}
	})

	t.Run("connection refused mid-scan", func(t *testing.T) {
		uri := faultTree(t, s, "refused-bucket")
		p := s.NewProxy(t)
		p.Before = func(r *http.Request) bool {
			if isRead(r) {
				p.Close()
				return false
			}
			return true
		}
		code, rep, msg := scanReport(t, uri, "--endpoint", p.URL, uri)
		if code != ExitError {
			t.Fatalf("exit %d, want 2\n%s", code, msg)
		}
		failed := failedPaths(t, rep)
		if len(failed) != 5 {
			t.Errorf("want all 5 objects failed, got %v", failed)
		}
		for path, r := range failed {
			if !strings.Contains(r, "connection refused") && !strings.Contains(r, "failed 4 times") {
				t.Errorf("%s: %s", path, r)
			}
		}
	})

	t.Run("connection refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		code, _, msg := scanReport(t, "", "--endpoint", "http://"+addr, "s3://nowhere/prefix/")
		if code != ExitError || !strings.Contains(msg, "cannot scan s3://nowhere/prefix/") || !strings.Contains(msg, "connection refused") {
			t.Errorf("exit %d: %s", code, msg)
		}
	})
}

// TestRemoteShardsMergeThroughTheBucket is the deploy/ flow: shards scan a
// bucket prefix and write their results to another bucket, merge reads
// them back by prefix and writes the report there; it is the single scan's.
func TestRemoteShardsMergeThroughTheBucket(t *testing.T) {
	s := s3test.Start(t)
	s.Env(t)
	s.Bucket(t, "mlmodels")
	s.Bucket(t, "results")
	s.Upload(t, "mlmodels", "mirror/", mixedTree(t))
	src := "s3://mlmodels/mirror/"
	ep := []string{"--endpoint", s.Endpoint}

	code, single, msg := scanReport(t, src, append(ep, src)...)
	if code != ExitError { // the fixtures hold inconclusive files
		t.Fatalf("single scan: exit %d\n%s", code, msg)
	}
	const n = 3
	for i := range n {
		args := append([]string{"scan", "--no-progress", "--fail-on", "none", "--shard", fmt.Sprintf("%d/%d", i, n), "-f", "json",
			"-o", fmt.Sprintf("s3://results/run-1/parts/part-%d.json", i)}, ep...)
		if code, out := scanProcess(t, append(args, src)...); code != ExitError && code != ExitClean {
			t.Fatalf("shard %d: exit %d\n%s", i, code, out)
		}
	}
	args := append([]string{"merge", "--root", src, "-f", "json", "-o", "s3://results/run-1/merged.json"}, ep...)
	if code, out := scanProcess(t, append(args, "s3://results/run-1/parts/")...); code != ExitError {
		t.Fatalf("merge: exit %d\n%s", code, out)
	}
	obj, err := s.Client().GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("results"), Key: aws.String("run-1/merged.json")})
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(obj.Body)
	obj.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := unordered(t, strings.ReplaceAll(comparable(t, b), src, "ROOT/")); got != single {
		t.Errorf("merged shards differ from the single scan:\n%s", firstDiff(got, single))
	}
}
