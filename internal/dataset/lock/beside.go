package lock

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/mlsec/mlsec/internal/objstore"
)

// VerifyBeside verifies a lock file that a scan found in a bucket: a
// manifest `mlsec data lock` wrote for a local tree, copied to the bucket
// with its dataset. As Verify does on disk, entry paths are relative to
// the lock file's own folder, dir (a key prefix, "" at the bucket's top),
// and only the manifest's roots are listed for added objects. The objects
// are read from s's bucket, never from wherever the lock file's roots
// might point outside it.
func VerifyBeside(ctx context.Context, s *objstore.Store, dir string, m *Manifest, opt Options) ([]Change, []Skip, error) {
	if r := m.Remote(); r != "" {
		return nil, nil, fmt.Errorf("the lock file records %s, an object store, which is verified only on request: run mlsec data verify", r)
	}
	base := ""
	if dir != "" && dir != "." {
		base = strings.TrimSuffix(dir, "/") + "/"
	}
	now := map[string]remoteJob{}
	var skips []Skip
	for _, r := range m.Roots {
		if strings.HasSuffix(r, ".dvc") {
			continue // DVC outputs: the locked entries are the list
		}
		at := base + r
		if r == "." {
			at = base
		}
		js, sk, err := listRemote(ctx, s.At(at))
		if err != nil {
			return nil, nil, err
		}
		skips = append(skips, sk...)
		for _, j := range js {
			switch {
			case j.key == at: // the root names one object
				j.rel = r
			case r != ".":
				j.rel = path.Join(r, j.rel)
			}
			now[j.rel] = j
		}
	}
	changes, err := verifyObjects(ctx, s, m, now, func(e *Entry) (remoteJob, *Change, error) {
		// Outside the roots (a DVC output, or a root since renamed): look
		// the object up by name.
		key := base + e.Path
		if e.DVC != nil && e.DVC.Cache != "" {
			key = base + e.DVC.Cache
		}
		o, err := s.Stat(ctx, key)
		switch {
		case errors.Is(err, objstore.ErrNotFound):
			return remoteJob{}, &Change{Kind: Removed, Path: e.Path, URI: s.URI(key), Message: "removed since the lock was written"}, nil
		case err != nil:
			return remoteJob{}, nil, naming(s.URI(key), err)
		}
		return remoteJob{key: o.Key, rel: e.Path, size: o.Size}, nil, nil
	}, opt)
	if err != nil {
		return nil, nil, err
	}
	return changes, skips, nil
}
