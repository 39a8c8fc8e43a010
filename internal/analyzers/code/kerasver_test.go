package code

import (
	"testing"

	"github.com/mlsec/mlsec/internal/source"
)

// TestUpperBound: the highest Keras a specifier allows decides whether a
// default load_model is reported; a floor alone decides nothing.
func TestUpperBound(t *testing.T) {
	cases := []struct {
		spec   string
		poetry bool
		kind   source.Kind
		want   string // "" for no bound
		band   bool   // the bound falls below Keras 3.14
	}{
		{"==3.8.0", false, source.Requirements, "3.8", true},
		{">=2.10,<2.13", false, source.Requirements, "<2.13", true},
		{">=3.0", false, source.Requirements, "", false},
		{"==3.14.1", false, source.Requirements, "3.14.1", false},
		{"<3.14", false, source.Requirements, "<3.14", true},
		{"<3.15", false, source.Requirements, "<3.15", false},
		{"~=3.10", false, source.Requirements, "<4.0", false},
		{"~=3.11.2", false, source.Requirements, "<3.12", true},
		{"==3.13.*", false, source.Requirements, "<3.14", true},
		{"=2.12", false, source.CondaEnv, "<2.13", true},
		{"^2.12", true, source.Pyproject, "<3.0", true},
		{"~2.11.0", true, source.Pyproject, "<2.12", true},
		{"3.15.0", true, source.Pyproject, "3.15", false},
		{"3.8.0", false, source.Requirements, "", false},
		{"!=3.9", false, source.Requirements, "", false},
	}
	for _, c := range cases {
		p, ok := upperBound(c.spec, c.poetry, c.kind)
		got := ""
		if ok {
			got = p.max.String()
			if p.strict {
				got = "<" + got
			}
		}
		if got != c.want {
			t.Errorf("upperBound(%q) = %q, want %q", c.spec, got, c.want)
			continue
		}
		if ok && (p.band() != "") != c.band {
			t.Errorf("upperBound(%q): band %q, want below 3.14 = %v", c.spec, p.band(), c.band)
		}
	}
}
