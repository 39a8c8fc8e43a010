// Package poison looks for the traces training-data poisoning leaves
// between a reference version of a dataset and a new one: rows rewritten
// in place under the same key, labels that disagree with identical
// features, duplicated or near-duplicated rows injected, many rows moved
// onto one target value or item, values outside the reference's range,
// and tokens whose frequency in a text column jumps (a backdoor trigger).
//
// A Detector sees the reference rows first (Old), then the new ones (New),
// each once, as vectors over the columns both versions share. Its memory
// is a few 64-bit hashes per row and count tables capped per column; no
// row is kept.
package poison

import (
	"hash/maphash"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind names a signal; the command maps each to its rule.
type Kind string

// Signals.
const (
	RowsChanged   Kind = "rows-changed"
	LabelFlip     Kind = "label-flip"
	Duplicates    Kind = "duplicates"
	Concentration Kind = "target-concentration"
	OutOfRange    Kind = "out-of-range"
	Trigger       Kind = "trigger-token"
)

// Signal is one poisoning signal with its statistic and the first rows
// (1-based data row numbers of the new version) behind it.
type Signal struct {
	Kind      Kind
	Column    string  // the column it is about, when one
	Count     int64   // rows behind it
	Share     float64 // Count over the new version's rows
	Statistic string  // the numbers, as "name=value" pairs
	Message   string
	Rows      []int64 // first rows, ascending
	Line      int64   // line of the first row in a text file; 0 if none
}

// Thresholds decide when a signal is reported. Zero values are replaced
// by DefaultThresholds' in Normalize.
type Thresholds struct {
	MinRows       int64   // no signal rests on fewer rows
	ChangedShare  float64 // rows rewritten in place, over the keys both versions share
	FlipShare     float64 // rows whose label disagrees with identical features
	DupShare      float64 // extra duplicate rows, over rows, beyond the reference's own rate
	PromoteShare  float64 // absolute gain in one value's share of rows
	PromoteRatio  float64 // and its new share over its old share
	RangeMargin   float64 // tolerance beyond the reference's min and max, as a fraction of its range
	RangeShare    float64 // rows outside the range
	TriggerShare  float64 // rows carrying a token
	TriggerRatio  float64 // and its new share over its old (or 1/rows when it was absent)
	MaxRowNumbers int     // row numbers listed per signal
}

// DefaultThresholds are the defaults of `mlsec data diff`.
var DefaultThresholds = Thresholds{
	MinRows: 3, ChangedShare: 0.001, FlipShare: 0.001, DupShare: 0.005, PromoteShare: 0.02, PromoteRatio: 3,
	RangeMargin: 0.1, RangeShare: 0.001, TriggerShare: 0.01, TriggerRatio: 10, MaxRowNumbers: 10,
}

// Normalize fills zero fields from DefaultThresholds. A negative value
// turns a share or ratio test off (it always passes).
func (t Thresholds) Normalize() Thresholds {
	d := DefaultThresholds
	pick := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		} else if *v < 0 {
			*v = 0
		}
	}
	if t.MinRows <= 0 {
		t.MinRows = d.MinRows
	}
	if t.MaxRowNumbers <= 0 {
		t.MaxRowNumbers = d.MaxRowNumbers
	}
	pick(&t.ChangedShare, d.ChangedShare)
	pick(&t.FlipShare, d.FlipShare)
	pick(&t.DupShare, d.DupShare)
	pick(&t.PromoteShare, d.PromoteShare)
	pick(&t.PromoteRatio, d.PromoteRatio)
	pick(&t.RangeMargin, d.RangeMargin)
	pick(&t.RangeShare, d.RangeShare)
	pick(&t.TriggerShare, d.TriggerShare)
	pick(&t.TriggerRatio, d.TriggerRatio)
	return t
}

