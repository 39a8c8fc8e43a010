package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/dataset/lock"
	"github.com/mlsec/mlsec/internal/objstore/s3test"
)

// TestDataLockVerifyRemote: mlsec data lock and verify on an s3://
// prefix, with their exit codes: 0 written and unchanged, 1 changed, 2
// for a location that cannot be listed and for arguments that mix a
// store and local paths.
func TestDataLockVerifyRemote(t *testing.T) {
	s := s3test.Start(t)
	s.Env(t)
	s.Bucket(t, "datasets")
	s.Put(t, "datasets", "v3/train.csv", []byte("id,label\n1,0\n2,1\n"), true)
	s.Put(t, "datasets", "v3/shards/0.bin", []byte("\x00\x01 summed"), true)
	s.Put(t, "datasets", "v3/shards/1.bin", []byte("\x00\x02 not summed"), false)
	dir := t.TempDir()
	lockFile := filepath.Join(dir, "data.lock.json")
	ep := "--endpoint=" + s.Endpoint

	code, _, stderr := run(t, "data", "lock", "--no-progress", ep, "-o", lockFile, "s3://datasets/v3/")
	if code != ExitClean || !strings.Contains(stderr, "mlsec: locked 3 files (1 by the store's SHA-256 checksums, not read)") {
		t.Fatalf("lock: exit %d: %s", code, stderr)
	}
	m, err := lock.Load(lockFile)
	if err != nil {
		t.Fatal(err)
	}
	var digests []string
	for _, e := range m.Files {
		digests = append(digests, e.Path+":"+e.Digest)
	}
	if !slices.Equal(digests, []string{"shards/0.bin:store", "shards/1.bin:", "train.csv:"}) || m.Remote() != "s3://datasets/v3/" {
		t.Errorf("manifest: roots %q, entries %q", m.Roots, digests)
	}

	// The location defaults to the one the lock file records.
	code, out, stderr := run(t, "data", "verify", ep, "--lock", lockFile, "-f", "json")
	if d := decode(t, out); code != ExitClean || len(d.Findings) != 0 {
		t.Errorf("unchanged: exit %d, findings %+v, %s", code, d.Findings, stderr)
	}

	s.Put(t, "datasets", "v3/shards/0.bin", []byte("\x00\x01 replaced"), true)
	code, out, stderr = run(t, "data", "verify", ep, "--lock", lockFile, "-f", "json")
	d := decode(t, out)
	if code != ExitFindings || len(d.Findings) != 1 || d.Findings[0].Location.Path != "s3://datasets/v3/shards/0.bin" ||
		d.Findings[0].Evidence != "modified shards/0.bin" {
		t.Errorf("changed: exit %d, findings %+v, %s", code, d.Findings, stderr)
	}

	// A copy elsewhere, named on the command line, is checked instead.
	s.Put(t, "datasets", "copy/train.csv", []byte("id,label\n1,0\n2,1\n"), false)
	s.Put(t, "datasets", "copy/shards/0.bin", []byte("\x00\x01 summed"), false)
	s.Put(t, "datasets", "copy/shards/1.bin", []byte("\x00\x02 not summed"), true)
	code, out, stderr = run(t, "data", "verify", ep, "--lock", lockFile, "-f", "json", "s3://datasets/copy")
	if d := decode(t, out); code != ExitClean || len(d.Findings) != 0 {
		t.Errorf("copy: exit %d, findings %+v, %s", code, d.Findings, stderr)
	}

	for _, args := range [][]string{
		{"data", "lock", "--no-progress", ep, "-o", filepath.Join(dir, "x.json"), "s3://nosuchbucket/v3/"},
		{"data", "lock", "--no-progress", ep, "-o", filepath.Join(dir, "x.json"), "s3://datasets/nothing/"},
		{"data", "lock", "--no-progress", ep, "-o", filepath.Join(dir, "x.json"), "s3://datasets/v3/", dir},
		{"data", "verify", ep, "--lock", lockFile, "s3://nosuchbucket/v3/"},
		{"data", "verify", ep, "--lock", lockFile, dir},
	} {
		code, _, stderr := run(t, args...)
		t.Logf("%v: %s", args[1:2], stderr)
		if code != ExitError || !strings.HasPrefix(stderr, "mlsec: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.json")); err == nil {
		t.Error("a failed lock wrote a lock file")
	}
}
