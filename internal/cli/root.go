// Package cli is mlsec's command line: flags and wiring only. Every command
// reads its inputs, calls the packages that do the work, and turns the
// outcome into an exit code.
package cli

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mlsec/mlsec/internal/atlas"
	"github.com/mlsec/mlsec/internal/objstore"
)

// Exit codes: 0 clean, 1 findings at or above --fail-on, 2 a usage error or
// an incomplete scan, 130 interrupted.
const (
	ExitClean    = 0 // nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on
	ExitError    = 2 // usage error, or an incomplete scan
	// ExitInterrupted is the shell's code for a process ended by SIGINT.
	ExitInterrupted = 130
)

// version is set at build time with -ldflags "-X github.com/mlsec/mlsec/internal/cli.version=v1.2.3".
var version = ""

// Version is mlsec's version: the linker-set one, else the module version,
// else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// SemanticVersion is the version as SemVer, for SARIF's semanticVersion:
// "1.4.0" for a release, "0.0.0-devel+abc123def456" for a build from a
// checkout (the revision when the build recorded one).
func SemanticVersion() string {
	v := Version()
	if strings.HasPrefix(v, "v") && len(v) > 1 && v[1] >= '0' && v[1] <= '9' {
		return v[1:]
	}
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = "+" + s.Value[:12]
			}
		}
	}
	return "0.0.0-devel" + rev
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

// usageErr marks a bad invocation (exit 2).
func usageErr(format string, a ...any) error {
	return &exitError{code: ExitError, err: fmt.Errorf(format, a...)}
}

type globals struct {
	atlasData string
	stdout    io.Writer
	stderr    io.Writer
	// remote reaches the store of an -o s3://… report; commands with
	// --endpoint set it.
	remote objstore.Options
}

// catalog returns the ATLAS catalog: the embedded one, or --atlas-data.
func (g *globals) catalog() (*atlas.Catalog, error) {
	if g.atlasData == "" {
		return atlas.Default(), nil
	}
	c, err := atlas.Load(g.atlasData)
	if err != nil {
		return nil, &exitError{code: ExitError, err: fmt.Errorf("--atlas-data: %w", err)}
	}
	return c, nil
}

func newRoot(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "mlsec",
		Short: "Security scanner for ML projects and MLOps pipelines",
		Long: `mlsec finds what an attacker would use in an ML project — unsafe model loading,
malicious pickles in model files, exposed MLflow, Ray and Jupyter services, public
training-data buckets, dependency confusion — and names the MITRE ATLAS technique
and MLOps phase (design, development, operations) of each finding.

It is one static, offline binary: nothing it scans is executed, imported or
unpickled, and it makes no network connection.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version(),
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SetOut(g.stdout)
	root.SetErr(g.stderr)
	root.PersistentFlags().StringVar(&g.atlasData, "atlas-data", "", "read MITRE ATLAS data from this ATLAS.yaml instead of the built-in copy")
	root.AddCommand(newScan(g), newPaths(g), newProbe(g), newMerge(g), newRules(g), newExplain(g), newAtlas(g), newVersion(g), newData(g), newAssess(g), newBOM(g), newSign(g), newVerify(g))
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{code: ExitError, err: fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})
	// --version prints what the first line of 'mlsec version' prints.
	root.SetVersionTemplate("mlsec {{.Version}}\n")
	return root
}

// Main runs mlsec with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRoot(g)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitClean
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "mlsec: %v\n", ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown command, bad arguments.
	fmt.Fprintf(stderr, "mlsec: %v\n", err)
	return ExitError
}

func newVersion(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print mlsec's version and the ATLAS data version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := g.catalog()
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "mlsec %s\nMITRE ATLAS data %s\n", Version(), c.Version)
			return nil
		},
	}
}
