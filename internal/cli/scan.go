package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/mlsec/mlsec/internal/analyzers"
	"github.com/mlsec/mlsec/internal/analyzers/secret"
	"github.com/mlsec/mlsec/internal/baseline"
	"github.com/mlsec/mlsec/internal/config"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/graph"
	"github.com/mlsec/mlsec/internal/history"
	"github.com/mlsec/mlsec/internal/objstore"
	"github.com/mlsec/mlsec/internal/report"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

type scanFlags struct {
	format        string
	output        string
	failOn        string
	minSeverity   string
	baseline      string
	writeBaseline string
	config        string
	enable        []string
	disable       []string
	exclude       []string
	jobs          int
	noProgress    bool
	noGitignore   bool
	maxFileSize   string
	fileTimeout   time.Duration
	color         string
	strict        bool
	compact       bool
	history       bool
	shard         string
	remote        objstore.Options
}

// remoteFlags adds the object-store settings to a command that reads
// s3://, gs:// or azblob:// locations.
func remoteFlags(fl *pflag.FlagSet, o *objstore.Options) {
	fl.StringVar(&o.Endpoint, "endpoint", "", "S3-compatible store to use for s3:// locations (MinIO, SeaweedFS, Ceph), e.g. http://127.0.0.1:8333")
	fl.StringVar(&o.Region, "region", "", "region of s3:// buckets (default: from the AWS environment and config files)")
	fl.DurationVar(&o.Timeout, "request-timeout", objstore.DefaultTimeout, "longest wait for one object-store request; a request is tried 4 times before its object is reported unread")
}

func newScan(g *globals) *cobra.Command {
	f := &scanFlags{}
	cmd := &cobra.Command{
		Use:   "scan [PATH…]",
		Short: "Scan ML projects, model files or model directories",
		Long: `Scan walks each PATH (a project directory, a single file, or a model directory;
the current directory when none is given) and runs every analyzer on the files it
recognises: Python and notebooks, requirements and pyproject files, model files
(pickle, PyTorch, joblib, NumPy), Kubernetes and ML resources, Dockerfiles and
compose files, Terraform, and MLflow, DVC, Jupyter, Ray and Airflow configuration.

Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage error, or an incomplete scan: a file that should have been analyzed
     could not be (it is never reported clean)

A PATH can also be an object-store location: s3://bucket/prefix (AWS, or any
S3-compatible store with --endpoint), gs://bucket/prefix or azblob://container/prefix.
Objects are read in ranges, never downloaded whole; credentials come from each
store's usual environment variables and config files. An object that cannot be
read is reported as not analyzed and the scan exits 2.

Settings come from .mlsec.yaml at the first scanned directory (or --config);
flags override it. A bucket's own .mlsec.yaml is never read: whoever can
write to the bucket could switch rules off.`,
		Example: `  mlsec scan .
  mlsec scan model.pt
  mlsec scan -f sarif -o mlsec.sarif .
  mlsec scan --fail-on critical --exclude 'tests/**' .
  mlsec scan --endpoint http://127.0.0.1:8333 s3://models/checkpoints/
  mlsec scan --write-baseline .mlsec-baseline.json . && mlsec scan --baseline .mlsec-baseline.json .`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd, g, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&f.failOn, "fail-on", "", "exit 1 when a finding is at or above this severity: critical, high, medium, low, info or none (default high)")
	fl.StringVar(&f.minSeverity, "min-severity", "", "leave out findings below this severity")
	fl.StringVar(&f.baseline, "baseline", "", "leave out findings recorded in this baseline file")
	fl.StringVar(&f.writeBaseline, "write-baseline", "", "record the current findings in this baseline file")
	fl.StringVar(&f.config, "config", "", "read settings from this file instead of .mlsec.yaml at the scan root")
	fl.StringSliceVar(&f.enable, "enable", nil, "run only these rules or rule families (comma-separated)")
	fl.StringSliceVar(&f.disable, "disable", nil, "do not run these rules or rule families (comma-separated)")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip paths matching this gitignore-style pattern (repeatable)")
	fl.IntVarP(&f.jobs, "jobs", "j", 0, "files analyzed in parallel (0: one per CPU)")
	fl.BoolVar(&f.noProgress, "no-progress", false, "do not show progress on standard error")
	fl.BoolVar(&f.noGitignore, "no-gitignore", false, "scan files that .gitignore excludes")
	fl.StringVar(&f.maxFileSize, "max-file-size", "50MiB", "largest text file to analyze; larger ones are reported as not analyzed")
	fl.DurationVar(&f.fileTimeout, "file-timeout", engine.DefaultFileTimeout, "longest time to spend on one file")
	fl.StringVar(&f.color, "color", "auto", "colour in text output: auto, always or never")
	fl.BoolVar(&f.strict, "strict", false, "exit 2 also when a file was not analyzed because it does not parse or is a Git LFS pointer")
	fl.BoolVar(&f.compact, "compact", false, "text output: one line per finding")
	fl.StringVar(&f.shard, "shard", "", "scan only share I of N of the files (I/N, from 0), for 'mlsec merge' to join")
	remoteFlags(fl, &f.remote)
	fl.BoolVar(&f.history, "history", false, "also scan the lines each git commit added for secrets (when a PATH is a git repository)")
	return cmd
}

