package iac

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
)

func TestDump(t *testing.T) {
	dir := os.Getenv("IAC_DUMP")
	if dir == "" {
		t.Skip()
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}, Jobs: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s:%d %s [%s] %s | %s\n", f.Location.Path, f.Location.Line, f.RuleID, f.Severity, f.Message, f.Evidence)
	}
	for _, f := range res.Failed {
		fmt.Printf("FAILED %s: %s\n", f.Path, f.Reason)
	}
	for _, a := range res.Assets {
		fmt.Printf("ASSET %s %v\n", a.ID, a.Attrs)
	}
	for _, e := range res.Edges {
		fmt.Printf("EDGE %s -%s-> %s\n", e.From, e.Kind, e.To)
	}
}
