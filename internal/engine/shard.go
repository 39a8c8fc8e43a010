package engine

import (
	"context"
	"fmt"
	"hash/fnv"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Fan-out: a scan split over N processes (a Kubernetes Indexed Job, an
// Argo fan-out) gives each one shard of the files, chosen by a hash of the
// file's path so a shard's share barely moves when the tree changes a
// little. Every shard walks and indexes the whole tree, so analyzers that
// read a file's directory still see its siblings; each file is analyzed,
// and each walk-level skip or failure reported, by exactly one shard.
// Project-level analyzers need every file's results, so shards leave them
// to Merge.

// Shard selects one share of a scan's files: Index in [0, Count).
type Shard struct{ Index, Count int }

// Valid reports whether the shard names one share of Count.
func (s Shard) Valid() bool { return s.Count >= 1 && s.Index >= 0 && s.Index < s.Count }

// Sharded reports whether the scan is split at all.
func (s Shard) Sharded() bool { return s.Count > 1 }

// owns reports whether the shard handles the file or skip at report path p.
func (s Shard) owns(p string) bool {
	if !s.Sharded() {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(p))
	return int(h.Sum64()%uint64(s.Count)) == s.Index
}

func ownedSkips(s Shard, l []source.Skip) []source.Skip {
	if !s.Sharded() {
		return l
	}
	var out []source.Skip
	for _, sk := range l {
		if s.owns(sk.Path) {
			out = append(out, sk)
		}
	}
	return out
}

// Merge joins the results of the shards of one scan into the result a
// single scan would give: the shards' findings, assets, edges and file
// accounts together, findings restored to their rules, and, when
// opts.Paths names the scanned tree, the project-level analyzers run over
// it with every shard's results (without the tree they are left out, and
// the merged result says so in its warnings).
func Merge(ctx context.Context, opts Options, parts []*result.Result) (*result.Result, error) {
	res := &result.Result{}
	for _, p := range parts {
		if len(res.Paths) == 0 {
			res.Paths = p.Paths
		}
		res.Findings = append(res.Findings, p.Findings...)
		res.Assets = append(res.Assets, p.Assets...)
		res.Edges = append(res.Edges, p.Edges...)
		res.Skipped = append(res.Skipped, p.Skipped...)
		res.Failed = append(res.Failed, p.Failed...)
		res.NotAnalyzed = append(res.NotAnalyzed, p.NotAnalyzed...)
		res.Warnings = append(res.Warnings, p.Warnings...)
		res.Analyzed += p.Analyzed
		res.Suppressed += p.Suppressed
		res.Baselined += p.Baselined
		res.Duration = max(res.Duration, p.Duration)
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		if f.Rule = rules.Lookup(f.RuleID); f.Rule == nil {
			return nil, fmt.Errorf("merge: finding of unknown rule %s (a result from another mlsec version?)", f.RuleID)
		}
	}
	if len(opts.Paths) > 0 {
		if err := runProject(ctx, opts, res); err != nil {
			return nil, err
		}
	} else if hasProject(opts.Analyzers) {
		res.Warnings = append(res.Warnings, source.Skip{Path: ".",
			Reason: "project-level checks were not run: merge was not given the scanned tree (--root)"})
	}
	res.Findings = foldAcross(res.Findings)
	res.Finish()
	return res, nil
}

func hasProject(as []*analysis.Analyzer) bool {
	for _, a := range analysis.Expand(as) {
		if a.Project != nil {
			return true
		}
	}
	return false
}

// runProject walks and indexes opts.Paths (no per-file analysis) and runs
// the project-level analyzers over the index and res.
func runProject(ctx context.Context, opts Options, res *result.Result) error {
	if opts.MaxTextSize <= 0 {
		opts.MaxTextSize = DefaultMaxTextSize
	}
	if err := checkPaths(opts.Paths, "cannot read the scanned tree"); err != nil {
		return err
	}
	opts.Analyzers = analysis.Expand(opts.Analyzers)
	entries, err := walk(ctx, opts, func(source.Skip) {}, func(source.Skip) {})
	if err != nil {
		return err
	}
	s := &scanner{opts: opts, index: index.New(entries, opts.MaxTextSize, opts.open)}
	s.project(ctx, res)
	return nil
}
