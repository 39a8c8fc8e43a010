package config

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/container"
	"github.com/mlsec/mlsec/internal/engine"
)

func TestExampleDump(t *testing.T) {
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{"../../../examples/credit-risk"}, Analyzers: []*analysis.Analyzer{Analyzer, container.Analyzer}, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%s:%d %s %s | %s", f.Location.Path, f.Location.Line, f.RuleID, f.Severity, f.Message))
	}
	sort.Strings(out)
	for _, o := range out {
		fmt.Println(o)
	}
	for _, f := range res.Failed {
		fmt.Println("FAILED", f.Path, f.Reason)
	}
}