func runScan(cmd *cobra.Command, g *globals, f *scanFlags, args []string) error {
	if len(args) == 0 {
		args = []string{"."}
	}
	if !contains(report.Formats(), f.format) {
		return usageErr("unknown format %q (want %s)", f.format, strings.Join(report.Formats(), ", "))
	}
	if f.color != "auto" && f.color != "always" && f.color != "never" {
		return usageErr("--color: %q is not auto, always or never", f.color)
	}
	if f.remote.Timeout <= 0 {
		return usageErr("--request-timeout must be positive")
	}
	for _, p := range args {
		if objstore.IsURI(p) {
			if _, err := objstore.Parse(p); err != nil {
				return usageErr("%v", err)
			}
			if f.history {
				return usageErr("--history reads a git repository; %s is an object-store location", p)
			}
		}
	}
	if f.jobs < 0 {
		return usageErr("-j/--jobs: %d is not a number of workers (0 means one per CPU)", f.jobs)
	}
	for _, p := range f.exclude {
		if err := config.ValidPattern(p); err != nil {
			return usageErr("--exclude: %v", err)
		}
	}
	cfg, err := loadConfig(f.config, args[0])
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(g.stderr, "mlsec: warning: %s\n", w)
	}
	failOn, noFail, err := pick(cmd, "fail-on", f.failOn, cfg.FailOn, "high")
	if err != nil {
		return err
	}
	minSev, _, err := pick(cmd, "min-severity", f.minSeverity, cfg.MinSeverity, "info")
	if err != nil {
		return err
	}
	enable := append(append([]string{}, cfg.Rules.Enable...), f.enable...)
	disable := append(append([]string{}, cfg.Rules.Disable...), f.disable...)
	for _, s := range append(append([]string{}, f.enable...), f.disable...) {
		if !rules.ValidSelector(s) {
			return usageErr("unknown rule or family %q (see 'mlsec rules')", s)
		}
		if d := rules.Deprecated(s); d != "" {
			fmt.Fprintf(g.stderr, "mlsec: warning: --enable/--disable: %s\n", d)
		}
	}
	overrides := cfg.SeverityOverrides() // validated, with lines, when the file was read
	maxSize, err := parseSize(f.maxFileSize)
	if err != nil {
		return usageErr("--max-file-size: %v", err)
	}
	if f.fileTimeout <= 0 {
		return usageErr("--file-timeout must be positive")
	}
	var base baseline.Set
	if f.baseline != "" {
		if base, err = baseline.Load(f.baseline); err != nil {
			return &exitError{code: ExitError, err: err}
		}
	}
	cat, err := g.catalog()
	if err != nil {
		return err
	}
	g.remote = f.remote

	opts := engine.Options{
		Paths:       args,
		Analyzers:   analyzers.All(),
		Jobs:        f.jobs,
		Excludes:    append(append([]string{}, cfg.Exclude...), f.exclude...),
		NoGitignore: f.noGitignore,
		Enabled:     selection(enable, disable),
		Severity:    overrides,
		MaxTextSize: maxSize,
		FileTimeout: f.fileTimeout,
		Remote:      f.remote,
	}
	opts.Settings.ModelAllow = cfg.Model.Allow
	if f.shard != "" {
		if opts.Shard, err = parseShard(f.shard); err != nil {
			return err
		}
	}
	if f.history {
		opts.Analyzers = append(opts.Analyzers, secret.History(args, history.Limits{}))
	}
	// Analyzers spool large archive members to disk; they all go in one
	// directory that is removed however the scan ends, Ctrl-C included.
	tmp, err := os.MkdirTemp("", "mlsec-scan-*")
	if err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("temporary directory: %w", err)}
	}
	defer os.RemoveAll(tmp)
	opts.Settings.TempDir = tmp
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	stop := func() {}
	if !f.noProgress && isTerminal(g.stderr) {
		opts.Progress, stop = progress(g.stderr)
	}
	res, err := engine.Run(ctx, opts)
	stop()
	if ctx.Err() != nil {
		return &exitError{code: ExitInterrupted, err: errors.New("interrupted; no report written")}
	}
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	// Attack paths are computed on every finding, before the filters below
	// hide some from the report: a path exists whether or not it is shown.
	graph.Analyze(res)
	res.Findings = filterSeverity(res.Findings, minSev)
	res.Findings, res.Baselined = base.Filter(res.Findings)

	rep := &report.Report{
		Result: res, Rules: rules.All(), Version: Version(), SemanticVersion: SemanticVersion(),
		FailOn: failOn, NoFail: noFail, Strict: f.strict, WritingBaseline: f.writeBaseline != "", Compact: f.compact,
		TechniqueName: func(id string) string { return objectName(cat, id) },
		Catalog:       cat, Baseline: f.baseline,
	}
	if err := emit(g, rep, f.format, f.output, f.color); err != nil {
		return err
	}
	if f.format != "text" || f.output != "" {
		for _, s := range res.Failed {
			fmt.Fprintf(g.stderr, "mlsec: not fully analyzed: %s: %s\n", report.Escape(s.Path), report.Escape(s.Reason))
		}
		for _, s := range res.NotAnalyzed {
			fmt.Fprintf(g.stderr, "mlsec: not analyzed: %s: %s\n", report.Escape(s.Path), report.Escape(s.Reason))
		}
	}
	if f.writeBaseline != "" {
		if err := baseline.Write(f.writeBaseline, res.Findings); err != nil {
			return &exitError{code: ExitError, err: err}
		}
		fmt.Fprintf(g.stderr, "mlsec: wrote %d findings to baseline %s\n", len(res.Findings), f.writeBaseline)
	}
	return exitFor(rep)
}

