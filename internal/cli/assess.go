package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers"
	"github.com/mlsec/mlsec/internal/assess"
	"github.com/mlsec/mlsec/internal/config"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/report"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rules"
)

type assessFlags struct {
	format      string
	output      string
	failOn      string
	exclude     []string
	jobs        int
	noGitignore bool
	noProgress  bool
	maxFileSize string
	fileTimeout time.Duration
}

func newAssess(g *globals) *cobra.Command {
	f := &assessFlags{}
	cmd := &cobra.Command{
		Use:   "assess [PATH…]",
		Short: "Assess MLOps phase coverage, automation level and the ATLAS mitigations in place",
		Long: `Assess reads each PATH (a project directory; the current directory when none is
given) and reports, from the repository's own structure (code, CI workflows,
pipeline definitions, DVC files, manifests; never prose):

  - the MLOps practices of each phase (design, development, operations), with
    the file and line that shows each, and a score per phase from 0 to 100;
  - the automation level on the ml-ops.org (0-2), Google (0-2) and Microsoft
    (0-4) maturity scales, what decided it, and what the next level needs;
  - each ATLAS mitigation that applies: present, missing or not applicable.

It runs the full scan to learn which weaknesses are present: a missing
mitigation that would counter some of them is reported as a finding
(assess/missing-*), one severity step below the worst finding it counters.
The scoring rubric is docs/ASSESSMENT.md.

Exit codes:
  0  assessment written (and no missing mitigation at or above --fail-on)
  1  a missing mitigation at or above --fail-on (default none: never)
  2  usage error, or an incomplete scan: a file could not be analyzed
  130 interrupted`,
		Example: `  mlsec assess .
  mlsec assess -f json -o assessment.json .
  mlsec assess --fail-on high -f sarif -o assess.sarif .`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAssess(cmd, g, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&f.failOn, "fail-on", "none", "exit 1 when a missing mitigation's finding is at or above this severity: critical, high, medium, low, info or none")
	fl.StringArrayVar(&f.exclude, "exclude", nil, "skip paths matching this gitignore-style pattern (repeatable)")
	fl.IntVarP(&f.jobs, "jobs", "j", 0, "files analyzed in parallel (0: one per CPU)")
	fl.BoolVar(&f.noGitignore, "no-gitignore", false, "read files that .gitignore excludes")
	fl.BoolVar(&f.noProgress, "no-progress", false, "do not show progress on standard error")
	fl.StringVar(&f.maxFileSize, "max-file-size", "50MiB", "largest text file to analyze; larger ones are reported as not analyzed")
	fl.DurationVar(&f.fileTimeout, "file-timeout", engine.DefaultFileTimeout, "longest time to spend on one file")
	return cmd
}

func runAssess(cmd *cobra.Command, g *globals, f *assessFlags, args []string) error {
	if len(args) == 0 {
		args = []string{"."}
	}
	if !contains(report.Formats(), f.format) {
		return usageErr("unknown format %q (want %s)", f.format, strings.Join(report.Formats(), ", "))
	}
	for _, p := range args {
		info, err := os.Stat(p)
		if err != nil {
			return usageErr("cannot assess %s: %v", p, errors.Unwrap(err))
		}
		if !info.IsDir() {
			return usageErr("cannot assess %s: not a directory (assess reads a project; use 'mlsec scan' for a single file)", p)
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
	failOn, noFail, err := pick(cmd, "fail-on", f.failOn, "", "none")
	if err != nil {
		return err
	}
	maxSize, err := parseSize(f.maxFileSize)
	if err != nil {
		return usageErr("--max-file-size: %v", err)
	}
	if f.fileTimeout <= 0 {
		return usageErr("--file-timeout must be positive")
	}
	cat, err := g.catalog()
	if err != nil {
		return err
	}
	// The project's .mlsec.yaml decides what the scan reads (excludes,
	// accepted pickle globals), so the assessment sees what scan sees.
	cfg, err := loadConfig("", args[0])
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}

	// The registered assess analyzer reports the same findings; this one
	// also hands over the assessment.
	var got *result.Assessment
	mine := assess.New(func(a *result.Assessment) { got = a })
	var as []*analysis.Analyzer
	for _, a := range analyzers.All() {
		if a == assess.Analyzer {
			a = mine
		}
		as = append(as, a)
	}
	tmp, err := os.MkdirTemp("", "mlsec-assess-*")
	if err != nil {
		return &exitError{code: ExitError, err: fmt.Errorf("temporary directory: %w", err)}
	}
	defer os.RemoveAll(tmp)
	opts := engine.Options{Paths: args, Analyzers: as, Jobs: f.jobs, Excludes: append(append([]string{}, cfg.Exclude...), f.exclude...),
		NoGitignore: f.noGitignore, MaxTextSize: maxSize, FileTimeout: f.fileTimeout}
	opts.Settings.TempDir = tmp
	opts.Settings.ModelAllow = cfg.Model.Allow
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
	if got == nil {
		return &exitError{code: ExitError, err: errors.New("internal error: the assessment did not run")}
	}
	res.Assessment = got
	// The assessment's findings are the missing mitigations; the scan's
	// own findings are what 'mlsec scan' reports.
	var missing []finding.Finding
	for _, fd := range res.Findings {
		if fd.Rule != nil && fd.Rule.Family() == "assess" {
			missing = append(missing, fd)
		}
	}
	res.Findings = missing

	rep := &report.Report{
		Result: res, Rules: rules.All(), Version: Version(), SemanticVersion: SemanticVersion(),
		FailOn: failOn, NoFail: noFail,
		TechniqueName: func(id string) string { return objectName(cat, id) },
	}
	out, done, err := openOutput(g, f.output)
	if err != nil {
		return err
	}
	if f.format == "text" {
		err = assess.WriteText(out, res)
		if err == nil {
			_, err = fmt.Fprintln(out, "\n"+report.Summary(rep))
		}
	} else {
		err = report.Write(out, f.format, rep)
	}
	if cerr := done(); err == nil && cerr != nil {
		return cerr
	}
	if err != nil {
		return &exitError{code: ExitError, err: err}
	}
	for _, s := range res.Failed {
		fmt.Fprintf(g.stderr, "mlsec: not fully analyzed: %s: %s\n", report.Escape(s.Path), report.Escape(s.Reason))
	}
	return exitFor(rep)
}
