// Package lock records a dataset as a manifest of its files — SHA-256,
// size, and for tabular files the row count and schema — with a root
// digest over the manifest, and verifies a tree against such a manifest.
// DVC-tracked outputs are resolved through the DVC cache when the
// workspace copy is absent, and checked against the md5 the .dvc file
// records.
//
// Files are hashed in parallel and streamed (memory does not grow with
// file size); symbolic links are never followed, and are recorded as
// skipped.
//
// An object-store prefix (s3://, gs://, azblob://) is locked and verified
// by BuildRemote and VerifyRemote: where the store keeps a full-object
// SHA-256 of an object, it is recorded without reading the bytes (Entry
// Digest "store"); other objects, and tabular ones always, are read
// through ranged requests.
package lock

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/mlsec/mlsec/internal/objstore"
)

// Schema is the manifest format's version.
const Schema = "mlsec-lock/v1"

// DefaultName is the lock file `mlsec data lock` writes and `mlsec data
// verify` and `mlsec scan` look for.
const DefaultName = "mlsec.lock.json"

// MaxManifest bounds the size of a lock file read back: it is input too.
const MaxManifest = 256 << 20

// Manifest is a lock file.
type Manifest struct {
	Schema string `json:"schema"`
	// Root is "sha256:" and the digest of the sorted lines
	// "<sha256> <size> <path>\n" of every file: one value that pins the
	// whole dataset.
	Root string `json:"root"`
	// Roots are the paths that were locked, relative to the lock file's
	// directory: verify walks them again to find added files. A lock of
	// an object-store prefix has one root, its URI (s3://bucket/prefix),
	// and its entry paths are keys relative to that prefix.
	Roots   []string `json:"roots"`
	Files   []Entry  `json:"files"`
	Skipped []Skip   `json:"skipped,omitempty"`
}

// Entry is one file.
type Entry struct {
	Path    string   `json:"path"` // slash-separated, relative to the lock file's directory
	Size    int64    `json:"size"`
	SHA256  string   `json:"sha256"`
	Format  string   `json:"format,omitempty"` // csv, tsv, jsonl, parquet
	Rows    *int64   `json:"rows,omitempty"`
	Columns []Column `json:"columns,omitempty"`
	// Problem says why a tabular file has no rows or schema: it could not
	// be read as a table (ragged row, invalid UTF-8, truncated Parquet).
	// Its digest is recorded all the same.
	Problem string  `json:"problem,omitempty"`
	DVC     *DVCRef `json:"dvc,omitempty"`
	// Digest says where SHA256 came from. Absent: the bytes were read and
	// hashed (every local file, and every object the store keeps no
	// checksum for, or that is tabular and read for its rows anyway).
	// DigestStore: the object store's own full-object SHA-256 checksum
	// (an S3 additional checksum recorded at upload), taken without
	// reading the bytes — as trustworthy as the store's integrity.
	Digest string `json:"digest,omitempty"`
}

// DigestStore is Entry.Digest for a SHA-256 the object store reported
// for the object, its bytes unread.
const DigestStore = "store"

// Column is one column of a tabular file's schema.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"` // number, string or empty
}

// DVCRef says which .dvc file tracks an entry and where its bytes were read.
type DVCRef struct {
	File string `json:"file"` // the .dvc file, relative to the lock file's directory
	MD5  string `json:"md5"`  // as the .dvc file (or its directory listing) records it
	// Cache is the DVC cache object the bytes were read from when the
	// workspace copy was absent; "" when the workspace copy was read.
	Cache string `json:"cache,omitempty"`
}