// loadConfig reads --config, or .mlsec.yaml at the first scanned directory
// when that is local.
func loadConfig(flag, firstPath string) (*config.Config, error) {
	if flag != "" {
		return config.Load(flag)
	}
	if objstore.IsURI(firstPath) {
		return &config.Config{}, nil
	}
	dir := firstPath
	if info, err := os.Stat(firstPath); err == nil && !info.IsDir() {
		dir = filepath.Dir(firstPath)
	}
	c, err := config.Find(dir)
	if err != nil || c != nil {
		return c, err
	}
	return &config.Config{}, nil
}

// pick resolves a severity setting: the flag when given, else the config
// value, else the default. "none" is allowed for fail-on only.
func pick(cmd *cobra.Command, name, flagVal, cfgVal, def string) (rule.Severity, bool, error) {
	v := def
	if cfgVal != "" {
		v = cfgVal
	}
	if cmd.Flags().Changed(name) {
		v = flagVal
	}
	if name == "fail-on" && strings.EqualFold(v, "none") {
		return rule.Critical, true, nil
	}
	s, err := rule.ParseSeverity(v)
	if err != nil {
		return 0, false, usageErr("--%s: %v", name, err)
	}
	return s, false, nil
}

// selection builds the rule filter from enable and disable lists.
func selection(enable, disable []string) func(string) bool {
	if len(enable) == 0 && len(disable) == 0 {
		return nil
	}
	return func(id string) bool {
		for _, d := range disable {
			if rules.Match(d, id) {
				return false
			}
		}
		if len(enable) == 0 || id == rules.UnusedIgnore.ID {
			return true
		}
		for _, e := range enable {
			if rules.Match(e, id) {
				return true
			}
		}
		return false
	}
}

func filterSeverity(fs []finding.Finding, min rule.Severity) []finding.Finding {
	out := fs[:0]
	for _, f := range fs {
		if f.Severity >= min {
			out = append(out, f)
		}
	}
	return out
}

// parseSize reads "50MiB", "200MB", "1GiB" or a plain number of bytes.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("want a size such as 50MiB, got %q", s)
	}
	return int64(n * float64(mult)), nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress shows "scanning: N/M files" on a terminal, at most ten times a
// second, and clears the line when the scan ends.
func progress(w io.Writer) (func(done, found int), func()) {
	var mu sync.Mutex
	last := time.Now().Add(400 * time.Millisecond) // quick scans show nothing
	shown := false
	update := func(done, found int) {
		mu.Lock()
		defer mu.Unlock()
		if now := time.Now(); now.Sub(last) >= 100*time.Millisecond {
			last = now
			shown = true
			if done < 0 { // still listing a bucket
				fmt.Fprintf(w, "\r\x1b[Klisting: %d objects", found)
				return
			}
			fmt.Fprintf(w, "\r\x1b[Kscanning: %d/%d files", done, found)
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
