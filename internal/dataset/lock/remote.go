package lock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/mlsec/mlsec/internal/dataset/table"
	"github.com/mlsec/mlsec/internal/objstore"
)

// Object-store locks. Every object under the prefix is either an entry
// or a skip with its reason; a listing or read that fails is an error
// naming the object, never a manifest with the object missing. Where the
// store keeps a full-object SHA-256 (an S3 additional checksum), it is
// recorded without reading the bytes (Entry.Digest "store"); tabular
// objects are read anyway for their rows and schema, and their bytes
// must then hash to the store's checksum.

// remoteJob is one object to lock or verify.
type remoteJob struct {
	key  string // the object's key, as listed
	rel  string // entry path: the key below the prefix
	size int64  // as listed
}

// openObject opens an object for reading. Tests replace it to see which
// objects are read.
var openObject = func(s *objstore.Store, key string, size int64) *objstore.Reader { return s.Open(key, size) }

// ChecksumError is an object whose bytes do not hash to the SHA-256 the
// store keeps for it: the store's checksum or the bytes are corrupt
// (or the object was replaced while it was read), and neither can be
// recorded as the dataset.
type ChecksumError struct {
	URI   string
	Store string // the store's checksum, hex
	Read  string // the SHA-256 of the bytes read, hex
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("%s: the bytes read hash to sha256 %s, but the store's checksum is %s: the object or its checksum is corrupt, or it was replaced while being read", e.URI, e.Read, e.Store)
}

// BuildRemote locks every object under the store's location (a prefix,
// or one object when the location names one). The manifest's root is the
// location's URI and its entry paths are the keys below the prefix.
func BuildRemote(ctx context.Context, s *objstore.Store, opt Options) (*Manifest, error) {
	jobs, skips, err := listRemote(ctx, s)
	if err != nil {
		return nil, err
	}
	if len(jobs) == 0 && len(skips) == 0 {
		// Most likely a mistyped prefix: an empty lock would verify
		// clean against anything put there later only as "added".
		return nil, fmt.Errorf("cannot lock %s: no objects found there", s.Location)
	}
	entries, err := pool(ctx, len(jobs), opt, func(ctx context.Context, i int, progress func(int)) (Entry, error) {
		return hashRemote(ctx, s, jobs[i], opt.Limits, progress)
	})
	if err != nil {
		return nil, err
	}
	m := &Manifest{Schema: Schema, Roots: []string{s.Location.String()}, Files: entries, Skipped: skips}
	m.Root = RootDigest(entries)
	return m, nil
}

// VerifyRemote compares the objects under the store's location with m,
// as Verify does a local tree: each locked object is hashed again (from
// the store's checksum when it keeps one, else by reading it) and the
// listing is walked for objects added since.
func VerifyRemote(ctx context.Context, s *objstore.Store, m *Manifest, opt Options) ([]Change, []Skip, error) {
	jobs, skips, err := listRemote(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	now := map[string]remoteJob{}
	for _, j := range jobs {
		now[j.rel] = j
	}
	changes, err := verifyObjects(ctx, s, m, now, func(e *Entry) (remoteJob, *Change, error) {
		return remoteJob{}, &Change{Kind: Removed, Path: e.Path, URI: objectURI(s, m, e.Path),
			Message: "removed since the lock was written (no such object in " + s.Location.String() + ")"}, nil
	}, opt)
	return changes, skips, err
}

// verifyObjects compares m with the objects listed now, by entry path:
// each locked entry is hashed again (the listed object, or what missing
// finds for it or says of it), and every listed object no entry records is
// reported added, in path order.
func verifyObjects(ctx context.Context, s *objstore.Store, m *Manifest, now map[string]remoteJob,
	missing func(e *Entry) (remoteJob, *Change, error), opt Options) ([]Change, error) {
	changes := tampered(m)
	var todo []remoteJob
	var entries []*Entry
	locked := map[string]bool{}
	for i := range m.Files {
		e := &m.Files[i]
		locked[e.Path] = true
		j, ok := now[e.Path]
		if !ok {
			var c *Change
			var err error
			if j, c, err = missing(e); err != nil {
				return nil, err
			}
			if c != nil {
				changes = append(changes, *c)
				continue
			}
		}
		todo = append(todo, j)
		entries = append(entries, e)
	}
	var added []remoteJob
	for _, j := range now {
		if !locked[j.rel] {
			added = append(added, j)
		}
	}
	slices.SortFunc(added, func(a, b remoteJob) int { return strings.Compare(a.rel, b.rel) })
	todo = append(todo, added...)
	got, err := pool(ctx, len(todo), opt, func(ctx context.Context, i int, progress func(int)) (Entry, error) {
		return hashRemote(ctx, s, todo[i], opt.Limits, progress)
	})
	if err != nil {
		return nil, err
	}
	uriOf := map[string]string{}
	for _, j := range todo {
		uriOf[j.rel] = s.URI(j.key)
	}
	return compare(changes, entries, got, func(rel string) string {
		if u, ok := uriOf[rel]; ok {
			return u
		}
		return objectURI(s, m, rel)
	}), nil
}

// objectURI is the URI of the object an entry path names, for an entry
// that no longer exists and so has no listed key: the prefix and the
// path, or the location itself when it named the one object locked.
func objectURI(s *objstore.Store, m *Manifest, rel string) string {
	p := s.Prefix
	if p != "" && !strings.HasSuffix(p, "/") {
		if len(m.Files) == 1 && path.Base(p) == rel {
			return s.URI(p)
		}
		p += "/"
	}
	return s.URI(p + rel)
}

// listRemote lists the objects under the store's location, as
// objstore.Walk does: a location that names an object (s3://b/data.csv)
// is that object alone; otherwise it is a prefix, read as a directory
// (s3://b/data is everything under data/, not data2/). Objects that
// cannot be entries are skipped with a reason, named by URI.
func listRemote(ctx context.Context, s *objstore.Store) ([]remoteJob, []Skip, error) {
	var jobs []remoteJob
	var skips []Skip
	seen := map[string]bool{}
	add := func(o objstore.Object, rel string) {
		uri := s.URI(o.Key)
		switch {
		case seen[o.Key]:
			return // a listing restarted after a failed page
		case strings.HasSuffix(o.Key, "/"):
			// Consoles create these to show an empty folder; a marker
			// with bytes in it is still not a file of the dataset tree.
			skips = append(skips, Skip{Path: uri, Reason: "folder marker object (a key ending in /)"})
		case isLockFile(rel):
			skips = append(skips, Skip{Path: uri, Reason: "an mlsec lock file, not locked (it would change with every relock)"})
		case checkRel(rel) != nil || hasControl(rel):
			// Keys are arbitrary bytes: "a/../b", "a//b" or one with a
			// newline would make an entry path Parse refuses, or one that
			// forges a line of the root digest's input.
			skips = append(skips, Skip{Path: uri, Reason: "the key cannot be recorded as a clean relative path without control characters"})
		default:
			jobs = append(jobs, remoteJob{key: o.Key, rel: rel, size: o.Size})
		}
		seen[o.Key] = true
	}
	prefix := s.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		o, err := s.Stat(ctx, prefix)
		switch {
		case err == nil:
			add(o, path.Base(o.Key))
			return jobs, skips, nil
		case !errors.Is(err, objstore.ErrNotFound):
			return nil, nil, naming(s.Location.String(), err)
		}
		prefix += "/"
	}
	err := s.List(ctx, prefix, func(o objstore.Object) error {
		add(o, strings.TrimPrefix(o.Key, prefix))
		return nil
	})
	if err != nil {
		return nil, nil, naming(s.URI(prefix), err)
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].rel < jobs[j].rel })
	sort.Slice(skips, func(i, j int) bool { return skips[i].Path < skips[j].Path })
	return jobs, skips, nil
}

