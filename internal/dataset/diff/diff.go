// Package diff compares two versions of a tabular dataset: schema
// changes, drift per column and of the label (package drift), and
// poisoning signals (package poison). Each file is read once, streaming
// (the reference first, then the new version), with the parse of a file
// and the statistics over it on two goroutines.
package diff

import (
	"context"
	"errors"
	"fmt"

	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/mlsec/mlsec/internal/dataset/drift"
	"github.com/mlsec/mlsec/internal/dataset/poison"
	"github.com/mlsec/mlsec/internal/dataset/table"
)

// Finding kinds besides the poisoning signals (poison.Kind values).
const (
	SchemaChanged = "schema-changed"
	Drift         = "drift"
	LabelShift    = "label-shift"
)

// Thresholds for drift. Zero fields take DefaultDrift's values.
type Thresholds struct {
	PSI      float64 // population stability index of a numeric column
	KSD      float64 // Kolmogorov–Smirnov D of a numeric column…
	KSP      float64 // …at a p-value at most this
	JSD      float64 // Jensen–Shannon divergence (bits) of a categorical column
	LabelJSD float64 // of the label
}

// DefaultDrift are `mlsec data diff`'s defaults.
var DefaultDrift = Thresholds{PSI: 0.2, KSD: 0.1, KSP: 0.001, JSD: 0.03, LabelJSD: 0.02}

// Options configure a comparison.
type Options struct {
	Key, Label  string   // column names; "" picks a conventional name when present ("id", "label"…)
	Text        []string // free-text columns; nil picks columns of several words
	Drift       Thresholds
	Poison      poison.Thresholds
	Limits      table.Limits
	SampleCap   int // numbers kept per column for PSI and KS (default 100,000)
	CategoryCap int // distinct values counted per column (default 10,000)
	MaxTokens   int // distinct tokens per text column (default 200,000)
	MaxKeys     int // rows of each version remembered by hash (default poison.DefaultMaxKeys)
}

// Finding is one difference worth reporting.
type Finding struct {
	Kind      string // SchemaChanged, Drift, LabelShift or a poison.Kind
	Column    string
	Message   string
	Statistic string
	Rows      []int64 // first rows of the new version behind it
	Line      int64   // line of the first of them in a text file
}

// Result is a finished comparison.
type Result struct {
	Findings         []Finding
	Notes            []string // limits hit and checks that could not run, with why
	OldRows, NewRows int64
	Key, Label       string
	Text             []string
}

type side struct {
	path string
	f    *os.File
	r    table.Reader
}

