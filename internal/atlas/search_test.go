package atlas

import (
	"slices"
	"testing"
)

func matchIDs(ms []Match) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestSearch(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		query string
		want  []string // the first results, in order
	}{
		{"ML Supply Chain Compromise", []string{"AML.T0010"}},
		{"ai supply chain compromise", []string{"AML.T0010"}},
		{"ML Model Inference API Access", []string{"AML.T0040"}},
		{"ML Artifacts", []string{"AML.T0112.001"}},
		{"ML Attack Staging", []string{"AML.TA0001"}},
		{"aml.t0010", []string{"AML.T0010"}},
		{"AML.M0013", []string{"AML.M0013"}},
		{"supply chain", []string{"AML.T0010", "AML.T0109", "AML.T0111"}},
		{"code signing", []string{"AML.M0013"}},
	} {
		got := matchIDs(c.Search(tc.query))
		if len(got) < len(tc.want) || !slices.Equal(got[:len(tc.want)], tc.want) {
			t.Errorf("Search(%q) = %v, want it to start with %v", tc.query, got, tc.want)
		}
	}
	if got := c.Search("ML Supply Chain Compromise"); len(got) == 0 || got[0].Alias != "ML Supply Chain Compromise" || got[0].Kind != "technique" {
		t.Errorf("alias match = %+v", got)
	}
	// Every word must match, as a word prefix.
	got := matchIDs(c.Search("poison training"))
	if !slices.Equal(got, []string{"AML.T0020"}) {
		t.Errorf("Search(poison training) = %v, want [AML.T0020]", got)
	}
	if got := c.Search("poison"); !slices.Contains(matchIDs(got), "AML.T0070") || !slices.Contains(matchIDs(got), "AML.T0019") {
		t.Errorf("Search(poison) = %v, want RAG Poisoning and Publish Poisoned Datasets", matchIDs(got))
	}
	if got := c.Search("rain"); slices.Contains(matchIDs(got), "AML.T0020") {
		t.Error("Search(rain) matched inside a word (Training)")
	}
	for _, q := range []string{"", "  ", "--", "zebra supply"} {
		if got := c.Search(q); len(got) != 0 {
			t.Errorf("Search(%q) = %v, want nothing", q, matchIDs(got))
		}
	}
}
