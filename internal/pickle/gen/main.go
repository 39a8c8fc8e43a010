// Command gen derives the pickle scanner's dangerous tier and framework
// allowlists from the Python sources of the standard library and the ML
// frameworks (see internal/pickle/internal/callgraph), and writes
// danger_gen.go and allow_gen.go. Run it with go generate in internal/pickle
// on a machine with Debian's packages installed:
//
//	apt-get install python3-torch python3-numpy python3-scipy python3-sklearn \
//	    python3-joblib python3-pandas python3-xgboost
//	go generate ./internal/pickle
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mlsec/mlsec/internal/pickle/internal/callgraph"
)

func main() {
	dir := flag.String("o", ".", "directory to write danger_gen.go and allow_gen.go to")
	flag.Parse()
	if err := run(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	cfg := callgraph.Default
	out, err := callgraph.Generate(cfg)
	if err != nil {
		return err
	}
	for _, v := range out.Versions {
		if name, ok := strings.CutSuffix(v, "=missing"); ok {
			return fmt.Errorf("%s is not installed: the tables must be derived from every source", name)
		}
	}
	danger, err := out.DangerGo(cfg.Depth)
	if err != nil {
		return err
	}
	allow, err := out.AllowGo()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "danger_gen.go"), danger, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "allow_gen.go"), allow, 0o644); err != nil {
		return err
	}
	count := map[callgraph.Category]int{}
	for _, e := range out.Entries {
		count[e.Cat]++
	}
	fmt.Fprintf(os.Stderr, "gen: %d dangerous callables", len(out.Entries))
	for _, c := range callgraph.Categories {
		fmt.Fprintf(os.Stderr, ", %s %d", c, count[c])
	}
	fmt.Fprintf(os.Stderr, "; allowlists: %d sklearn/xgboost, %d numpy, %d dropped; %s\n",
		len(out.Allow.Sklearn), len(out.Allow.NumPy), len(out.Allow.Dropped), out.Took.Round(1e6))
	return nil
}
