package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsec/mlsec/internal/dataset/diff"
	"github.com/mlsec/mlsec/internal/dataset/lock"
	"github.com/mlsec/mlsec/internal/dataset/poison"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/objstore"
	"github.com/mlsec/mlsec/internal/report"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

func newData(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Lock, verify and compare training datasets",
		Long: `Training-data integrity (MITRE ATLAS AML.T0020 Poison Training Data; mitigations
AML.M0025 dataset provenance and AML.M0007 training-data sanitization):

  data lock    record every file of a dataset (SHA-256, size, rows and schema of
               tabular files) in a lock file with a root digest
  data verify  check a tree against its lock file: exit 1 on any change
  data diff    compare two versions of a table: schema, drift and poisoning signals`,
	}
	cmd.AddCommand(newDataLock(g), newDataVerify(g), newDataDiff(g))
	return cmd
}

type reportFlags struct {
	format, output, color string
	compact               bool
}

func (f *reportFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&f.color, "color", "auto", "colour in text output: auto, always or never")
	fl.BoolVar(&f.compact, "compact", false, "text output: one line per finding")
}

func (f *reportFlags) check() error {
	if !contains(report.Formats(), f.format) {
		return usageErr("unknown format %q (want %s)", f.format, strings.Join(report.Formats(), ", "))
	}
	if f.color != "auto" && f.color != "always" && f.color != "never" {
		return usageErr("--color: %q is not auto, always or never", f.color)
	}
	return nil
}

// write renders res as scan renders its result, and returns the exit
// code: failOn decides it like scan's --fail-on.
func (f *reportFlags) write(g *globals, res *result.Result, failOn rule.Severity, noFail bool) error {
	cat, err := g.catalog()
	if err != nil {
		return err
	}
	fingerprints(res)
	res.Finish()
	rep := &report.Report{Result: res, Rules: rules.All(), Version: Version(), SemanticVersion: SemanticVersion(),
		FailOn: failOn, NoFail: noFail, Compact: f.compact,
		TechniqueName: func(id string) string { return objectName(cat, id) }}
	if err := emit(g, rep, f.format, f.output, f.color); err != nil {
		return err
	}
	return exitFor(rep)
}

// fingerprints gives data findings the fingerprint scan gives its own:
// rule, path and evidence, and a counter for identical ones.
func fingerprints(res *result.Result) {
	seen := map[string]int{}
	for i := range res.Findings {
		f := &res.Findings[i]
		ev := f.Evidence
		if ev == "" {
			ev = f.Message
		}
		key := f.RuleID + "\x00" + f.Location.Path + "\x00" + strings.Join(strings.Fields(ev), " ")
		n := seen[key]
		seen[key] = n + 1
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", key, n))
		f.Fingerprint = hex.EncodeToString(sum[:16])
	}
}

func dataFinding(r *rule.Rule, loc finding.Location, msg, evidence string) finding.Finding {
	return finding.Finding{Rule: r, RuleID: r.ID, Severity: r.Severity, Confidence: r.Confidence, Phase: r.Phase,
		Techniques: r.Techniques, Mitigations: r.Mitigations, Location: loc, Message: msg, Evidence: evidence}
}

// byteProgress shows "locking: N/M files, X MiB" on a terminal.
func byteProgress(w io.Writer, verb string) (func(done, found, bytes int64), func()) {
	var mu sync.Mutex
	last := time.Now().Add(400 * time.Millisecond)
	shown := false
	update := func(done, found, bytes int64) {
		mu.Lock()
		defer mu.Unlock()
		if now := time.Now(); now.Sub(last) >= 100*time.Millisecond {
			last = now
			shown = true
			fmt.Fprintf(w, "\r\x1b[K%s: %d/%d files, %d MiB", verb, done, found, bytes>>20)
		}
	}
	stop := func() {
		mu.Lock()
		defer mu.Unlock()
		if shown {
			fmt.Fprint(w, "\r\x1b[K")
		}
	}
	return update, stop
}

