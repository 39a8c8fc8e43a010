// Command modeldrive scans paths with the model analyzer alone, through the
// real engine, and prints the findings: a stand-in for `mlsec scan` in the
// model benchmark.
//
//	go run ./bench/modeldrive /tmp/mlsec-model-bench/big.pt
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/model"
	"github.com/mlsec/mlsec/internal/engine"
)

func main() {
	res, err := engine.Run(context.Background(), engine.Options{Paths: os.Args[1:], Analyzers: []*analysis.Analyzer{model.Analyzer}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s %s %s: %s [%s]\n", f.Severity, f.RuleID, f.Location, f.Message, f.Evidence)
	}
	for _, a := range res.Assets {
		fmt.Printf("asset %s %v\n", a.ID, a.Attrs)
	}
	for _, s := range res.Failed {
		fmt.Printf("not fully analyzed: %s: %s\n", s.Path, s.Reason)
	}
	fmt.Printf("%d files analyzed, %d findings, %s\n", res.Analyzed, len(res.Findings), res.Duration)
	if res.Incomplete() {
		os.Exit(2)
	}
}