// Config says which shared columns play which part. Indexes are into the
// vectors handed to Old and New; -1 when there is none.
type Config struct {
	Columns     []string
	Key, Label  int
	Text        []int // free-text columns, for trigger tokens
	Categorical []int // columns whose values are few enough to count, for concentration
	Thresholds  Thresholds
	// MaxKeys caps the rows remembered by hash from each version (keys,
	// row and feature hashes); a cap that is hit is reported by Capped;
	// MaxTokens the distinct tokens counted per text column; MaxValues the
	// distinct values tracked per categorical column.
	MaxKeys, MaxTokens, MaxValues int
	// RowsHint, when known, is about how many rows each version has: the
	// row maps are sized for it up front instead of growing (and rehashing)
	// a dozen times. It is capped at MaxKeys.
	RowsHint int
}

type keyRec struct{ content, feat uint64 }

type rowList struct {
	rows []int64
	line int64
	n    int64
}

func (l *rowList) add(max int, num, line int64) {
	l.n++
	if len(l.rows) < max {
		if len(l.rows) == 0 {
			l.line = line
		}
		l.rows = append(l.rows, num)
	}
}

type tok struct {
	old, new int64
	rows     rowList
}

type rangeCheck struct {
	lo, hi, min, max float64
	hits             rowList
}

// conflicted marks a feature hash whose reference rows already disagree
// on the label: natural label noise, not evidence against the new version.
const conflicted = ^uint64(0)

// DefaultMaxKeys is how many rows of each version the row-level signals
// remember by hash (a few 8-byte words each): about 100 bytes a row
// across the maps, so 4,000,000 rows stay near 400 MB.
const DefaultMaxKeys = 4_000_000

// Detector accumulates the signals.
type Detector struct {
	cfg  Config
	seed maphash.Seed
	buf  []byte

	oldRows, newRows int64
	oldKeys          *hashTable[keyRec]
	keyDup           bool
	oldDup, newDup   *hashTable[uint32]
	oldDupExtra      int64
	oldFeat, newFeat *hashTable[uint64]
	capped           []string

	changed, flips, dups rowList
	sharedKeys           int64
	ranges               map[int]*rangeCheck
	tokens               map[int]map[string]*tok
	tokCapHit            map[int]bool
	values               map[int]map[string]*rowList // novel rows per categorical value
	rangeCols            []int
	ex, nh               []uint64 // per-cell hashes of the current row
	tokBuf               []byte
	seen                 [][2]int // spans in tokBuf of the current row's tokens
	hashes               []rowHash
	touched              uint64
}

// New returns a detector for cfg.
func New(cfg Config) *Detector {
	cfg.Thresholds = cfg.Thresholds.Normalize()
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = DefaultMaxKeys
	}
	if cfg.MaxTokens <= 0 {
		cfg.MaxTokens = 200_000
	}
	if cfg.MaxValues <= 0 {
		cfg.MaxValues = 10_000
	}
	hint := min(max(cfg.RowsHint, 0), cfg.MaxKeys)
	keys, feats := 0, 0
	if cfg.Key >= 0 {
		keys = hint
	}
	if cfg.Label >= 0 {
		feats = hint
	}
	d := &Detector{cfg: cfg, seed: maphash.MakeSeed(),
		oldKeys: newHashTable[keyRec](keys), oldDup: newHashTable[uint32](hint), newDup: newHashTable[uint32](hint),
		oldFeat: newHashTable[uint64](feats), newFeat: newHashTable[uint64](0),
		ranges: map[int]*rangeCheck{}, tokens: map[int]map[string]*tok{}, tokCapHit: map[int]bool{},
		values: map[int]map[string]*rowList{}}
	for _, c := range cfg.Text {
		d.tokens[c] = map[string]*tok{}
	}
	for _, c := range cfg.Categorical {
		d.values[c] = map[string]*rowList{}
	}
	return d
}

// Capped lists the limits that were hit, for the report.
func (d *Detector) Capped() []string { return d.capped }

