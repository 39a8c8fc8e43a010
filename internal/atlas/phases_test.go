package atlas

import (
	"slices"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

func TestPhasesFile(t *testing.T) {
	table, err := parsePhases(phasesTxt)
	if err != nil {
		t.Fatal(err)
	}
	c := Default()
	for _, tech := range c.Techniques {
		if len(table[tech.ID]) == 0 {
			t.Errorf("phases.txt has no line for %s %s", tech.ID, tech.Name)
		}
	}
	for id := range table {
		if c.Technique(id) == nil {
			t.Errorf("phases.txt names %s, which is not an ATLAS %s technique", id, c.Version)
		}
	}
	// The comment after each line names the technique, so that a reader
	// can review the file without the catalog: keep it true.
	for n, line := range strings.Split(phasesTxt, "\n") {
		f := strings.Fields(line)
		_, comment, ok := strings.Cut(line, "#")
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || !ok {
			continue
		}
		tech := c.Technique(f[0])
		if tech != nil && !strings.HasSuffix(strings.TrimSpace(comment), tech.Name) {
			t.Errorf("phases.txt line %d: comment %q does not end with %q", n+1, comment, tech.Name)
		}
	}
}

func TestPhases(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want []rule.Phase
	}{
		{"AML.T0010.001", []rule.Phase{rule.Design, rule.Development}},
		{"AML.T0010", []rule.Phase{rule.Design, rule.Development, rule.Operations}},
		{"AML.T0000", []rule.Phase{rule.Design}},                                        // reconnaissance of public information
		{"AML.T0020", []rule.Phase{rule.Development, rule.Operations}},                  // poison training data
		{"AML.T0040", []rule.Phase{rule.Operations}},                                    // inference API access
		{"aml.t0040", []rule.Phase{rule.Operations}},                                    // case-insensitive
		{"AML.T0010.999", []rule.Phase{rule.Design, rule.Development, rule.Operations}}, // a new sub-technique inherits
		{"AML.T9999", nil},
		{"AML.M0013", nil},
	} {
		if got := Phases(tc.id); !slices.Equal(got, tc.want) {
			t.Errorf("Phases(%s) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func TestParsePhasesErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"AML.T0010 design\nAML.T0010 operations\n", "line 2: AML.T0010 listed twice"},
		{"AML.T0010\n", "line 1: AML.T0010 has no phase"},
		{"# c\n\nAML.T0010 desing\n", `line 3: AML.T0010: "desing" is not design`},
		{"T0010 design\n", `line 1: "T0010" is not a technique ID`},
	} {
		if _, err := parsePhases(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parsePhases(%q) = %v, want error containing %q", tc.in, err, tc.want)
		}
	}
	// Order in the file does not matter; the result is in pipeline order.
	table, err := parsePhases("AML.T0010 operations design operations  # x\n")
	if err != nil || !slices.Equal(table["AML.T0010"], []rule.Phase{rule.Design, rule.Operations}) {
		t.Errorf("got %v, %v", table, err)
	}
}
