package analysis

import (
	"context"
	"testing"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

var r1 = &rule.Rule{ID: "t/one", Severity: rule.High, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques: []string{"AML.T0049"}, Mitigations: []string{"AML.M0019"}}

func TestBuildFillsFromTheRule(t *testing.T) {
	f := Build(Diagnostic{Rule: r1, Message: "m", Evidence: "e", Related: []finding.Related{{Message: "also"}}}, "a.yaml")
	if f.RuleID != "t/one" || f.Severity != rule.High || f.Confidence != rule.HighConfidence || f.Phase != rule.Operations ||
		f.Techniques[0] != "AML.T0049" || f.Mitigations[0] != "AML.M0019" || f.Location.Path != "a.yaml" || f.Related[0].Location.Path != "a.yaml" {
		t.Errorf("Build = %+v", f)
	}
	// A changed severity needs a reason; without one the rule's stands.
	if f := Build(Diagnostic{Rule: r1, Severity: rule.Low}, "a"); f.Severity != rule.High || f.SeverityReason != "" {
		t.Errorf("unexplained override applied: %v %q", f.Severity, f.SeverityReason)
	}
	if f := Build(Diagnostic{Rule: r1, Severity: rule.Critical, SeverityReason: "public"}, "a"); f.Severity != rule.Critical || f.SeverityReason != "public" {
		t.Errorf("override: %v %q", f.Severity, f.SeverityReason)
	}
	if f := Build(Diagnostic{Rule: r1, Severity: rule.High, SeverityReason: "same"}, "a"); f.SeverityReason != "" {
		t.Errorf("a reason for the default severity is dropped, got %q", f.SeverityReason)
	}
	if f := Build(Diagnostic{Rule: r1, Confidence: rule.LowConfidence, ConfidenceReason: "traced value"}, "a"); f.Confidence != rule.LowConfidence {
		t.Errorf("confidence %v", f.Confidence)
	}
}

func TestPassRejectsUndeclaredRules(t *testing.T) {
	other := &rule.Rule{ID: "t/other"}
	a := &Analyzer{Name: "a", Rules: []*rule.Rule{r1}}
	var got []string
	var undeclared []string
	p := NewPass(context.Background(), a, source.Entry{Path: "f"}, source.Python, nil, nil, Sinks{
		Finding:    func(f finding.Finding) { got = append(got, f.RuleID) },
		Undeclared: func(_ *Analyzer, id string) { undeclared = append(undeclared, id) },
	})
	p.Report(Diagnostic{Rule: r1})
	p.Report(Diagnostic{Rule: other})
	p.Report(Diagnostic{})
	if len(got) != 1 || got[0] != "t/one" || len(undeclared) != 2 || undeclared[0] != "t/other" || undeclared[1] != "<nil>" {
		t.Errorf("reported %v, undeclared %v", got, undeclared)
	}
}

func TestAddAssetDefaultsToTheFile(t *testing.T) {
	var as []finding.Asset
	p := NewPass(context.Background(), &Analyzer{}, source.Entry{Path: "dir/f.tf"}, source.Terraform, nil, nil,
		Sinks{Asset: func(a finding.Asset) { as = append(as, a) }})
	p.AddAsset(finding.Asset{ID: "x"})
	p.AddAsset(finding.Asset{ID: "y", Locations: []finding.Location{{Line: 3}}})
	if as[0].Locations[0].Path != "dir/f.tf" || as[1].Locations[0] != (finding.Location{Path: "dir/f.tf", Line: 3}) {
		t.Errorf("assets %+v", as)
	}
	if s := p.Siblings(source.Terraform); s != nil {
		t.Errorf("a file outside an index has no siblings, got %v", s)
	}
}

func TestExpandOrdersRequirementsFirst(t *testing.T) {
	parse := &Analyzer{Name: "parse"}
	types := &Analyzer{Name: "types", Requires: []*Analyzer{parse}}
	a := &Analyzer{Name: "a", Requires: []*Analyzer{types, parse}}
	b := &Analyzer{Name: "b", Requires: []*Analyzer{parse}}
	var names []string
	for _, x := range Expand([]*Analyzer{a, b}) {
		names = append(names, x.Name)
	}
	if got := names; len(got) != 4 || got[0] != "parse" || got[1] != "types" || got[2] != "a" || got[3] != "b" {
		t.Errorf("Expand = %v", got)
	}
}
