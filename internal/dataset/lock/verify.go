package lock

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// ChangeKind says how a file differs from its lock.
type ChangeKind string

// Change kinds.
const (
	Modified ChangeKind = "modified"
	Added    ChangeKind = "added"
	Removed  ChangeKind = "removed"

	Tampered ChangeKind = "lock" // the lock file's entries do not match its root digest
)

// Change is one difference between the tree and its lock.
type Change struct {
	Kind ChangeKind
	Path string // entry path, relative to the lock file's directory (or the key below the locked prefix)
	// URI is the object's URI in a lock of an object store, "" otherwise.
	URI     string
	Message string
	// SchemaChanges lists column changes of a modified tabular file.
	SchemaChanges []string
}

// Verify re-hashes what m records, relative to base (the lock file's
// directory), and walks m.Roots again for added files.
// A lock of an object store is refused: Verify reads local files only,
// and a lock file found in a scanned project must not make the scan
// contact a bucket the lock file names (VerifyRemote does, when the user
// asks).
func Verify(ctx context.Context, base string, m *Manifest, opt Options) ([]Change, []Skip, error) {
	if r := m.Remote(); r != "" {
		return nil, nil, fmt.Errorf("the lock file records %s, an object store, which is verified only on request: run mlsec data verify", r)
	}
	changes := tampered(m)
	locked := map[string]*Entry{}
	for i := range m.Files {
		locked[m.Files[i].Path] = &m.Files[i]
	}
	// The current tree: every locked file plus whatever the roots hold now.
	seen := map[string]job{}
	var skips []Skip
	for _, r := range m.Roots {
		p := filepath.Join(base, filepath.FromSlash(r))
		if strings.HasSuffix(r, ".dvc") {
			continue // DVC outputs: the locked entries are the list
		}
		js, sk, err := walk(base, p)
		if err != nil {
			if isNotExist(err) {
				continue // every file under it is reported removed
			}
			return nil, nil, err
		}
		for _, j := range js {
			seen[j.rel] = j
		}
		skips = append(skips, sk...)
	}
	var jobs []job
	var entries []*Entry
	for i := range m.Files {
		e := &m.Files[i]
		p := filepath.Join(base, filepath.FromSlash(e.Path))
		if e.DVC != nil && e.DVC.Cache != "" {
			p = filepath.Join(base, filepath.FromSlash(e.DVC.Cache))
		}
		if _, err := lstatRegular(p); err != nil {
			msg := "removed since the lock was written"
			if !isNotExist(err) {
				msg = err.Error()
			}
			changes = append(changes, Change{Kind: Removed, Path: e.Path, Message: msg})
			continue
		}
		jobs = append(jobs, job{rel: e.Path, os: p})
		entries = append(entries, e)
	}
	var added []string
	for rel := range seen {
		if locked[rel] == nil && !isLockFile(rel) {
			added = append(added, rel)
		}
	}
	slices.Sort(added)
	for _, rel := range added {
		jobs = append(jobs, seen[rel])
	}
	got, err := hashAll(ctx, jobs, opt)
	if err != nil {
		return nil, nil, err
	}
	changes = compare(changes, entries, got, func(string) string { return "" })
	// Links met now: a locked file replaced by a link is already
	// "removed"; other links are listed as skipped.
	return changes, skips, nil
}

// tampered checks the manifest's entries against its root digest.
func tampered(m *Manifest) []Change {
	if got := RootDigest(m.Files); got != m.Root {
		return []Change{{Kind: Tampered, Message: fmt.Sprintf("the lock file's entries do not match its root digest (%s recorded, %s computed): the lock file was edited", m.Root, got)}}
	}
	return nil
}

// compare appends to changes the differences between the locked entries
// and what was hashed now: got[i] is entries[i] now, and the rest of got
// are files added since. The result is sorted by path; uri names an
// entry path's object, "" for local files.
func compare(changes []Change, entries []*Entry, got []Entry, uri func(string) string) []Change {
	for i, g := range got {
		if i >= len(entries) {
			changes = append(changes, Change{Kind: Added, Path: g.Path, URI: uri(g.Path), Message: "added since the lock was written (" + g.Summary() + ")"})
			continue
		}
		e := entries[i]
		if g.SHA256 == e.SHA256 && g.Size == e.Size {
			continue
		}
		c := Change{Kind: Modified, Path: e.Path, URI: uri(e.Path), Message: fmt.Sprintf("modified since the lock was written: %s, was %s; sha256 %s, was %s", g.Summary(), e.Summary(), g.SHA256[:12], e.SHA256[:12])}
		c.SchemaChanges = schemaDiff(e.Columns, g.Columns)
		changes = append(changes, c)
	}
	slices.SortStableFunc(changes, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return changes
}

func isLockFile(rel string) bool {
	b := filepath.Base(rel)
	return b == DefaultName || strings.HasSuffix(b, ".mlsec-lock")
}

// schemaDiff names columns removed, added or retyped.
func schemaDiff(old, cur []Column) []string {
	if old == nil || cur == nil {
		return nil
	}
	var out []string
	om := map[string]string{}
	for _, c := range old {
		om[c.Name] = c.Type
	}
	cm := map[string]string{}
	for _, c := range cur {
		cm[c.Name] = c.Type
		if t, ok := om[c.Name]; !ok {
			out = append(out, fmt.Sprintf("column %q added", c.Name))
		} else if t != c.Type && t != "empty" && c.Type != "empty" {
			out = append(out, fmt.Sprintf("column %q changed type from %s to %s", c.Name, t, c.Type))
		}
	}
	for _, c := range old {
		if _, ok := cm[c.Name]; !ok {
			out = append(out, fmt.Sprintf("column %q removed", c.Name))
		}
	}
	return out
}