func open(path string, lim table.Limits) (*side, error) {
	fm := table.FormatOf(path)
	if fm == table.Unknown {
		return nil, fmt.Errorf("%s: not a tabular file (want .csv, .tsv, .jsonl, .ndjson or .parquet)", path)
	}
	f, err := openNoFollow(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	r, err := table.Open(fm, f, st.Size(), lim)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &side{path: path, f: f, r: r}, nil
}

// Files compares the dataset at newPath against the reference at oldPath.
func Files(ctx context.Context, oldPath, newPath string, opt Options) (*Result, error) {
	if opt.SampleCap <= 0 {
		opt.SampleCap = 100_000
	}
	if opt.CategoryCap <= 0 {
		opt.CategoryCap = 10_000
	}
	opt.Drift = opt.Drift.normalize()
	opt.Poison = opt.Poison.Normalize()
	o, err := open(oldPath, opt.Limits)
	if err != nil {
		return nil, err
	}
	defer o.f.Close()
	n, err := open(newPath, opt.Limits)
	if err != nil {
		return nil, err
	}
	defer n.f.Close()
	res := &Result{}

	// JSON Lines headers grow with the rows; the first row fixes the
	// columns compared (later keys are noted as not compared).
	oldCols, newCols := o.r.Columns(), n.r.Columns()
	var common []string
	oldIdx, newIdx := map[string]int{}, map[string]int{}
	for i, c := range oldCols {
		oldIdx[c] = i
	}
	for i, c := range newCols {
		newIdx[c] = i
		if _, ok := oldIdx[c]; ok {
			common = append(common, c)
		}
	}
	var added, removed []string
	for _, c := range newCols {
		if _, ok := oldIdx[c]; !ok {
			added = append(added, c)
		}
	}
	for _, c := range oldCols {
		if _, ok := newIdx[c]; !ok {
			removed = append(removed, c)
		}
	}
	find := func(name string, conventional []string) (int, error) {
		if name != "" {
			i := slices.Index(common, name)
			if i < 0 {
				return -1, fmt.Errorf("column %q is not in both files", name)
			}
			return i, nil
		}
		for _, want := range conventional {
			for i, c := range common {
				if strings.EqualFold(c, want) {
					return i, nil
				}
			}
		}
		return -1, nil
	}
	key, err := find(opt.Key, []string{"id", "key", "uid", "uuid", "row_id", "record_id", "example_id", "sample_id"})
	if err != nil {
		return nil, fmt.Errorf("--key: %w", err)
	}
	label, err := find(opt.Label, []string{"label", "labels", "target", "class", "y", "outcome"})
	if err != nil {
		return nil, fmt.Errorf("--label: %w", err)
	}
	if key >= 0 && key == label {
		return nil, errors.New("the key and the label are the same column")
	}
	var text []int
	sniffed, hint, err := sniffText(oldPath, common, oldIdx, opt.Limits, key, label)
	if err != nil {
		return nil, err
	}
	if opt.Text != nil {
		for _, t := range opt.Text {
			i := slices.Index(common, t)
			if i < 0 {
				return nil, fmt.Errorf("--text: column %q is not in both files", t)
			}
			text = append(text, i)
		}
	} else {
		text = sniffed
	}
	if key >= 0 {
		res.Key = common[key]
	}
	if label >= 0 {
		res.Label = common[label]
	}
	for _, t := range text {
		res.Text = append(res.Text, common[t])
	}

	project := func(cols []string, idx map[string]int) []int {
		m := make([]int, len(common))
		for i, c := range common {
			m[i] = idx[c]
		}
		return m
	}
	oldProf := make([]*drift.Profile, len(common))
	newProf := make([]*drift.Profile, len(common))
	for i, c := range common {
		oldProf[i] = drift.NewProfile(c, opt.SampleCap, opt.CategoryCap)
		newProf[i] = drift.NewProfile(c, opt.SampleCap, opt.CategoryCap)
		// Numbers are categories only in the label and item-like columns.
		oldProf[i].CountNumbers = i == label || targetLike(c)
		newProf[i].CountNumbers = oldProf[i].CountNumbers
		// A sample grown by append copies itself a dozen times on its way
		// to the cap: with the row estimate it is allocated once.
		if hint > 0 && !slices.Contains(text, i) {
			oldProf[i].Sample = make([]float64, 0, min(opt.SampleCap, hint))
			newProf[i].Sample = make([]float64, 0, min(opt.SampleCap, hint))
		}
	}
	isText := func(i int) bool { return slices.Contains(text, i) }

	cfg := poison.Config{Columns: common, Key: key, Label: label, Text: text, Thresholds: opt.Poison,
		MaxKeys: opt.MaxKeys, MaxTokens: opt.MaxTokens, MaxValues: opt.CategoryCap, RowsHint: hint}
	// Categorical columns are known only after the reference is read;
	// the detector is built then, and the reference rows are handed to a
	// first detector that has the same configuration but for them.
	det := poison.New(cfg)
	textMask := make([]bool, len(common))
	for _, t := range text {
		textMask[t] = true
	}
	// The profiles and the detector are two sinks: each sees every row,
	// on its own goroutine, with the cells parsed as numbers once.
	profiles := func(prof []*drift.Profile) sink {
		// Row by row, in the order the batch is laid out in memory.
		return func(vals []string, nums []float64, isNum []bool, width int, _, _ []int64) {
			for base := 0; base < len(vals); base += width {
				for i, p := range prof[:width] {
					if textMask[i] {
						p.N++
						continue
					}
					k := base + i
					p.AddParsed(vals[k], nums[k], isNum[k])
				}
			}
		}
	}
	err = stream(ctx, o, project(oldCols, oldIdx), textMask, profiles(oldProf),
		func(vals []string, nums []float64, isNum []bool, width int, rows, _ []int64) {
			det.OldBatch(vals, nums, isNum, width, len(rows))
		})
	if err != nil {
		return nil, err
	}
	res.OldRows = det.OldRowsCount()
	for i, p := range oldProf {
		p.Finish()
		if isText(i) || i == key {
			continue
		}
		if p.IsNumeric() && p.Numeric > 0 && i != label {
			det.SetRange(i, p.Min, p.Max)
		}
		if (i == label || targetLike(common[i])) && p.Categorical() && int64(len(p.Counts)) <= max(20, p.N/2) {
			det.AddCategorical(i)
		}
	}
	if key >= 0 && !det.KeyUsable() {
		res.Notes = append(res.Notes, fmt.Sprintf("column %q is not unique in the reference: rows were not matched by key (rows changed in place are not measured)", common[key]))
	}
	if key < 0 {
		res.Notes = append(res.Notes, "no key column (--key): rows changed in place are not measured")
	}
	if label < 0 {
		res.Notes = append(res.Notes, "no label column (--label): label flips and label shift are not measured")
	}
	err = stream(ctx, n, project(newCols, newIdx), textMask, profiles(newProf), det.NewBatch)
	if err != nil {
		return nil, err
	}
	res.NewRows = det.NewRowsCount()
	for _, p := range newProf {
		p.Finish()
	}
	if jo, jn := len(o.r.Columns()), len(n.r.Columns()); jo != len(oldCols) || jn != len(newCols) {
		res.Notes = append(res.Notes, "JSON keys that first appear after the first row were not compared")
	}

	// Schema.
	if len(added) > 0 || len(removed) > 0 {
		var parts []string
		if len(removed) > 0 {
			parts = append(parts, "removed "+quoteAll(removed))
		}
		if len(added) > 0 {
			parts = append(parts, "added "+quoteAll(added))
		}
		res.Findings = append(res.Findings, Finding{Kind: SchemaChanged, Message: "columns " + strings.Join(parts, "; "),
			Statistic: fmt.Sprintf("removed=%d added=%d", len(removed), len(added))})
	}
	for i, c := range common {
		if isText(i) {
			continue
		}
		to, tn := oldProf[i].Type(), newProf[i].Type()
		if to != tn && to != "empty" && tn != "empty" {
			res.Findings = append(res.Findings, Finding{Kind: SchemaChanged, Column: c,
				Message:   fmt.Sprintf("column %q changed type from %s to %s", c, to, tn),
				Statistic: fmt.Sprintf("old_type=%s new_type=%s", to, tn)})
		}
	}

	// Drift.
	for i, c := range common {
		op, np := oldProf[i], newProf[i]
		if isText(i) || i == key || op.Type() != np.Type() {
			continue
		}
		if op.CapHit || np.CapHit {
			if !op.IsNumeric() {
				res.Notes = append(res.Notes, fmt.Sprintf("column %q has more than %d distinct values: its category drift was not measured", c, opt.CategoryCap))
			}
		}
		if (op.Sampled() || np.Sampled()) && op.IsNumeric() && i != label {
			res.Notes = append(res.Notes, fmt.Sprintf("column %q: PSI and KS computed on a uniform sample of %d values per version", c, opt.SampleCap))
		}
		switch {
		case i == label:
			if op.Categorical() && np.Categorical() {
				_, r, cur := drift.Aligned(op, np)
				j := drift.JSD(r, cur)
				chi, p := drift.ChiSquare(r, cur)
				if j >= opt.Drift.LabelJSD {
					res.Findings = append(res.Findings, Finding{Kind: LabelShift, Column: c,
						Message:   fmt.Sprintf("the distribution of label %q shifted: %s", c, shares(op, np)),
						Statistic: fmt.Sprintf("jsd=%.4f chi2=%.1f p=%.3g", j, chi, p)})
				}
			}
		case op.IsNumeric():
			psi := drift.PSI(op.Sample, np.Sample)
			d, p := drift.KS(op.Sample, np.Sample)
			if psi >= opt.Drift.PSI || d >= opt.Drift.KSD && p <= opt.Drift.KSP {
				res.Findings = append(res.Findings, Finding{Kind: Drift, Column: c,
					Message: fmt.Sprintf("numeric column %q drifted: PSI %.3f, Kolmogorov–Smirnov D %.3f (p=%.3g); mean %.4g → %.4g",
						c, psi, d, p, mean(op.Sample), mean(np.Sample)),
					Statistic: fmt.Sprintf("psi=%.4f ks_d=%.4f ks_p=%.3g", psi, d, p)})
			}
		case op.Categorical() && np.Categorical():
			_, r, cur := drift.Aligned(op, np)
			j := drift.JSD(r, cur)
			chi, p := drift.ChiSquare(r, cur)
			if j >= opt.Drift.JSD {
				res.Findings = append(res.Findings, Finding{Kind: Drift, Column: c,
					Message:   fmt.Sprintf("categorical column %q drifted: Jensen–Shannon divergence %.3f bits, chi-square %.1f (p=%.3g)", c, j, chi, p),
					Statistic: fmt.Sprintf("jsd=%.4f chi2=%.1f p=%.3g", j, chi, p)})
			}
		}
	}

	// Poisoning.
	for _, s := range det.Signals(func(c int) (map[string]int64, map[string]int64) {
		return oldProf[c].Counts, newProf[c].Counts
	}) {
		res.Findings = append(res.Findings, Finding{Kind: "poisoning-" + string(s.Kind), Column: s.Column, Message: s.Message,
			Statistic: s.Statistic, Rows: s.Rows, Line: s.Line})
	}
	res.Notes = append(res.Notes, det.Capped()...)
	return res, nil
}

// targetLike reports whether a column names what poisoning promotes: the
// item of a recommender's interactions, a product, a target or class. A
// change of mix in other columns (customers' countries) is drift, not
// this signal.
func targetLike(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"item", "product", "sku", "asin", "target", "class", "category", "movie", "track", "artist", "song", "video", "article", "ad_id", "merchant", "seller"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

func (t Thresholds) normalize() Thresholds {
	d := DefaultDrift
	for _, p := range []struct {
		v   *float64
		def float64
	}{{&t.PSI, d.PSI}, {&t.KSD, d.KSD}, {&t.KSP, d.KSP}, {&t.JSD, d.JSD}, {&t.LabelJSD, d.LabelJSD}} {
		if *p.v <= 0 {
			*p.v = p.def
		}
	}
	return t
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

func mean(s []float64) float64 {
	if len(s) == 0 {
		return 0
	}
	t := 0.0
	for _, v := range s {
		t += v
	}
	return t / float64(len(s))
}

// shares renders the label classes whose share moved most.
func shares(o, n *drift.Profile) string {
	keys, r, c := drift.Aligned(o, n)
	var so, sn float64
	for i := range keys {
		so += r[i]
		sn += c[i]
	}
	type mv struct {
		k      string
		a, b   float64
		change float64
	}
	var ms []mv
	for i, k := range keys {
		a, b := r[i]/max(so, 1), c[i]/max(sn, 1)
		ms = append(ms, mv{k, a, b, b - a})
	}
	slices.SortStableFunc(ms, func(x, y mv) int {
		dx, dy := x.change, y.change
		if dx < 0 {
			dx = -dx
		}
		if dy < 0 {
			dy = -dy
		}
		switch {
		case dx > dy:
			return -1
		case dx < dy:
			return 1
		}
		return strings.Compare(x.k, y.k)
	})
	var parts []string
	for i, m := range ms {
		if i == 3 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.1f%% → %.1f%%", strconv.Quote(m.k), m.a*100, m.b*100))
	}
	return strings.Join(parts, ", ")
}
