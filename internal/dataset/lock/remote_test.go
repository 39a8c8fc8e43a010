package lock

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mlsec/mlsec/internal/objstore"
	"github.com/mlsec/mlsec/internal/objstore/s3test"
)

const bucket = "lockdata"

// remoteStore starts a server, fills the bucket and opens loc on it.
func remoteStore(t *testing.T, prefix string) (*s3test.Server, *objstore.Store) {
	t.Helper()
	s := s3test.Start(t)
	s.Env(t)
	s.Bucket(t, bucket)
	st, err := objstore.Open(context.Background(), objstore.Location{Scheme: "s3", Bucket: bucket, Prefix: prefix}, objstore.Options{Endpoint: s.Endpoint, Attempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

// watchReads records the keys of the objects opened for reading until
// the test ends; before, when set, runs first (to change the object).
func watchReads(t *testing.T, before func(key string)) func() []string {
	var mu sync.Mutex
	var keys []string
	orig := openObject
	openObject = func(s *objstore.Store, key string, size int64) *objstore.Reader {
		mu.Lock()
		keys = append(keys, key)
		mu.Unlock()
		if before != nil {
			before(key)
		}
		return orig(s, key, size)
	}
	t.Cleanup(func() { openObject = orig })
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := slices.Clone(keys)
		slices.Sort(out)
		keys = nil
		return out
	}
}

func remoteChanges(t *testing.T, st *objstore.Store, m *Manifest) []string {
	t.Helper()
	cs, _, err := VerifyRemote(context.Background(), st, m, Options{Jobs: 3})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, strings.TrimSpace(fmt.Sprintf("%s %s %s %s", c.Kind, c.Path, c.URI, strings.Join(c.SchemaChanges, "; "))))
	}
	return out
}

const trainCSV = "id,age,label\n1,30,0\n2,41,1\n"

// TestRemoteLockAndVerify: objects the store keeps a SHA-256 for are
// recorded from it, unread; the others and every table are read; verify
// finds exactly what changed.
func TestRemoteLockAndVerify(t *testing.T) {
	s, st := remoteStore(t, "ds")
	s.Put(t, bucket, "ds/a.bin", []byte("\x00\x01 summed by the store"), true)
	s.Put(t, bucket, "ds/b.bin", []byte("no checksum kept"), false)
	s.Put(t, bucket, "ds/sub/c.bin", []byte("also summed"), true)
	s.Put(t, bucket, "ds/train.csv", []byte(trainCSV), true)
	s.Put(t, bucket, "ds/plain.jsonl", []byte("{\"a\":1}\n{\"a\":2}\n"), false)
	s.Put(t, bucket, "ds/empty.txt", nil, false)
	s.Put(t, bucket, "ds/folder/", nil, false)
	s.Put(t, bucket, "ds/mlsec.lock.json", []byte("{}"), false)
	s.Put(t, bucket, "ds2/sibling.bin", []byte("not under ds/"), true)
	s.Put(t, bucket, "other.bin", []byte("outside"), false)
	reads := watchReads(t, nil)

	m, err := BuildRemote(context.Background(), st, Options{Jobs: 3})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range m.Files {
		got = append(got, e.Path+" "+e.Digest)
	}
	want := []string{"a.bin store", "b.bin ", "empty.txt ", "plain.jsonl ", "sub/c.bin store", "train.csv "}
	if !slices.Equal(got, want) {
		t.Errorf("entries %q, want %q", got, want)
	}
	if r := reads(); !slices.Equal(r, []string{"ds/b.bin", "ds/empty.txt", "ds/plain.jsonl", "ds/train.csv"}) {
		t.Errorf("objects read %q: the ones with a store checksum must not be, tables must", r)
	}
	bodies := map[string]string{"a.bin": "\x00\x01 summed by the store", "b.bin": "no checksum kept", "sub/c.bin": "also summed",
		"train.csv": trainCSV, "plain.jsonl": "{\"a\":1}\n{\"a\":2}\n", "empty.txt": ""}
	for _, e := range m.Files {
		if e.SHA256 != sha256hex(bodies[e.Path]) || e.Size != int64(len(bodies[e.Path])) {
			t.Errorf("%s: sha256 %s size %d", e.Path, e.SHA256, e.Size)
		}
	}
	tr := m.Files[5]
	if tr.Rows == nil || *tr.Rows != 2 || tr.Format != "csv" || fmt.Sprint(tr.Columns) != "[{id number} {age number} {label number}]" {
		t.Errorf("train.csv entry %+v", tr)
	}
	if jl := m.Files[3]; jl.Rows == nil || *jl.Rows != 2 {
		t.Errorf("plain.jsonl entry %+v", jl)
	}
	if !slices.Equal(m.Roots, []string{"s3://lockdata/ds"}) {
		t.Errorf("roots %q", m.Roots)
	}
	var skipped []string
	for _, sk := range m.Skipped {
		skipped = append(skipped, sk.Path)
	}
	if !slices.Equal(skipped, []string{"s3://lockdata/ds/folder/", "s3://lockdata/ds/mlsec.lock.json"}) {
		t.Errorf("skipped %v", m.Skipped)
	}

	// The manifest reads back.
	file := filepath.Join(t.TempDir(), "data.lock.json")
	if err := m.Write(file); err != nil {
		t.Fatal(err)
	}
	m, err = Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if c := remoteChanges(t, st, m); len(c) != 0 {
		t.Errorf("unchanged bucket: %q", c)
	}
	if r := reads(); !slices.Equal(r, []string{"ds/b.bin", "ds/empty.txt", "ds/plain.jsonl", "ds/train.csv"}) {
		t.Errorf("verify read %q", r)
	}

	s.Put(t, bucket, "ds/a.bin", []byte("\x00\x01 replaced, and summed"), true)
	s.Put(t, bucket, "ds/new.bin", []byte("added"), false)
	s.Delete(t, bucket, "ds/b.bin")
	s.Put(t, bucket, "ds/train.csv", []byte("id,age,label,note\n1,30,0,x\n2,41,1,y\n"), false)
	got = remoteChanges(t, st, m)
	want = []string{
		"modified a.bin s3://lockdata/ds/a.bin",
		"removed b.bin s3://lockdata/ds/b.bin",
		"added new.bin s3://lockdata/ds/new.bin",
		`modified train.csv s3://lockdata/ds/train.csv column "note" added`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes\n%q\nwant\n%q", got, want)
	}
	if r := reads(); !slices.Equal(r, []string{"ds/empty.txt", "ds/new.bin", "ds/plain.jsonl", "ds/train.csv"}) {
		t.Errorf("verify read %q", r)
	}
}

