// Package history reads what each commit of a git repository added, for
// scanning secrets that were committed and later removed: a key deleted
// from HEAD is still in every clone. It reads the repository with go-git
// (no git binary, no hooks, no configuration of the repository is run)
// and is bounded: a number of commits, a size per blob and per commit; a
// bound that is hit is returned, never passed over in silence.
package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrNotRepository is returned when the root is not the top of a git
// working tree.
var ErrNotRepository = errors.New("not a git repository")

// Limits bound one walk. Zero values take the defaults.
type Limits struct {
	MaxCommits    int   // commits read, newest first from HEAD (default 10,000)
	MaxBlobBytes  int64 // a file version larger than this is not read (default 4 MiB)
	MaxCommitSize int64 // added bytes read per commit; the rest is left out (default 32 MiB)
}

// Defaults are the bounds used when Limits leaves them zero.
var Defaults = Limits{MaxCommits: 10000, MaxBlobBytes: 4 << 20, MaxCommitSize: 32 << 20}

// Added is what one commit added to one file: the lines that are in the
// file after the commit and were not in it before (a line moved within the
// file is not added), joined by line feeds, with their line numbers.
type Added struct {
	Commit  string // full hash
	When    time.Time
	Subject string // first line of the message
	Path    string // slash-separated, in the repository
	Text    []byte
	Lines   []int // 1-based line in the file for each line of Text
}

// Report says how a walk ended.
type Report struct {
	Commits   int      // commits read
	Truncated bool     // MaxCommits was reached before the root commit
	Skipped   []string // "commit:path: why" for each file version or commit part left out
}

// Walk calls fn for every file a commit reachable from HEAD added lines
// to, newest commit first. Merge commits are compared with their first
// parent; the root commit with the empty tree. Binary files and
// submodules are not read.
func Walk(ctx context.Context, root string, lim Limits, fn func(Added)) (Report, error) {
	if lim.MaxCommits <= 0 {
		lim.MaxCommits = Defaults.MaxCommits
	}
	if lim.MaxBlobBytes <= 0 {
		lim.MaxBlobBytes = Defaults.MaxBlobBytes
	}
	if lim.MaxCommitSize <= 0 {
		lim.MaxCommitSize = Defaults.MaxCommitSize
	}
	var rep Report
	repo, err := git.PlainOpenWithOptions(root, &git.PlainOpenOptions{DetectDotGit: false})
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return rep, ErrNotRepository
		}
		return rep, fmt.Errorf("git repository %s: %w", root, err)
	}
	head, err := repo.Head()
	if err != nil {
		if errors.Is(err, plumbing.ErrReferenceNotFound) {
			return rep, nil // a repository with no commit yet
		}
		return rep, fmt.Errorf("git repository %s: HEAD: %w", root, err)
	}
	iter, err := repo.Log(&git.LogOptions{From: head.Hash()})
	if err != nil {
		return rep, fmt.Errorf("git repository %s: log: %w", root, err)
	}
	defer iter.Close()
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		c, err := iter.Next()
		if err == io.EOF {
			return rep, nil
		}
		if err != nil {
			return rep, fmt.Errorf("git repository %s: %w", root, err)
		}
		if rep.Commits == lim.MaxCommits {
			rep.Truncated = true
			return rep, nil
		}
		rep.Commits++
		if err := commit(ctx, repo, c, lim, &rep, fn); err != nil {
			return rep, fmt.Errorf("git repository %s: commit %s: %w", root, c.Hash.String()[:12], err)
		}
	}
}

// commit reports what one commit added.
func commit(ctx context.Context, repo *git.Repository, c *object.Commit, lim Limits, rep *Report, fn func(Added)) error {
	to, err := c.Tree()
	if err != nil {
		return err
	}
	var from *object.Tree
	if c.NumParents() > 0 {
		p, err := c.Parent(0)
		if err != nil {
			return err
		}
		if from, err = p.Tree(); err != nil {
			return err
		}
	}
	changes, err := object.DiffTreeWithOptions(ctx, from, to, &object.DiffTreeOptions{})
	if err != nil {
		return err
	}
	short := c.Hash.String()[:12]
	subject, _, _ := bytes.Cut([]byte(c.Message), []byte("\n"))
	var budget = lim.MaxCommitSize
	for _, ch := range changes {
		if ch.To.Name == "" || ch.To.TreeEntry.Mode == filemode.Submodule || ch.To.TreeEntry.Mode == filemode.Symlink {
			continue // a deletion, a submodule or a link: nothing added to read
		}
		name := ch.To.Name
		newer, ok, why := blob(repo, ch.To.TreeEntry.Hash, lim)
		if !ok {
			if why != "" {
				rep.Skipped = append(rep.Skipped, short+":"+name+": "+why)
			}
			continue
		}
		var older []byte
		if ch.From.Name != "" {
			older, _, _ = blob(repo, ch.From.TreeEntry.Hash, lim)
		}
		a := added(older, newer)
		if len(a.Text) == 0 {
			continue
		}
		if int64(len(a.Text)) > budget {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s:%s: over the %d MiB of added text read per commit", short, name, lim.MaxCommitSize>>20))
			continue
		}
		budget -= int64(len(a.Text))
		a.Commit, a.When, a.Subject, a.Path = c.Hash.String(), c.Author.When, string(subject), name
		fn(a)
	}
	return nil
}

// blob reads a file version within the size bound. ok is false for a
// binary file (NUL bytes in its first 8 KiB, as git decides) or one over
// the bound, with why set for the latter.
func blob(repo *git.Repository, h plumbing.Hash, lim Limits) (b []byte, ok bool, why string) {
	o, err := repo.BlobObject(h)
	if err != nil {
		return nil, false, "unreadable: " + err.Error()
	}
	if o.Size > lim.MaxBlobBytes {
		return nil, false, fmt.Sprintf("file of %d bytes over the %d MiB bound", o.Size, lim.MaxBlobBytes>>20)
	}
	r, err := o.Reader()
	if err != nil {
		return nil, false, "unreadable: " + err.Error()
	}
	defer r.Close()
	b, err = io.ReadAll(io.LimitReader(r, lim.MaxBlobBytes+1))
	if err != nil {
		return nil, false, "unreadable: " + err.Error()
	}
	if bytes.IndexByte(b[:min(len(b), 8000)], 0) >= 0 {
		return nil, false, ""
	}
	return b, true, ""
}

// added returns the lines of newer that are not lines of older, with
// their line numbers.
func added(older, newer []byte) Added {
	seen := map[string]int{}
	for l := range bytes.SplitSeq(older, []byte("\n")) {
		seen[string(l)]++
	}
	var a Added
	n := 0
	for l := range bytes.SplitSeq(newer, []byte("\n")) {
		n++
		if k := string(l); seen[k] > 0 {
			seen[k]--
			continue
		}
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		a.Text = append(a.Text, l...)
		a.Text = append(a.Text, '\n')
		a.Lines = append(a.Lines, n)
	}
	return a
}