// Skip is a path that was not locked, and why.
type Skip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// RootDigest computes the root digest of a manifest's files.
func RootDigest(files []Entry) string {
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b Entry) int { return cmpString(a.Path, b.Path) })
	h := sha256.New()
	for _, e := range sorted {
		fmt.Fprintf(h, "%s %d %s\n", e.SHA256, e.Size, e.Path)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Load reads a lock file, bounded by MaxManifest; unknown fields and a
// schema other than Schema are errors.
func Load(file string) (*Manifest, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxManifest+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(b) > MaxManifest {
		return nil, fmt.Errorf("%s: larger than %d MiB; not a lock file", file, MaxManifest>>20)
	}
	return Parse(file, b)
}

// Parse decodes a lock file's bytes; name is for messages.
func Parse(name string, b []byte) (*Manifest, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%s: empty lock file", name)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
			return nil, fmt.Errorf("%s:%d: not a valid lock file: %v", name, line, err)
		}
		return nil, fmt.Errorf("%s: not a valid lock file: %v", name, err)
	}
	if m.Schema != Schema {
		return nil, fmt.Errorf("%s: schema %q is not %q", name, m.Schema, Schema)
	}
	remote := m.Remote() != ""
	for _, r := range m.Roots {
		if objstore.IsURI(r) {
			// One URI and nothing else: entry paths are keys below it, and
			// a local root beside it would make them ambiguous.
			if len(m.Roots) != 1 {
				return nil, fmt.Errorf("%s: root %q: an object-store lock records exactly one root", name, r)
			}
			if _, err := objstore.Parse(r); err != nil {
				return nil, fmt.Errorf("%s: root: %v", name, err)
			}
			continue
		}
		if err := checkRel(r); err != nil {
			return nil, fmt.Errorf("%s: root %q: %v", name, r, err)
		}
	}
	seen := map[string]bool{}
	for _, e := range m.Files {
		if err := checkRel(e.Path); err != nil {
			return nil, fmt.Errorf("%s: entry %q: %v", name, e.Path, err)
		}
		if seen[e.Path] {
			return nil, fmt.Errorf("%s: entry %q is listed twice", name, e.Path)
		}
		seen[e.Path] = true
		if len(e.SHA256) != 64 {
			return nil, fmt.Errorf("%s: entry %q: sha256 is not 64 hex digits", name, e.Path)
		}
		switch {
		case e.Digest != "" && e.Digest != DigestStore:
			return nil, fmt.Errorf("%s: entry %q: digest %q is not %q or absent", name, e.Path, e.Digest, DigestStore)
		case e.Digest == DigestStore && !remote:
			return nil, fmt.Errorf("%s: entry %q: a store digest in a lock of local files", name, e.Path)
		case e.DVC != nil && remote:
			return nil, fmt.Errorf("%s: entry %q: a DVC reference in a lock of an object store", name, e.Path)
		}
		if e.DVC != nil && e.DVC.Cache != "" {
			if err := checkRel(e.DVC.Cache); err != nil {
				return nil, fmt.Errorf("%s: entry %q: cache path: %v", name, e.Path, err)
			}
		}
	}
	return &m, nil
}

// Remote returns the object-store URI the manifest locks, or "" for a
// lock of local files.
func (m *Manifest) Remote() string {
	if len(m.Roots) == 1 && objstore.IsURI(m.Roots[0]) {
		return m.Roots[0]
	}
	return ""
}

// checkRel refuses paths a hostile lock file could use to make verify
// read outside the project: absolute paths. Paths may climb ("../data")
// because a lock file may sit beside, not above, its dataset.
func checkRel(p string) error {
	if p == "" {
		return errors.New("empty path")
	}
	if path.IsAbs(p) || filepath.IsAbs(p) || filepath.VolumeName(p) != "" {
		return errors.New("absolute path")
	}
	if path.Clean(p) != p {
		return errors.New("path is not clean")
	}
	return nil
}

// Write writes the manifest as indented JSON, atomically: a reader never
// sees half a lock file.
func (m *Manifest) Write(file string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(file), ".mlsec-lock-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// Summary is one line about an entry for messages: size, rows, columns.
func (e *Entry) Summary() string {
	s := strconv.FormatInt(e.Size, 10) + " bytes"
	if e.Rows != nil {
		s += fmt.Sprintf(", %d rows, %d columns", *e.Rows, len(e.Columns))
	}
	return s
}
