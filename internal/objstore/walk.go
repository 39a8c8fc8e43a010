package objstore

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"

	"github.com/mlsec/mlsec/internal/source"
)

// Walk lists the objects under loc and hands each on as a source.Entry
// read through s, or as a skip with its reason, as source.Walker does for
// a directory. loc may name one object or a prefix: s3://b/models is the
// object "models" if there is one, else everything under "models/". Report
// paths are the objects' URIs; Rel is the key below the prefix, so a
// bucket holding a copy of a tree gets the same fingerprints as the tree.
// Excludes are gitignore-style patterns on Rel; .gitignore files in a
// bucket are data, not instructions, and are not honoured.
func (s *Store) Walk(ctx context.Context, excludes []string, file func(source.Entry), skip func(source.Skip)) error {
	var patterns []gitignore.Pattern
	for _, p := range excludes {
		patterns = append(patterns, gitignore.ParsePattern(p, nil))
	}
	ex := gitignore.NewMatcher(patterns)
	prefix := s.Prefix
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		if o, err := s.Stat(ctx, prefix); err == nil {
			s.entry(o, path.Base(o.Key), file, skip)
			return nil
		} else if err != ErrNotFound {
			return err
		}
		prefix += "/"
	}
	n := 0
	err := s.List(ctx, prefix, func(o Object) error {
		n++
		rel := strings.TrimPrefix(o.Key, prefix)
		if parts := strings.Split(rel, "/"); ex.Match(parts, false) || excludedDir(ex, parts) {
			skip(source.Skip{Path: s.URI(o.Key), Reason: "excluded by configuration"})
			return nil
		}
		s.entry(o, rel, file, skip)
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		// Most likely a mistyped prefix: scanning nothing is not a clean scan.
		return fmt.Errorf("cannot scan %s: no objects found there", s.Location)
	}
	return nil
}

// excludedDir says a parent "directory" of the key is excluded: objects
// have no directories, so a pattern such as "cache/" matches their prefixes.
func excludedDir(ex gitignore.Matcher, parts []string) bool {
	for i := 1; i < len(parts); i++ {
		if ex.Match(parts[:i], true) {
			return true
		}
	}
	return false
}

func (s *Store) entry(o Object, rel string, file func(source.Entry), skip func(source.Skip)) {
	uri := s.URI(o.Key)
	switch {
	case strings.HasSuffix(o.Key, "/"):
		// Consoles create these to show an empty folder.
		skip(source.Skip{Path: uri, Reason: "folder marker object (a key ending in /)"})
		return
	case o.Size == 0:
		skip(source.Skip{Path: uri, Reason: "empty file"})
		return
	}
	// The key classifies the object as a path would: a workflow under
	// .github/workflows is one in a bucket too.
	if o.Version != "" && s.versions != nil {
		s.versions.Store(o.Key, o.Version)
	}
	k, needs := source.ClassifyName("/" + o.Key)
	file(source.Entry{Path: uri, Rel: rel, OS: o.Key, Size: o.Size, Kind: k, NeedsContent: needs, From: opener{s}})
}

// opener reads a store's objects for the index.
type opener struct{ s *Store }

func (o opener) Open(key string, size int64) (source.Handle, error) { return o.s.Open(key, size), nil }

// StoreOf returns the store an entry found by Walk is read from: an
// analyzer that must read an object's neighbours beyond the scan's index
// (the dataset a lock file in the bucket records) reads them where the
// scan does, with the same credentials, limits and retries.
func StoreOf(o source.Opener) (*Store, bool) {
	op, ok := o.(opener)
	return op.s, ok
}

// At returns the store located at another prefix of the same bucket.
func (s *Store) At(prefix string) *Store {
	c := *s
	c.Prefix = prefix
	return &c
}