func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func newDataLock(g *globals) *cobra.Command {
	var out string
	var jobs int
	var noProgress bool
	var ro objstore.Options
	cmd := &cobra.Command{
		Use:   "lock PATH…",
		Short: "Record a dataset's files (SHA-256, size, rows and schema) in a lock file",
		Long: `Lock hashes every file under each PATH (a directory, a file, or a .dvc file whose
outputs are read from the workspace or, when absent, the DVC cache and checked
against the md5 the .dvc file records) and writes a manifest with a root digest.
Paths in the lock file are relative to its directory. Symbolic links are never
followed; they are listed as skipped.

PATH can instead be one object-store location: s3://bucket/prefix (AWS, or any
S3-compatible store with --endpoint), gs://… or azblob://…. Every object under
the prefix is recorded, by its key below the prefix, or listed as skipped with
the reason (folder markers, keys that are not clean relative paths). Where the
store keeps a full-object SHA-256 checksum of an object (S3 additional
checksums), it is recorded without reading the bytes, marked "digest": "store";
other objects are read, streamed in ranges. Tabular objects (CSV, TSV, JSON
Lines, Parquet) are always read for their rows and schema, and must then match
the store's checksum when it keeps one. An object that cannot be listed or read
fails the lock.

Exit codes: 0 written; 1 DVC-tracked files do not match their .dvc digests, or
an object's bytes do not match the store's checksum (nothing written); 2 bad
input, or an object that could not be listed or read.`,
		Example: `  mlsec data lock data/ -o mlsec.lock.json
  mlsec data lock data/train.csv.dvc data/test.csv.dvc
  mlsec data lock --endpoint http://127.0.0.1:8333 -o data.lock.json s3://datasets/v3/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if jobs < 0 {
				return usageErr("-j/--jobs: %d is not a number of workers (0 means one per CPU)", jobs)
			}
			var store *objstore.Store
			for _, a := range args {
				if objstore.IsURI(a) {
					if len(args) != 1 {
						return usageErr("%s: an object-store location is locked on its own, in a lock file of its own", a)
					}
					loc, err := objstore.Parse(a)
					if err != nil {
						return usageErr("%v", err)
					}
					if store, err = objstore.Open(context.Background(), loc, ro); err != nil {
						return &exitError{code: ExitError, err: err}
					}
					continue
				}
				if _, err := os.Lstat(a); err != nil {
					return &exitError{code: ExitError, err: err}
				}
			}
			ctx, cancel := interruptible()
			defer cancel()
			opt := lock.Options{Jobs: jobs}
			stop := func() {}
			if !noProgress && isTerminal(g.stderr) {
				opt.Progress, stop = byteProgress(g.stderr, "locking")
			}
			start := time.Now()
			var m *lock.Manifest
			var err error
			if store != nil {
				m, err = lock.BuildRemote(ctx, store, opt)
			} else {
				m, err = lock.Build(ctx, filepath.Dir(out), args, opt)
			}
			stop()
			if ctx.Err() != nil {
				return &exitError{code: ExitInterrupted, err: errors.New("interrupted; no lock file written")}
			}
			var mm *lock.MismatchError
			var ce *lock.ChecksumError
			if errors.As(err, &mm) || errors.As(err, &ce) {
				return &exitError{code: ExitFindings, err: fmt.Errorf("%v\nno lock file written", err)}
			}
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			if err := m.Write(out); err != nil {
				return &exitError{code: ExitError, err: fmt.Errorf("cannot write the lock file: %w", err)}
			}
			var total, fromStore int64
			for _, e := range m.Files {
				if e.Digest == lock.DigestStore {
					fromStore++
				} else {
					total += e.Size
				}
				if e.Problem != "" {
					fmt.Fprintf(g.stderr, "mlsec: warning: %s: not read as a table: %s\n", report.Escape(e.Path), report.Escape(e.Problem))
				}
			}
			for _, s := range m.Skipped {
				fmt.Fprintf(g.stderr, "mlsec: skipped: %s: %s\n", report.Escape(s.Path), report.Escape(s.Reason))
			}
			d := time.Since(start)
			files := fmt.Sprintf("%d files", len(m.Files))
			if fromStore > 0 {
				files += fmt.Sprintf(" (%d by the store's SHA-256 checksums, not read)", fromStore)
			}
			fmt.Fprintf(g.stderr, "mlsec: locked %s, %s in %.2fs (%.0f MB/s); root %s; wrote %s\n",
				files, humanBytes(total), d.Seconds(), float64(total)/1e6/max(d.Seconds(), 1e-9), m.Root, out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", lock.DefaultName, "the lock file to write")
	cmd.Flags().IntVarP(&jobs, "jobs", "j", 0, "files hashed in parallel (0: one per CPU)")
	cmd.Flags().BoolVar(&noProgress, "no-progress", false, "do not show progress on standard error")
	remoteFlags(cmd.Flags(), &ro)
	return cmd
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 2, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

func newDataVerify(g *globals) *cobra.Command {
	var lockFile string
	var jobs int
	var noProgress bool
	var ro objstore.Options
	rf := &reportFlags{}
	cmd := &cobra.Command{
		Use:   "verify [--lock FILE] [URI]",
		Short: "Check a dataset against its lock file; exit 1 on any change",
		Long: `Verify hashes again every file the lock file records, and walks the locked
directories for files added since. Each file modified, added or removed, and each
column added, removed or retyped in a tabular file, is a finding (rules
data/dataset-changed and data/schema-changed), in any report format of scan.

A lock of an object-store location is verified against the location it records,
or against URI when given (a copy of the dataset elsewhere): objects are listed
again, each is hashed from the store's SHA-256 checksum when the store keeps one,
else read, and tabular objects are read for their schema. Findings are located
at the objects' URIs.

Exit codes: 0 unchanged; 1 any change; 2 bad input (no lock file, not a lock
file), or an object that could not be listed or read.`,
		Example: `  mlsec data verify
  mlsec data verify --lock datasets/mlsec.lock.json -f sarif -o data.sarif
  mlsec data verify --endpoint http://127.0.0.1:8333 --lock data.lock.json s3://datasets/v3/`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rf.check(); err != nil {
				return err
			}
			g.remote = ro // an -o s3://… report goes through the same store settings
			if len(args) == 1 && !objstore.IsURI(args[0]) {
				return usageErr("%s: not an object-store location; a lock of local files is verified where it lies (--lock)", args[0])
			}
			m, err := lock.Load(lockFile)
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			uri := m.Remote()
			if len(args) == 1 {
				if uri == "" {
					return usageErr("%s records local files, not an object-store location: %s cannot be verified against it", lockFile, args[0])
				}
				uri = args[0]
			}
			var store *objstore.Store
			if uri != "" {
				// The location comes from the lock file when not given: it
				// is only ever contacted on this explicit request, with the
				// user's credentials and --endpoint, and only read.
				loc, err := objstore.Parse(uri)
				if err != nil {
					return usageErr("%v", err)
				}
				if store, err = objstore.Open(context.Background(), loc, ro); err != nil {
					return &exitError{code: ExitError, err: err}
				}
			}
			ctx, cancel := interruptible()
			defer cancel()
			opt := lock.Options{Jobs: jobs}
			stop := func() {}
			if !noProgress && isTerminal(g.stderr) {
				opt.Progress, stop = byteProgress(g.stderr, "verifying")
			}
			start := time.Now()
			var changes []lock.Change
			var skips []lock.Skip
			if store != nil {
				changes, skips, err = lock.VerifyRemote(ctx, store, m, opt)
			} else {
				changes, skips, err = lock.Verify(ctx, filepath.Dir(lockFile), m, opt)
			}
			stop()
			if ctx.Err() != nil {
				return &exitError{code: ExitInterrupted, err: errors.New("interrupted; no report written")}
			}
			var ce *lock.ChecksumError
			if errors.As(err, &ce) {
				return &exitError{code: ExitFindings, err: fmt.Errorf("%v\nnot verified", err)}
			}
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			res := &result.Result{Paths: []string{lockFile}, Analyzed: len(m.Files), Duration: time.Since(start)}
			for _, s := range skips {
				res.Skipped = append(res.Skipped, source.Skip{Path: s.Path, Reason: s.Reason})
			}
			res.Findings = ChangeFindings(lockFile, changes)
			return rf.write(g, res, rule.Info, false)
		},
	}
	cmd.Flags().StringVar(&lockFile, "lock", lock.DefaultName, "the lock file to verify against")
	cmd.Flags().IntVarP(&jobs, "jobs", "j", 0, "files hashed in parallel (0: one per CPU)")
	cmd.Flags().BoolVar(&noProgress, "no-progress", false, "do not show progress on standard error")
	remoteFlags(cmd.Flags(), &ro)
	rf.add(cmd)
	return cmd
}