// naming makes err name uri: objstore's errors name the object when a
// request was retried, but not when it failed for good (no such bucket,
// access denied, deleted).
func naming(uri string, err error) error {
	if strings.Contains(err.Error(), uri) {
		return err
	}
	return fmt.Errorf("%s: %w", uri, err)
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// hashRemote records one object: from the store's checksum when it keeps
// one and the object is not tabular, else by reading it (streamed through
// ranged requests: memory does not grow with the object's size).
func hashRemote(ctx context.Context, s *objstore.Store, j remoteJob, lim table.Limits, progress func(int)) (Entry, error) {
	uri := s.URI(j.key)
	e := Entry{Path: j.rel, Size: j.size}
	fm := table.FormatOf(j.rel)
	if fm != table.Unknown {
		e.Format = fmt.Sprint(fm)
	}
	stored, have, err := s.SHA256(ctx, j.key)
	if err != nil {
		return e, naming(uri, err)
	}
	if have && fm == table.Unknown {
		// The checksum came from a HEAD request after the listing: an
		// object replaced in between would pair the listed size with
		// another object's digest. Look again; a replacement of the same
		// size in the gap between these two requests is not detected.
		o, err := s.Stat(ctx, j.key)
		if err != nil {
			return e, naming(uri, err)
		}
		if o.Size != j.size {
			return e, fmt.Errorf("%s: replaced while being locked (listed with %d bytes, now %d)", uri, j.size, o.Size)
		}
		e.SHA256, e.Digest = stored, DigestStore
		return e, nil
	}
	r := openObject(s, j.key, j.size)
	defer r.Close()
	sum := sha256.New()
	cr := &countingReader{r: r, ctx: ctx, n: progress}
	buf := bufPool.Get().(*[]byte)
	switch fm {
	case table.CSV, table.TSV, table.JSONL:
		// One read: the table reader pulls the bytes through the hash.
		profileInto(&e, fm, io.TeeReader(cr, sum), 0, lim)
		_, err = io.CopyBuffer(sum, cr, *buf) // whatever the table reader left
	default:
		_, err = io.CopyBuffer(sum, cr, *buf)
		if err == nil && fm == table.Parquet {
			// Parquet is read from its footer: a second, ranged pass.
			profileInto(&e, fm, io.NewSectionReader(r, 0, j.size), j.size, lim)
		}
	}
	bufPool.Put(buf)
	cr.flush()
	if err == nil {
		// A failed request the table reader met is recorded by the
		// Reader; it is a read failure, not a problem of the table.
		err = r.Err()
	}
	if err != nil {
		return e, naming(uri, err)
	}
	e.SHA256 = hex.EncodeToString(sum.Sum(nil))
	if have && e.SHA256 != stored {
		return e, &ChecksumError{URI: uri, Store: stored, Read: e.SHA256}
	}
	return e, nil
}
