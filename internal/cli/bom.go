package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsec/mlsec/internal/analyzers"
	"github.com/mlsec/mlsec/internal/bom"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/report"
)

func newBOM(g *globals) *cobra.Command {
	var out string
	var jobs int
	var noProgress bool
	cmd := &cobra.Command{
		Use:   "bom [PATH] [-o bom.cdx.json]",
		Short: "Write a CycloneDX 1.6 ML-BOM (AI bill of materials) of a project",
		Long: `BOM scans PATH (default .) as scan does and writes a CycloneDX 1.6 JSON
ML-BOM: each model file as a machine-learning-model component with its
SHA-256, format, architecture (from a config.json beside it) and mlsec's
verdict (property mlsec:verdict: the worst severity found in it, or clean);
remote models, datasets and data stores; Hugging Face repositories with
external references; Python dependencies from requirements files and
pyproject.toml as libraries with package URLs; pipelines and CI workflows in
the formulation. Nothing is loaded or executed.

The timestamp is SOURCE_DATE_EPOCH when set, else now. Written at the project
root as bom.cdx.json, the BOM is checked by 'mlsec scan' against the files
present (rule provenance/bom-mismatch).

Exit codes: 0 written; 2 bad input or an incomplete scan (the BOM is still
written, and the files not analyzed are listed).`,
		Example: `  mlsec bom . -o bom.cdx.json
  mlsec bom examples/credit-risk | jq '.components[] | select(.type == "machine-learning-model")'`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
				return usageErr("%s: not a directory", root)
			}
			now := time.Now()
			if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return usageErr("SOURCE_DATE_EPOCH=%q: not a number of seconds", s)
				}
				now = time.Unix(n, 0)
			}
			reader, deps := bom.DepsReader()
			tmp, err := os.MkdirTemp("", "mlsec-bom-*")
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			defer os.RemoveAll(tmp)
			opts := engine.Options{Paths: []string{root}, Analyzers: append(analyzers.All(), reader), Jobs: jobs}
			opts.Settings.TempDir = tmp
			ctx, cancel := interruptible()
			defer cancel()
			stop := func() {}
			if !noProgress && isTerminal(g.stderr) {
				opts.Progress, stop = progress(g.stderr)
			}
			res, err := engine.Run(ctx, opts)
			stop()
			if ctx.Err() != nil {
				return &exitError{code: ExitInterrupted, err: errors.New("interrupted; no BOM written")}
			}
			if err != nil {
				return &exitError{code: ExitError, err: err}
			}
			b, err := bom.Build(ctx, bom.Input{Root: root, Result: res, Deps: deps(), Version: Version(), Now: now, Jobs: jobs})
			if err != nil {
				return &exitError{code: ExitError, err: fmt.Errorf("building the BOM: %w", err)}
			}
			var buf bytes.Buffer
			if err := bom.Encode(&buf, b); err != nil {
				return &exitError{code: ExitError, err: err}
			}
			if out == "" || out == "-" {
				_, err = g.stdout.Write(buf.Bytes())
			} else {
				err = os.WriteFile(out, buf.Bytes(), 0o644)
			}
			if err != nil {
				return &exitError{code: ExitError, err: fmt.Errorf("cannot write the BOM: %w", err)}
			}
			n := 0
			if b.Components != nil {
				n = len(*b.Components)
			}
			if out != "" && out != "-" {
				fmt.Fprintf(g.stderr, "mlsec: wrote %s: %d components\n", report.Escape(out), n)
			}
			if res.Incomplete() {
				for _, s := range res.Failed {
					fmt.Fprintf(g.stderr, "mlsec: not analyzed: %s: %s\n", report.Escape(s.Path), report.Escape(s.Reason))
				}
				return &exitError{code: ExitError, err: errors.New("the scan was incomplete; the BOM's verdicts do not cover the files listed")}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the BOM to this file (default standard output)")
	cmd.Flags().IntVarP(&jobs, "jobs", "j", 0, "files analyzed in parallel (0: one per CPU)")
	cmd.Flags().BoolVar(&noProgress, "no-progress", false, "do not show progress on standard error")
	return cmd
}