// ChangeFindings turns verify's changes into findings located at the
// changed file, as the path is written relative to where the lock file
// sits, or at its URI when it is an object of a store; a tampered lock
// file is located at the lock file.
func ChangeFindings(lockFile string, changes []lock.Change) []finding.Finding {
	dir := filepath.ToSlash(filepath.Dir(lockFile))
	at := func(p string) string {
		if dir == "." || dir == "" {
			return p
		}
		return filepath.ToSlash(filepath.Clean(filepath.Join(dir, p)))
	}
	var out []finding.Finding
	for _, c := range changes {
		if c.Kind == lock.Tampered {
			out = append(out, dataFinding(rules.DatasetChanged, finding.Location{Path: filepath.ToSlash(lockFile)}, c.Message, "root digest mismatch"))
			continue
		}
		loc := finding.Location{Path: at(c.Path)}
		if c.URI != "" {
			loc.Path = c.URI // an object of a store: its URI, not a path beside the lock file
		}
		f := dataFinding(rules.DatasetChanged, loc, c.Message, string(c.Kind)+" "+c.Path)
		f.Related = []finding.Related{{Location: finding.Location{Path: filepath.ToSlash(lockFile)}, Message: "the lock file that records it"}}
		out = append(out, f)
		for _, s := range c.SchemaChanges {
			out = append(out, dataFinding(rules.SchemaChanged, loc, s+" since the lock was written", s))
		}
	}
	return out
}