func (d *Detector) capOnce(msg string) {
	if !slices.Contains(d.capped, msg) {
		d.capped = append(d.capped, msg)
	}
}

// cells hashes each cell of a row once, exactly and normalized; the row
// hashes are combined from these, so a row costs one pass over its cells
// however many signals read it. nums and isNum are the cells parsed as
// numbers by the caller (nil: parsed here).
func (d *Detector) cells(vals []string, nums []float64, isNum []bool) {
	if cap(d.ex) < len(vals) {
		d.ex, d.nh = make([]uint64, len(vals)), make([]uint64, len(vals))
	}
	d.ex, d.nh = d.ex[:len(vals)], d.nh[:len(vals)]
	for i, v := range vals {
		e := maphash.String(d.seed, v)
		d.ex[i] = e
		var f float64
		var ok bool
		if nums != nil {
			f, ok = nums[i], isNum[i]
		} else {
			f, ok = parseNumber(v)
		}
		switch {
		case ok:
			d.nh[i] = roundedHash(f)
		case normalized(v):
			d.nh[i] = e // normalize(v) == v: the same bytes hash the same
		default:
			d.buf = normalize(d.buf[:0], v)
			d.nh[i] = maphash.Bytes(d.seed, d.buf)
		}
	}
}

// combine folds the per-cell hashes h, except the skipped indexes, into
// one row hash; the position is mixed in, so columns cannot swap.
func combine(h []uint64, skip1, skip2 int) uint64 {
	acc := uint64(0x9e3779b97f4a7c15)
	for i, c := range h {
		if i == skip1 || i == skip2 {
			continue
		}
		acc ^= c + 0x9e3779b97f4a7c15 + uint64(i)<<32 + acc<<6 + acc>>2
		acc *= 0xff51afd7ed558ccd
	}
	return acc ^ acc>>33
}

// roundedHash is the hash of a number rounded to 12 bits of mantissa
// (about 3.6 significant decimal digits), so that 3.14159 and 3.1416 are
// near-duplicates. Rounding the bits directly costs a few instructions,
// where decimal rounding costs a logarithm and a power per cell.
func roundedHash(f float64) uint64 {
	const drop = 52 - 12
	b := math.Float64bits(f + 0) // +0 folds -0 into 0
	b = (b + 1<<(drop-1)) &^ (1<<drop - 1)
	return b ^ 0x5bd1e9955bd1e995
}

// normalized reports whether v is already in normalize's form: lower-case
// ASCII letters and digits in words separated by single spaces.
func normalized(v string) bool {
	if v == "" || v[0] == ' ' || v[len(v)-1] == ' ' {
		return v == ""
	}
	prevSpace := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			prevSpace = false
		case c == ' ' && !prevSpace:
			prevSpace = true
		default:
			return false
		}
	}
	return true
}

// parseNumber is drift.ParseNumber's rule, for callers that pass no parse.
func parseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	c := s[0]
	if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == ' ') {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// normalize folds what a near-duplicate changes: letter case, runs of
// punctuation and spaces, and numbers beyond four significant digits.
func normalize(dst []byte, v string) []byte {
	if f, ok := parseNumber(v); ok {
		return strconv.AppendUint(dst, roundedHash(f), 16)
	}
	space := false
	for _, r := range v {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && len(dst) > 0 {
				dst = append(dst, ' ')
			}
			space = false
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		default:
			space = true
		}
	}
	return dst
}

func (d *Detector) labelHash() uint64 {
	if d.cfg.Label < 0 {
		return 0
	}
	return d.ex[d.cfg.Label]
}

// rowHash is what the row maps read of one row.
type rowHash struct {
	dup     uint64 // normalized cells but the key
	feat    uint64 // normalized cells but the key and the label
	lab     uint64 // the label cell, exact
	key     uint64 // the key cell, exact
	content uint64 // exact cells but the key
	featEx  uint64 // exact cells but the key and the label
}

