package cli

import (
	"github.com/spf13/cobra"
)

// newPaths is `mlsec paths`: a scan whose report is its attack paths. It
// takes every scan flag; its text output lists each path hop by hop (the
// "paths" format), and -f json, dot, mermaid or sarif give the paths in
// those formats (SARIF as code flows).
func newPaths(g *globals) *cobra.Command {
	cmd := newScan(g)
	cmd.Use = "paths [PATH…]"
	cmd.Short = "Show how one misconfiguration reaches production models, training data and credentials"
	cmd.Long = `Paths scans each PATH as scan does, then follows what each finding gives an
attacker (code execution, a credential, write access to a store, control of a
model) along the relations between the project's assets: the workload that uses
a credential, the training job that reads a bucket, the endpoint that serves a
model. It lists every path from an entry point (the internet, a pull request
from a fork, a hub download, an insider, a dependency) to an impact (the model
in production, the training data, credentials, cloud spend, data exposure),
with the file and line of every hop, best first, and the chokepoints many paths
share.

Formats: text (the default: each path hop by hop), json (attack_paths and
chokepoints), dot (Graphviz), mermaid, sarif (each path as a code flow of the
finding that opens it). Exit codes are scan's.`
	cmd.Example = `  mlsec paths .
  mlsec paths -f dot . | dot -Tsvg > paths.svg
  mlsec paths -f mermaid . >> $GITHUB_STEP_SUMMARY`
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if fl := c.Flags().Lookup("format"); fl != nil && fl.Value.String() == "text" {
			if err := c.Flags().Set("format", "paths"); err != nil {
				return err
			}
		}
		return run(c, args)
	}
	return cmd
}
