// Command mlsec finds what an attacker would use in an ML project: unsafe
// model loading, poisoned-model payloads, exposed ML services, dependency
// confusion and more, mapped to MITRE ATLAS and the MLOps phases.
package main

import (
	"os"

	"github.com/mlsec/mlsec/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
