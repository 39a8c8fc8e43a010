package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsec/mlsec/internal/analyzers"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/graph"
	"github.com/mlsec/mlsec/internal/objstore"
	"github.com/mlsec/mlsec/internal/report"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

type mergeFlags struct {
	roots   []string
	remote  objstore.Options
	exclude []string
	format  string
	output  string
	failOn  string
}

func newMerge(g *globals) *cobra.Command {
	f := &mergeFlags{}
	cmd := &cobra.Command{
		Use:   "merge RESULT.json…",
		Short: "Join the JSON results of a scan's shards (scan --shard I/N) into one report",
		Long: `Merge reads the JSON results (-f json) of the shards of one scan and writes the
report a single scan would have written, in any format, with the same findings,
fingerprints, summary and exit code. Attack paths are computed over the joined
result. Project-level checks need the whole tree: give it with --root (the same
paths the shards scanned); without it they are left out and the report says so.

A RESULT can be an object (s3://results/run-1/part-0.json) or a bucket prefix,
which stands for every .json object under it; -o can name an object too.

Exit codes are scan's: 0, 1 for findings at or above --fail-on, 2 for a usage
error, an unreadable result, or an incomplete scan.`,
		Example: `  for i in 0 1 2; do mlsec scan --shard $i/3 -f json -o part-$i.json . & done; wait
  mlsec merge --root . -f sarif -o mlsec.sarif part-*.json
  mlsec merge --root s3://models/ -f sarif -o s3://results/run-1/mlsec.sarif s3://results/run-1/parts/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runMerge(cmd, g, f, args) },
	}
	fl := cmd.Flags()
	remoteFlags(fl, &f.remote)
	fl.StringArrayVar(&f.roots, "root", nil, "the scanned tree, for the project-level checks (repeatable; the shards' PATHs)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "the shards' --exclude patterns (repeatable)")
	fl.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&f.failOn, "fail-on", "high", "exit 1 when a finding is at or above this severity (or none)")
	return cmd
}

// shardDoc is the part of a JSON result (schema mlsec/v1) that merge reads.
type shardDoc struct {
	Schema  string   `json:"schema"`
	Paths   []string `json:"paths"`
	Summary struct {
		FilesAnalyzed int   `json:"files_analyzed"`
		Suppressed    int   `json:"suppressed"`
		Baselined     int   `json:"baselined"`
		DurationMS    int64 `json:"duration_ms"`
	} `json:"summary"`
	Findings    []finding.Finding `json:"findings"`
	Failed      []source.Skip     `json:"failed"`
	NotAnalyzed []source.Skip     `json:"not_analyzed"`
	Warnings    []source.Skip     `json:"warnings"`
	Skipped     []source.Skip     `json:"skipped"`
	Assets      []finding.Asset   `json:"assets"`
	Edges       []finding.Edge    `json:"edges"`
}

func runMerge(cmd *cobra.Command, g *globals, f *mergeFlags, args []string) error {
	if !contains(report.Formats(), f.format) {
		return usageErr("unknown format %q (want %s)", f.format, strings.Join(report.Formats(), ", "))
	}
	failOn, noFail, err := pick(cmd, "fail-on", f.failOn, "", "high")
	if err != nil {
		return err
	}
	g.remote = f.remote
	inputs, err := readParts(context.Background(), args, f.remote)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	var parts []*result.Result
	for _, in := range inputs {
		p, b := in.name, in.body
		var d shardDoc
		if err := json.Unmarshal(b, &d); err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("%s: not a JSON result of mlsec scan -f json: %v", p, err)}
		}
		if d.Schema != report.JSONSchema {
			return &exitError{code: ExitError, err: fmt.Errorf("%s: schema %q, want %q (merge reads mlsec scan -f json results)", p, d.Schema, report.JSONSchema)}
		}
		parts = append(parts, &result.Result{Paths: d.Paths, Findings: d.Findings, Failed: d.Failed, NotAnalyzed: d.NotAnalyzed,
			Warnings: d.Warnings, Skipped: d.Skipped, Assets: d.Assets, Edges: d.Edges, Analyzed: d.Summary.FilesAnalyzed,
			Suppressed: d.Summary.Suppressed, Baselined: d.Summary.Baselined, Duration: time.Duration(d.Summary.DurationMS) * time.Millisecond})
	}
	res, err := engine.Merge(context.Background(), engine.Options{Paths: f.roots, Analyzers: analyzers.All(), Excludes: f.exclude, Remote: f.remote}, parts)
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	graph.Analyze(res)
	cat, err := g.catalog()
	if err != nil {
		return err
	}
	rep := &report.Report{Result: res, Rules: rules.All(), Version: Version(), SemanticVersion: SemanticVersion(),
		FailOn: failOn, NoFail: noFail, TechniqueName: func(id string) string { return objectName(cat, id) }}
	if err := emit(g, rep, f.format, f.output, "never"); err != nil {
		return err
	}
	return exitFor(rep)
}

// parseShard reads --shard I/N.
func parseShard(s string) (engine.Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	a, err1 := strconv.Atoi(strings.TrimSpace(i))
	b, err2 := strconv.Atoi(strings.TrimSpace(n))
	sh := engine.Shard{Index: a, Count: b}
	if !ok || err1 != nil || err2 != nil || !sh.Valid() {
		return engine.Shard{}, usageErr("--shard: %q is not I/N with 0 <= I < N (for example 0/4)", s)
	}
	return sh, nil
}

// maxPart bounds one shard result read back: it is input, and may come
// from a bucket others can write to.
const maxPart = 1 << 30

type part struct {
	name string
	body []byte
}

// readParts reads the shard results: local files, objects, or every .json
// object under a bucket prefix (s3://results/run-1/), in key order.
func readParts(ctx context.Context, args []string, remote objstore.Options) ([]part, error) {
	var out []part
	for _, a := range args {
		if !objstore.IsURI(a) {
			f, err := os.Open(a)
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(io.LimitReader(f, maxPart+1))
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a, err)
			}
			if len(b) > maxPart {
				return nil, fmt.Errorf("%s: over %s, not a shard result", a, humanBytes(maxPart))
			}
			out = append(out, part{a, b})
			continue
		}
		loc, err := objstore.Parse(a)
		if err != nil {
			return nil, err
		}
		st, err := objstore.Open(ctx, loc, remote)
		if err != nil {
			return nil, err
		}
		var objs []objstore.Object
		if o, err := st.Stat(ctx, loc.Prefix); err == nil && loc.Prefix != "" && !strings.HasSuffix(loc.Prefix, "/") {
			objs = append(objs, o)
		} else {
			prefix := loc.Prefix
			if prefix != "" && !strings.HasSuffix(prefix, "/") {
				prefix += "/"
			}
			err := st.List(ctx, prefix, func(o objstore.Object) error {
				if strings.HasSuffix(o.Key, ".json") {
					objs = append(objs, o)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			if len(objs) == 0 {
				return nil, fmt.Errorf("%s: no .json shard results there", a)
			}
		}
		for _, o := range objs {
			if o.Size > maxPart {
				return nil, fmt.Errorf("%s: over %s, not a shard result", st.URI(o.Key), humanBytes(maxPart))
			}
			r := st.Open(o.Key, o.Size)
			b, err := io.ReadAll(r)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", st.URI(o.Key), err)
			}
			out = append(out, part{st.URI(o.Key), b})
		}
	}
	return out, nil
}