// TestRemoteObjectVanishes: an object deleted between the listing and
// its read fails the lock, naming it; no manifest comes back.
func TestRemoteObjectVanishes(t *testing.T) {
	s, st := remoteStore(t, "ds/")
	s.Put(t, bucket, "ds/keep.bin", []byte("kept"), false)
	s.Put(t, bucket, "ds/gone.bin", []byte("deleted after the listing"), false)
	watchReads(t, func(key string) {
		if key == "ds/gone.bin" {
			s.Delete(t, bucket, key)
		}
	})
	m, err := BuildRemote(context.Background(), st, Options{Jobs: 1})
	if err == nil || m != nil || !strings.Contains(err.Error(), "s3://lockdata/ds/gone.bin") || !errors.Is(err, objstore.ErrNotFound) {
		t.Fatalf("manifest %v, error %v", m, err)
	}
}

// TestRemoteChecksumDisagrees: a table whose bytes no longer hash to the
// checksum the store reported (replaced in between, or corrupt) fails
// the lock with a ChecksumError.
func TestRemoteChecksumDisagrees(t *testing.T) {
	s, st := remoteStore(t, "ds")
	s.Put(t, bucket, "ds/train.csv", []byte(trainCSV), true)
	watchReads(t, func(key string) {
		s.Put(t, bucket, key, []byte("id,age,label\n1,30,1\n2,41,0\n"), false) // same size, other bytes
	})
	_, err := BuildRemote(context.Background(), st, Options{})
	var ce *ChecksumError
	if !errors.As(err, &ce) || ce.URI != "s3://lockdata/ds/train.csv" || ce.Store != sha256hex(trainCSV) {
		t.Fatalf("error %v", err)
	}
}

// TestRemoteLocations: a location naming one object locks it alone; an
// empty prefix is an error, not an empty lock.
func TestRemoteLocations(t *testing.T) {
	s, st := remoteStore(t, "ds/train.csv")
	s.Put(t, bucket, "ds/train.csv", []byte(trainCSV), true)
	s.Put(t, bucket, "ds/train.csv.bak", []byte(trainCSV), true)
	m, err := BuildRemote(context.Background(), st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 1 || m.Files[0].Path != "train.csv" || m.Roots[0] != "s3://lockdata/ds/train.csv" {
		t.Errorf("%+v", m)
	}
	s.Delete(t, bucket, "ds/train.csv")
	if c := remoteChanges(t, st, m); !slices.Equal(c, []string{"removed train.csv s3://lockdata/ds/train.csv"}) {
		t.Errorf("changes %q", c)
	}
	empty, err := objstore.Open(context.Background(), objstore.Location{Scheme: "s3", Bucket: bucket, Prefix: "nothing/"}, objstore.Options{Endpoint: s.Endpoint})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := BuildRemote(context.Background(), empty, Options{}); err == nil || !strings.Contains(err.Error(), "no objects found") {
		t.Errorf("empty prefix: %v", err)
	}
}

func TestParseRemoteManifests(t *testing.T) {
	entry := `{"path":"a.bin","size":1,"sha256":"` + sha256hex("a") + `"%s}`
	doc := func(roots, extra string) []byte {
		files := fmt.Sprintf(entry, extra)
		return fmt.Appendf(nil, `{"schema":%q,"root":"","roots":%s,"files":[%s]}`, Schema, roots, files)
	}
	for _, c := range []struct {
		roots, extra, err string
	}{
		{`["s3://b/p"]`, `,"digest":"store"`, ""},
		{`["s3://b/p"]`, ``, ""},
		{`["data"]`, ``, ""},
		{`["data"]`, `,"digest":"store"`, "a store digest in a lock of local files"},
		{`["s3://b/p"]`, `,"digest":"md5"`, `digest "md5" is not "store"`},
		{`["s3://b/p","data"]`, ``, "exactly one root"},
		{`["s3://b/p?x=1"]`, ``, "query strings"},
		{`["s3://b/p"]`, `,"dvc":{"file":"a.dvc","md5":"x"}`, "a DVC reference in a lock of an object store"},
	} {
		_, err := Parse("l.json", doc(c.roots, c.extra))
		if (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("roots %s %s: error %v, want %q", c.roots, c.extra, err, c.err)
		}
	}
	// A scan that meets a lock of a store must not contact it.
	m, err := Parse("l.json", doc(`["s3://b/p"]`, ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Verify(context.Background(), t.TempDir(), m, Options{}); err == nil || !strings.Contains(err.Error(), "s3://b/p") {
		t.Errorf("local verify of a remote lock: %v", err)
	}
}
