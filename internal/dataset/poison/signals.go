package poison

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Counts gives a categorical column's value counts in the reference and
// the new version (from the drift profiles), for concentration.
type Counts func(col int) (old, cur map[string]int64)

// Signals returns every signal past its thresholds, in a fixed order.
func (d *Detector) Signals(counts Counts) []Signal {
	t := d.cfg.Thresholds
	n := float64(max(d.newRows, 1))
	var out []Signal
	mk := func(k Kind, col string, l rowList, stat, msg string) Signal {
		return Signal{Kind: k, Column: col, Count: l.n, Share: float64(l.n) / n, Statistic: stat, Message: msg, Rows: l.rows, Line: l.line}
	}
	if d.KeyUsable() && d.changed.n >= t.MinRows {
		share := float64(d.changed.n) / float64(max(d.sharedKeys, 1))
		if share >= t.ChangedShare {
			out = append(out, mk(RowsChanged, d.cfg.Columns[d.cfg.Key], d.changed,
				fmt.Sprintf("changed=%d shared_keys=%d share=%.4f", d.changed.n, d.sharedKeys, share),
				fmt.Sprintf("%d rows were rewritten in place under the same %s (%s of the keys both versions share)%s",
					d.changed.n, strconv.Quote(d.cfg.Columns[d.cfg.Key]), pct(share), rowsText(d.changed))))
		}
	}
	if d.flips.n >= t.MinRows && float64(d.flips.n)/n >= t.FlipShare {
		out = append(out, mk(LabelFlip, d.cfg.Columns[d.cfg.Label], d.flips,
			fmt.Sprintf("rows=%d share=%.4f", d.flips.n, float64(d.flips.n)/n),
			fmt.Sprintf("%d rows (%s) carry a %s that disagrees with identical features in the reference or elsewhere in this version (label flips)%s",
				d.flips.n, pct(float64(d.flips.n)/n), strconv.Quote(d.cfg.Columns[d.cfg.Label]), rowsText(d.flips))))
	}
	oldRate := float64(d.oldDupExtra) / float64(max(d.oldRows, 1))
	if excess := float64(d.dups.n)/n - oldRate; d.dups.n >= t.MinRows && excess >= t.DupShare {
		out = append(out, mk(Duplicates, "", d.dups,
			fmt.Sprintf("extra_copies=%d share=%.4f reference_rate=%.4f", d.dups.n, float64(d.dups.n)/n, oldRate),
			fmt.Sprintf("%d rows (%s) are extra copies of other rows, exact or after folding case, punctuation and number precision (reference: %s)%s",
				d.dups.n, pct(float64(d.dups.n)/n), pct(oldRate), rowsText(d.dups))))
	}
	if counts != nil {
		for _, c := range d.cfg.Categorical {
			old, cur := counts(c)
			if s, ok := d.concentration(c, old, cur); ok {
				out = append(out, s)
			}
		}
	}
	cols := make([]int, 0, len(d.ranges))
	for c := range d.ranges {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	for _, c := range cols {
		r := d.ranges[c]
		if r.hits.n >= t.MinRows && float64(r.hits.n)/n >= t.RangeShare {
			out = append(out, mk(OutOfRange, d.cfg.Columns[c], r.hits,
				fmt.Sprintf("rows=%d share=%.4f reference_min=%g reference_max=%g", r.hits.n, float64(r.hits.n)/n, r.min, r.max),
				fmt.Sprintf("%d rows (%s) hold %s values outside the reference's range [%g, %g] (with a %g%% margin)%s",
					r.hits.n, pct(float64(r.hits.n)/n), strconv.Quote(d.cfg.Columns[c]), r.min, r.max, t.RangeMargin*100, rowsText(r.hits))))
		}
	}
	for _, c := range d.cfg.Text {
		out = append(out, d.triggers(c)...)
		if d.tokCapHit[c] {
			d.capOnce("tokens of column " + strconv.Quote(d.cfg.Columns[c]) + " capped at " + strconv.Itoa(d.cfg.MaxTokens) + " distinct: rarer tokens were not counted")
		}
	}
	return out
}

// concentration finds the value of a categorical column whose share of
// rows grew the most, when it grew past both thresholds: many rows moved
// onto one class or one promoted item.
func (d *Detector) concentration(c int, old, cur map[string]int64) (Signal, bool) {
	t := d.cfg.Thresholds
	var on, nn int64
	for _, v := range old {
		on += v
	}
	for _, v := range cur {
		nn += v
	}
	if on == 0 || nn == 0 {
		return Signal{}, false
	}
	best, bestGain := "", 0.0
	for v, k := range cur {
		so, sn := float64(old[v])/float64(on), float64(k)/float64(nn)
		gain := sn - so
		if gain < t.PromoteShare || sn < t.PromoteRatio*so {
			continue
		}
		if gain > bestGain || gain == bestGain && v < best {
			best, bestGain = v, gain
		}
	}
	if best == "" {
		return Signal{}, false
	}
	so, sn := float64(old[best])/float64(on), float64(cur[best])/float64(nn)
	moved := cur[best] - int64(so*float64(nn)+0.5)
	if moved < t.MinRows {
		return Signal{}, false
	}
	l := rowList{}
	if x := d.values[c][best]; x != nil {
		l = *x
	}
	l.n = moved
	col := d.cfg.Columns[c]
	what := "value"
	if c == d.cfg.Label {
		what = "label"
	}
	ratio := "new"
	if so > 0 {
		ratio = fmt.Sprintf("%.1fx", sn/so)
	}
	return Signal{Kind: Concentration, Column: col, Count: moved, Share: bestGain, Line: l.line, Rows: l.rows,
		Statistic: fmt.Sprintf("value=%s old_share=%.4f new_share=%.4f excess_rows=%d", strconv.Quote(best), so, sn, moved),
		Message: fmt.Sprintf("about %d more rows than the reference's share would give carry %s %s=%s: its share went from %s to %s (%s)%s",
			moved, what, strconv.Quote(col), strconv.Quote(truncate(best)), pct(so), pct(sn), ratio, rowsTextLabel(l, "new or changed rows with it"))}, true
}

// triggers finds tokens of a text column whose share of rows jumped,
// folding tokens seen on exactly the same rows into one phrase.
func (d *Detector) triggers(c int) []Signal {
	t := d.cfg.Thresholds
	n, on := float64(max(d.newRows, 1)), float64(max(d.oldRows, 1))
	type hit struct {
		words []string
		x     *tok
	}
	groups := map[string]*hit{}
	var order []string
	for w, x := range d.tokens[c] {
		if x.new < t.MinRows {
			continue
		}
		sn, so := float64(x.new)/n, max(float64(x.old), 1)/on
		if sn < t.TriggerShare || sn < t.TriggerRatio*so {
			continue
		}
		key := fmt.Sprint(x.new, x.old, x.rows.rows)
		if g, ok := groups[key]; ok {
			g.words = append(g.words, w)
			continue
		}
		groups[key] = &hit{words: []string{w}, x: x}
		order = append(order, key)
	}
	var out []Signal
	for _, k := range order {
		g := groups[k]
		slices.Sort(g.words)
		x := g.x
		sn, so := float64(x.new)/n, float64(x.old)/on
		words := strings.Join(g.words, " ")
		out = append(out, Signal{Kind: Trigger, Column: d.cfg.Columns[c], Count: x.new, Share: sn, Rows: x.rows.rows, Line: x.rows.line,
			Statistic: fmt.Sprintf("tokens=%s old_share=%.4f new_share=%.4f", strconv.Quote(words), so, sn),
			Message: fmt.Sprintf("token %s appears in %d rows of %s (%s, reference %s): a possible backdoor trigger%s",
				strconv.Quote(truncate(words)), x.new, strconv.Quote(d.cfg.Columns[c]), pct(sn), pct(so), rowsText(x.rows))})
	}
	slices.SortFunc(out, func(a, b Signal) int { return strings.Compare(a.Statistic, b.Statistic) })
	return out
}

func pct(f float64) string { return strconv.FormatFloat(f*100, 'f', 2, 64) + "%" }

func truncate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

func rowsText(l rowList) string { return rowsTextLabel(l, "rows") }

func rowsTextLabel(l rowList, label string) string {
	if len(l.rows) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("; first ")
	b.WriteString(label)
	b.WriteString(": ")
	for i, r := range l.rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(r, 10))
	}
	return b.String()
}