func (d *Detector) hashRow(vals []string, nums []float64, isNum []bool) rowHash {
	d.cells(vals, nums, isNum)
	key, label := d.cfg.Key, d.cfg.Label
	h := rowHash{lab: d.labelHash()}
	h.dup, h.feat = combine2(d.nh, key, label)
	if key >= 0 {
		h.key = d.ex[key]
		h.content, h.featEx = combine2(d.ex, key, label)
	}
	return h
}

// combine2 is combine(h, skip, -1) and combine(h, skip, skip2) in one
// pass: the two multiply chains are independent, so the processor runs
// them side by side.
func combine2(h []uint64, skip, skip2 int) (all, less uint64) {
	a, b := uint64(0x9e3779b97f4a7c15), uint64(0x9e3779b97f4a7c15)
	for i, c := range h {
		if i == skip {
			continue
		}
		a ^= c + 0x9e3779b97f4a7c15 + uint64(i)<<32 + a<<6 + a>>2
		a *= 0xff51afd7ed558ccd
		if i != skip2 {
			b ^= c + 0x9e3779b97f4a7c15 + uint64(i)<<32 + b<<6 + b>>2
			b *= 0xff51afd7ed558ccd
		}
	}
	return a ^ a>>33, b ^ b>>33
}

// The batch entry points hash a batch of rows first, then load the table
// slots every row will probe in one tight loop, then take the rows in
// order exactly as Old and New do. The loads are independent, so the
// processor overlaps their cache misses; probed one row at a time, each
// miss stalls the row behind it (the tables are tens of megabytes).
// touched keeps the loads from being optimised away.

// OldBatch takes n consecutive reference rows, width cells each, as Old.
func (d *Detector) OldBatch(vals []string, nums []float64, isNum []bool, width, n int) {
	hs := d.batchHashes(vals, nums, isNum, width, n)
	var t uint64
	for _, h := range hs {
		t += d.oldDup.touch(h.dup)
		if d.cfg.Label >= 0 {
			t += d.oldFeat.touch(h.feat)
		}
		if d.cfg.Key >= 0 {
			t += d.oldKeys.touch(h.key)
		}
	}
	d.touched += t
	for r, h := range hs {
		d.old(vals[r*width:(r+1)*width], h)
	}
}

// NewBatch takes consecutive rows of the new version, width cells each,
// numbered rows and starting on lines, as New.
func (d *Detector) NewBatch(vals []string, nums []float64, isNum []bool, width int, rows, lines []int64) {
	n := len(rows)
	hs := d.batchHashes(vals, nums, isNum, width, n)
	var t uint64
	for _, h := range hs {
		t += d.oldDup.touch(h.dup) + d.newDup.touch(h.dup)
		if d.cfg.Label >= 0 {
			t += d.oldFeat.touch(h.feat)
		}
		if d.cfg.Key >= 0 {
			t += d.oldKeys.touch(h.key)
		}
	}
	d.touched += t
	for r, h := range hs {
		lo, hi := r*width, (r+1)*width
		rn, ri := cellSpan(nums, isNum, lo, hi)
		d.new(vals[lo:hi], rn, ri, rows[r], lines[r], h)
	}
}

// cellSpan is one row's share of the parsed cells; nil when the caller
// passed none (cells then parses).
func cellSpan(nums []float64, isNum []bool, lo, hi int) ([]float64, []bool) {
	if nums == nil {
		return nil, nil
	}
	return nums[lo:hi], isNum[lo:hi]
}

func (d *Detector) batchHashes(vals []string, nums []float64, isNum []bool, width, n int) []rowHash {
	d.hashes = d.hashes[:0]
	for r := range n {
		lo, hi := r*width, (r+1)*width
		rn, ri := cellSpan(nums, isNum, lo, hi)
		d.hashes = append(d.hashes, d.hashRow(vals[lo:hi], rn, ri))
	}
	return d.hashes
}

