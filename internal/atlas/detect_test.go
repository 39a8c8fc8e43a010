package atlas

import (
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

func TestDetectors(t *testing.T) {
	ds := Detectors("aml.t0010", testRules)
	var got []string
	for _, d := range ds {
		got = append(got, d.Rule.ID+"@"+d.Via)
	}
	want := "supply/hub-model-unpinned@ model/pickle-load@AML.T0010.003 supply/requirement-unpinned@AML.T0010.001"
	if strings.Join(got, " ") != want {
		t.Errorf("Detectors = %v, want %s", got, want)
	}
	// A sub-technique's detectors are the rules naming it; a parent rule
	// does not count for its sub-techniques.
	if ds := Detectors("AML.T0010.001", testRules); len(ds) != 1 || ds[0].Rule.ID != "supply/requirement-unpinned" || ds[0].Via != "" {
		t.Errorf("Detectors(AML.T0010.001) = %+v", ds)
	}
	if ds := Detectors("AML.T0100", append(testRules, nil)); len(ds) != 0 {
		t.Errorf("Detectors(AML.T0100) = %+v", ds)
	}
}

func TestValidate(t *testing.T) {
	c := Default()
	if err := c.Validate(testRules); err != nil {
		t.Fatalf("Validate(good rules) = %v", err)
	}
	bad := []*rule.Rule{
		{ID: "x/one", Techniques: []string{"AML.T0010", "AML.T9999"}, Mitigations: []string{"AML.M0013", "AML.M0999"}},
		{ID: "x/two", Techniques: []string{"aml.t0010"}, Mitigations: []string{"AML.T0010"}},
	}
	err := c.Validate(bad)
	if err == nil {
		t.Fatal("Validate(bad rules) = nil")
	}
	for _, w := range []string{
		`rule x/one: ATLAS technique "AML.T9999" not in ATLAS 5.6.0`,
		`rule x/one: ATLAS mitigation "AML.M0999"`,
		`rule x/two: ATLAS technique "aml.t0010"`,
		`rule x/two: ATLAS mitigation "AML.T0010"`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Validate error lacks %q:\n%v", w, err)
		}
	}
	if strings.Contains(err.Error(), `technique "AML.T0010"`) || strings.Contains(err.Error(), `"AML.M0013"`) {
		t.Errorf("Validate reported a valid ID:\n%v", err)
	}
}

func TestLookup(t *testing.T) {
	c := Default()
	if o := c.Lookup(" aml.ta0004 "); o == nil || o.Kind() != "tactic" {
		t.Errorf("Lookup(aml.ta0004) = %v", o)
	}
	if c.Technique("AML.M0013") != nil || c.Mitigation("AML.T0010") != nil || c.Tactic("AML.T0010") != nil {
		t.Error("typed lookup returned an object of another kind")
	}
	// A catalog built by hand, without an index, still answers.
	hand := &Catalog{Techniques: []*Technique{{ID: "AML.T0010", Name: "X"}}}
	if hand.Technique("AML.T0010") == nil || hand.Lookup("AML.T0011") != nil {
		t.Error("lookup in an unindexed catalog failed")
	}
	var nilCat *Catalog
	if nilCat.Lookup("AML.T0010") != nil {
		t.Error("nil catalog found something")
	}
}

func TestDefaultConcurrent(t *testing.T) {
	done := make(chan *Catalog)
	for range 4 {
		go func() { done <- Default() }()
	}
	first := <-done
	for range 3 {
		if c := <-done; c != first {
			t.Error("Default returned different catalogs")
		}
	}
	if len(first.Search("poison")) == 0 || len(Phases("AML.T0010")) == 0 {
		t.Error("Default catalog is empty")
	}
}