// diffRules maps diff's finding kinds to rules.
var diffRules = map[string]*rule.Rule{
	diff.SchemaChanged: rules.SchemaChanged,
	diff.Drift:         rules.DataDrift,
	diff.LabelShift:    rules.LabelShift,
	"poisoning-" + string(poison.RowsChanged):   rules.PoisoningRowsChanged,
	"poisoning-" + string(poison.LabelFlip):     rules.PoisoningLabelFlip,
	"poisoning-" + string(poison.Duplicates):    rules.PoisoningDuplicates,
	"poisoning-" + string(poison.Concentration): rules.PoisoningConcentration,
	"poisoning-" + string(poison.OutOfRange):    rules.PoisoningOutOfRange,
	"poisoning-" + string(poison.Trigger):       rules.PoisoningTrigger,
}

func newDataDiff(g *globals) *cobra.Command {
	opt := diff.Options{}
	var text []string
	var failOn string
	rf := &reportFlags{}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two versions of a table: schema, drift and poisoning signals",
		Long: `Diff reads OLD (the reference) and NEW once each, streaming (CSV, TSV, JSON Lines
or Parquet, by extension), and reports as findings:

  data/schema-changed                 columns added, removed or retyped
  data/drift                          PSI and Kolmogorov–Smirnov (numbers), Jensen–Shannon
                                      divergence and chi-square (categories)
  data/label-shift                    the label's class balance moved
  data/poisoning-rows-changed         rows rewritten in place under the same key
  data/poisoning-label-flip           labels disagreeing with identical features
  data/poisoning-duplicates           exact or near-duplicate rows injected
  data/poisoning-target-concentration many rows moved onto one label value or item
  data/poisoning-out-of-range         numbers outside the reference's range
  data/poisoning-trigger-token        a token whose share of a text column jumps

Each finding carries its statistic and the first rows behind it (1-based data row
numbers of NEW; the header is not a row). The key, label and text columns are
found by name (id, label, target…, and columns of several words) unless given.
Memory is bounded per column (--max-categories, --sample), not by rows; a cap
that is hit is reported as a warning.

Exit codes: 0 no finding at or above --fail-on (default medium); 1 findings;
2 bad input (unreadable, ragged, not UTF-8, empty or truncated files).`,
		Example: `  mlsec data diff data/v1/train.csv data/v2/train.csv
  mlsec data diff --key user_id --label clicked old.parquet new.parquet -f json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rf.check(); err != nil {
				return err
			}
			if cmd.Flags().Changed("text") {
				opt.Text = text
				if opt.Text == nil {
					opt.Text = []string{}
				}
			}
			failSev, noFail, err := pick(cmd, "fail-on", failOn, "", "medium")
			if err != nil {
				return err
			}
			ctx, cancel := interruptible()
			defer cancel()
			start := time.Now()
			// The diff's row tables are large and pointer-free, so a
			// collection costs little, while the garbage (a string per row
			// read) would otherwise grow the heap to twice their size on
			// fresh pages: collect at 25% growth unless GOGC is set.
			if os.Getenv("GOGC") == "" {
				defer debug.SetGCPercent(debug.SetGCPercent(25))
			}
			d, err := diff.Files(ctx, args[0], args[1], opt)
			if ctx.Err() != nil {
				return &exitError{code: ExitInterrupted, err: errors.New("interrupted; no report written")}
			}
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			res := &result.Result{Paths: []string{args[0], args[1]}, Analyzed: 2, Duration: time.Since(start)}
			newPath := filepath.ToSlash(args[1])
			for _, f := range d.Findings {
				r := diffRules[f.Kind]
				if r == nil {
					return &exitError{code: ExitError, err: fmt.Errorf("internal error: no rule for %q", f.Kind)}
				}
				loc := finding.Location{Path: newPath, Line: int(f.Line)}
				x := dataFinding(r, loc, f.Message, f.Statistic)
				x.Related = []finding.Related{{Location: finding.Location{Path: filepath.ToSlash(args[0])}, Message: "the reference version"}}
				res.Findings = append(res.Findings, x)
			}
			for _, n := range d.Notes {
				res.Warnings = append(res.Warnings, source.Skip{Path: newPath, Reason: n})
			}
			return rf.write(g, res, failSev, noFail)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opt.Key, "key", "", "column identifying a row in both versions (default: id, key, uid, uuid… when present)")
	fl.StringVar(&opt.Label, "label", "", "the label column (default: label, target, class, y… when present)")
	fl.StringSliceVar(&text, "text", nil, "free-text columns for trigger tokens (default: columns averaging 3+ words)")
	fl.StringVar(&failOn, "fail-on", "", "exit 1 when a finding is at or above this severity (default medium)")
	fl.Float64Var(&opt.Drift.PSI, "psi", diff.DefaultDrift.PSI, "drift: population stability index of a numeric column")
	fl.Float64Var(&opt.Drift.KSD, "ks", diff.DefaultDrift.KSD, "drift: Kolmogorov–Smirnov D of a numeric column (at p <= --ks-p)")
	fl.Float64Var(&opt.Drift.KSP, "ks-p", diff.DefaultDrift.KSP, "drift: largest Kolmogorov–Smirnov p-value that counts")
	fl.Float64Var(&opt.Drift.JSD, "jsd", diff.DefaultDrift.JSD, "drift: Jensen–Shannon divergence (bits) of a categorical column")
	fl.Float64Var(&opt.Drift.LabelJSD, "label-jsd", diff.DefaultDrift.LabelJSD, "label shift: Jensen–Shannon divergence (bits) of the label")
	t := &opt.Poison
	d := poison.DefaultThresholds
	fl.Int64Var(&t.MinRows, "min-rows", d.MinRows, "poisoning: fewest rows a signal rests on")
	fl.IntVar(&t.MaxRowNumbers, "rows", d.MaxRowNumbers, "row numbers listed per finding")
	fl.Float64Var(&t.ChangedShare, "changed-share", d.ChangedShare, "poisoning: share of shared keys rewritten in place")
	fl.Float64Var(&t.FlipShare, "flip-share", d.FlipShare, "poisoning: share of rows whose label disagrees with identical features")
	fl.Float64Var(&t.DupShare, "dup-share", d.DupShare, "poisoning: share of extra duplicate rows beyond the reference's rate")
	fl.Float64Var(&t.PromoteShare, "promote-share", d.PromoteShare, "poisoning: gain in one value's share of rows")
	fl.Float64Var(&t.PromoteRatio, "promote-ratio", d.PromoteRatio, "poisoning: and its new share over its old")
	fl.Float64Var(&t.RangeMargin, "range-margin", d.RangeMargin, "poisoning: tolerance beyond the reference's min and max, as a fraction of its range")
	fl.Float64Var(&t.RangeShare, "range-share", d.RangeShare, "poisoning: share of rows outside the range")
	fl.Float64Var(&t.TriggerShare, "trigger-share", d.TriggerShare, "poisoning: share of rows carrying a token")
	fl.Float64Var(&t.TriggerRatio, "trigger-ratio", d.TriggerRatio, "poisoning: and its new share over its old")
	fl.IntVar(&opt.CategoryCap, "max-categories", 10_000, "distinct values counted per column")
	fl.IntVar(&opt.SampleCap, "sample", 100_000, "numbers sampled per column for PSI and KS")
	fl.IntVar(&opt.MaxKeys, "max-rows", poison.DefaultMaxKeys, "rows of each version remembered by hash for the row-level signals")
	rf.add(cmd)
	return cmd
}