// Old takes one reference row; see cells for nums and isNum.
func (d *Detector) Old(vals []string, nums []float64, isNum []bool) {
	d.old(vals, d.hashRow(vals, nums, isNum))
}

func (d *Detector) old(vals []string, h rowHash) {
	d.oldRows++
	if d.oldDup.Len() >= d.cfg.MaxKeys {
		d.capOnce("row hashes of the reference capped at " + strconv.Itoa(d.cfg.MaxKeys) + " rows: later reference rows are not compared row by row")
		return
	}
	key, label := d.cfg.Key, d.cfg.Label
	c, _ := d.oldDup.Upsert(h.dup)
	if *c > 0 {
		d.oldDupExtra++
	}
	*c++
	lab := h.lab
	if label >= 0 {
		if l, ok := d.oldFeat.Upsert(h.feat); !ok {
			*l = lab
		} else if *l != lab {
			*l = conflicted
		}
	}
	if key >= 0 {
		rec, had := d.oldKeys.Upsert(h.key)
		*rec = keyRec{content: h.content, feat: h.featEx}
		if had {
			d.keyDup = true // the key was there already
		}
	}
	for _, c := range d.cfg.Text {
		d.tokenize(vals[c], func(t []byte) {
			m := d.tokens[c]
			if x, ok := m[string(t)]; ok {
				x.old++
			} else if len(m) < d.cfg.MaxTokens {
				m[string(t)] = &tok{old: 1}
			} else {
				d.tokCapHit[c] = true
			}
		})
	}
}

// KeyUsable reports whether the key column identified rows: its values
// were unique in the reference.
func (d *Detector) KeyUsable() bool { return d.cfg.Key >= 0 && !d.keyDup }

// SetRange arms the out-of-range check of a numeric column with the
// reference's min and max.
func (d *Detector) SetRange(col int, min, max float64) {
	m := (max - min) * d.cfg.Thresholds.RangeMargin
	d.ranges[col] = &rangeCheck{lo: min - m, hi: max + m, min: min, max: max}
	d.rangeCols = append(d.rangeCols, col)
}

// New takes one row of the new version: num and line place it; see
// cells for nums and isNum.
func (d *Detector) New(vals []string, nums []float64, isNum []bool, num, line int64) {
	d.new(vals, nums, isNum, num, line, d.hashRow(vals, nums, isNum))
}

