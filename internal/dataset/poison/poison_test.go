package poison

import (
	"slices"
	"testing"
)

func TestNormalizeFoldsNearDuplicates(t *testing.T) {
	for _, pair := range [][2]string{
		{"Great product!!", "great   product"},
		{"3.14159", "3.1416"},
		{"1e3", "1000"},
	} {
		a, b := string(normalize(nil, pair[0])), string(normalize(nil, pair[1]))
		if a != b {
			t.Errorf("%q -> %q, %q -> %q", pair[0], a, pair[1], b)
		}
	}
	if string(normalize(nil, "ab")) == string(normalize(nil, "a b")) {
		t.Error("word boundaries must survive")
	}
}

func TestThresholdsNormalize(t *testing.T) {
	th := Thresholds{FlipShare: -1, MinRows: 7}.Normalize()
	if th.FlipShare != 0 || th.MinRows != 7 || th.DupShare != DefaultThresholds.DupShare || th.MaxRowNumbers != 10 {
		t.Errorf("%+v", th)
	}
}

// Natural label noise in the reference (identical features, two labels)
// is not counted against the new version; a new disagreement is.
func TestLabelNoiseInReferenceIsNotAFlip(t *testing.T) {
	cols := []string{"id", "f", "label"}
	d := New(Config{Columns: cols, Key: 0, Label: 2, Thresholds: Thresholds{MinRows: 1}})
	d.Old([]string{"1", "x", "0"}, nil, nil)
	d.Old([]string{"2", "x", "1"}, nil, nil) // reference already disagrees on x
	d.Old([]string{"3", "y", "0"}, nil, nil)
	d.New([]string{"1", "x", "1"}, nil, nil, 1, 2)
	d.New([]string{"3", "y", "1"}, nil, nil, 2, 3) // y flipped
	s := d.Signals(nil)
	if len(s) != 1 || s[0].Kind != LabelFlip || !slices.Equal(s[0].Rows, []int64{2}) {
		t.Errorf("%+v", s)
	}
}

// Rows rewritten under the same key are counted once each, and a
// label-only change is a flip, not a rewrite.
func TestRowsChangedByKey(t *testing.T) {
	d := New(Config{Columns: []string{"id", "f", "label"}, Key: 0, Label: 2, Thresholds: Thresholds{MinRows: 1, ChangedShare: -1, FlipShare: -1}})
	d.Old([]string{"1", "a", "0"}, nil, nil)
	d.Old([]string{"2", "b", "0"}, nil, nil)
	d.Old([]string{"3", "c", "0"}, nil, nil)
	d.New([]string{"3", "c", "0"}, nil, nil, 1, 2)
	d.New([]string{"1", "a", "1"}, nil, nil, 2, 3) // label only
	d.New([]string{"2", "B!", "0"}, nil, nil, 3, 4)
	var got []string
	for _, s := range d.Signals(nil) {
		got = append(got, string(s.Kind))
	}
	if !slices.Equal(got, []string{"rows-changed", "label-flip"}) {
		t.Errorf("%q", got)
	}
	if !d.KeyUsable() {
		t.Error("unique key not usable")
	}
	d2 := New(Config{Columns: []string{"id"}, Key: 0, Label: -1})
	d2.Old([]string{"1"}, nil, nil)
	d2.Old([]string{"1"}, nil, nil)
	if d2.KeyUsable() {
		t.Error("duplicate key usable")
	}
}
