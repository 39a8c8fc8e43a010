// Command gen turns MITRE ATLAS's legacy ATLAS.yaml into the catalog.json
// that package atlas embeds. Run it from the repository root:
//
//	go run ./internal/atlas/gen -in path/to/ATLAS.yaml -out internal/atlas/catalog.json
//
// or through go generate in internal/atlas with ATLAS_YAML set to it. The output is compact,
// deterministic JSON with no description text.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/mlsec/mlsec/internal/atlas"
)

func main() {
	in := flag.String("in", "", "legacy ATLAS.yaml to read (required)")
	out := flag.String("out", "internal/atlas/catalog.json", "catalog JSON to write")
	flag.Parse()
	if *in == "" {
		fmt.Fprintln(os.Stderr, "atlas gen: -in ATLAS.yaml is required")
		os.Exit(2)
	}
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "atlas gen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	c, err := atlas.Load(in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := atlas.WriteJSON(&buf, c); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "atlas gen: wrote %s: ATLAS %s, %d tactics, %d techniques, %d mitigations\n",
		out, c.Version, len(c.Tactics), len(c.Techniques), len(c.Mitigations))
	return nil
}
