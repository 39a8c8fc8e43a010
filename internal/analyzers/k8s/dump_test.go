package k8s

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
)

func TestDump(t *testing.T) {
	dir := os.Getenv("K8S_DUMP")
	if dir == "" {
		t.Skip()
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		fmt.Printf("%s:%d:%d %s %s | %s | %s | %v\n", f.Location.Path, f.Location.Line, f.Location.Column, f.Severity, f.RuleID, f.Message, f.Evidence, f.Assets)
		if f.SeverityReason != "" {
			fmt.Printf("\tseverity: %s\n", f.SeverityReason)
		}
		for _, r := range f.Related {
			fmt.Printf("\trelated %s:%d:%d %s\n", r.Location.Path, r.Location.Line, r.Location.Column, r.Message)
		}
	}
	for _, f := range res.Failed {
		fmt.Println("FAILED", f.Path, f.Reason)
	}
	if os.Getenv("K8S_ASSETS") != "" {
		for _, a := range res.Assets {
			fmt.Println("ASSET", a.ID, a.Attrs, a.Locations)
		}
		for _, e := range res.Edges {
			fmt.Println("EDGE", e.From, e.Kind, e.To)
		}
	}
}