func (d *Detector) new(vals []string, nums []float64, isNum []bool, num, line int64, h rowHash) {
	d.newRows++
	label := d.cfg.Label
	max := d.cfg.Thresholds.MaxRowNumbers
	dup := h.dup
	inRef, _ := d.oldDup.Get(dup)
	var c *uint32
	if d.newDup.Len() < d.cfg.MaxKeys {
		c, _ = d.newDup.Upsert(dup)
	} else {
		c = d.newDup.Find(dup) // at the cap: counted only when present
	}
	if c != nil {
		*c++
		if *c > max1(inRef) {
			d.dups.add(max, num, line)
		}
	} else {
		d.capOnce("row hashes of the new version capped at " + strconv.Itoa(d.cfg.MaxKeys) + " rows: later rows are not checked for duplicates")
	}
	novel := inRef == 0
	lab := h.lab
	if label >= 0 {
		feat := h.feat
		old, inOld := d.oldFeat.Get(feat)
		switch {
		case inOld && old != conflicted && old != lab:
			d.flips.add(max, num, line)
			novel = true
		case !inOld:
			var l *uint64
			ok := false
			if d.newFeat.Len() < d.cfg.MaxKeys {
				l, ok = d.newFeat.Upsert(feat)
				if !ok {
					*l = lab
				}
			} else if l = d.newFeat.Find(feat); l != nil {
				ok = true // at the cap: only a present hash is compared
			}
			if ok && *l != lab && *l != conflicted {
				d.flips.add(max, num, line)
				*l = conflicted
			}
		}
	}
	if d.KeyUsable() {
		if rec, ok := d.oldKeys.Get(h.key); ok {
			d.sharedKeys++
			if h.content != rec.content {
				novel = true
				// A label-only change is a flip, counted above.
				if label < 0 || h.featEx != rec.feat {
					d.changed.add(max, num, line)
				}
			} else {
				novel = false
			}
		} else {
			novel = true
		}
	}
	if novel {
		for _, c := range d.cfg.Categorical {
			m := d.values[c]
			v := vals[c]
			l, ok := m[v]
			if !ok {
				if len(m) >= d.cfg.MaxValues {
					d.capOnce("values of column " + strconv.Quote(d.cfg.Columns[c]) + " capped at " + strconv.Itoa(d.cfg.MaxValues) + " distinct")
					continue
				}
				l = &rowList{}
				m[strings.Clone(v)] = l
			}
			l.add(max, num, line)
		}
	}
	for _, c := range d.rangeCols {
		r := d.ranges[c]
		var f float64
		var ok bool
		if nums != nil {
			f, ok = nums[c], isNum[c]
		} else {
			f, ok = parseNumber(vals[c])
		}
		if ok && (f < r.lo || f > r.hi) {
			r.hits.add(max, num, line)
		}
	}
	for _, c := range d.cfg.Text {
		d.tokenize(vals[c], func(t []byte) {
			m := d.tokens[c]
			x, ok := m[string(t)]
			if !ok {
				if len(m) >= 2*d.cfg.MaxTokens {
					d.tokCapHit[c] = true
					return
				}
				x = &tok{}
				m[string(t)] = x
			}
			x.new++
			x.rows.add(max, num, line)
		})
	}
}

func max1(n uint32) uint32 { return max(n, 1) }

// tokenize calls f once for each distinct lower-case word of s (letters,
// digits, '_' and inner '-'; 2 to 64 bytes). The slice is valid during
// the call only.
func (d *Detector) tokenize(s string, f func([]byte)) {
	d.seen = d.seen[:0]
	d.tokBuf = d.tokBuf[:0]
	emit := func(start int) {
		b, e := start, len(d.tokBuf)
		for b < e && d.tokBuf[b] == '-' {
			b++
		}
		for e > b && d.tokBuf[e-1] == '-' {
			e--
		}
		w := d.tokBuf[b:e]
		if len(w) < 2 || len(w) > 64 {
			return
		}
		for _, sp := range d.seen {
			if string(d.tokBuf[sp[0]:sp[1]]) == string(w) {
				return
			}
		}
		d.seen = append(d.seen, [2]int{b, e})
		f(w)
	}
	start := 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-'):
			d.tokBuf = append(d.tokBuf, byte(r))
		case r < utf8.RuneSelf && r >= 'A' && r <= 'Z':
			d.tokBuf = append(d.tokBuf, byte(r)+'a'-'A')
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			d.tokBuf = utf8.AppendRune(d.tokBuf, unicode.ToLower(r))
		default:
			if len(d.tokBuf) > start {
				emit(start)
			}
			start = len(d.tokBuf)
		}
	}
	if len(d.tokBuf) > start {
		emit(start)
	}
}

// AddCategorical arms the concentration check of a column whose values
// are few enough to count; call it between the last Old and the first New.
func (d *Detector) AddCategorical(col int) {
	if _, ok := d.values[col]; !ok {
		d.cfg.Categorical = append(d.cfg.Categorical, col)
		d.values[col] = map[string]*rowList{}
	}
}

// OldRowsCount is the number of reference rows seen.
func (d *Detector) OldRowsCount() int64 { return d.oldRows }

// NewRowsCount is the number of new rows seen.
func (d *Detector) NewRowsCount() int64 { return d.newRows }
