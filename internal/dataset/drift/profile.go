package drift

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Profile is one column's statistics over one version, gathered in one
// streaming pass with bounded memory: numbers go to a fixed-size uniform
// sample (exact while the column has fewer values than the sample holds),
// categories to a count table capped at MaxCategories distinct values.
type Profile struct {
	Name    string
	N       int64 // rows
	Missing int64 // empty cells
	Numeric int64 // cells that parse as a finite number
	Min     float64
	Max     float64
	// Sample holds up to SampleCap numbers, uniformly chosen; sorted by
	// Finish.
	Sample    []float64
	SampleCap int
	// Counts counts each distinct value (numbers included, while few)
	// up to CategoryCap distinct values; later new values are counted in
	// Other and CapHit is set. It is filled by Finish.
	Counts      map[string]int64
	CategoryCap int
	Other       int64
	CapHit      bool
	// CountNumbers counts numeric cells in Counts too. Without it only
	// text cells are counted (a numeric column's drift is measured on its
	// sample, and a table lookup per number is most of the cost of a
	// pass); the caller sets it for the label and item-like columns,
	// whose values are categories even when written as numbers.
	CountNumbers bool
	uncounted    bool // numbers were seen and not counted
	index        map[string]int32
	keys         []string
	counts       []int64
	rng          *rand.Rand
}

// NewProfile returns an empty profile. The sampler's seed is fixed so that
// the same input always gives the same report.
func NewProfile(name string, sampleCap, categoryCap int) *Profile {
	return &Profile{Name: name, SampleCap: sampleCap, CategoryCap: categoryCap, Counts: map[string]int64{}, index: map[string]int32{},
		Min: math.Inf(1), Max: math.Inf(-1), rng: rand.New(rand.NewPCG(1, uint64(len(name))))}
}

// ParseNumber reads a cell as a number: decimal or scientific notation,
// surrounding spaces allowed; NaN and infinities are not numbers here.
func ParseNumber(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	c := s[0]
	if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == ' ') {
		return 0, false
	}
	if f, ok := parseShortDecimal(s); ok {
		return f, true
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// pow10 holds the powers of ten that a float64 represents exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseShortDecimal reads the common cell, an optional sign and at most
// 15 digits with an optional point, without strconv.ParseFloat (whose
// generality is most of the cost of reading a numeric column). The digits
// and the power of ten are then exact float64s, so the one division is
// correctly rounded: the result is ParseFloat's, bit for bit. Anything
// else (exponents, spaces, more digits) reports false and takes the
// general path.
func parseShortDecimal(s string) (float64, bool) {
	i, neg := 0, false
	if s[0] == '-' || s[0] == '+' {
		neg, i = s[0] == '-', 1
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(m)
	if frac > 0 {
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f, true
}

// Add counts one cell; it returns the number and whether the cell was one.
func (p *Profile) Add(v string) (float64, bool) {
	f, num := ParseNumber(v)
	p.AddParsed(v, f, num)
	return f, num
}

// AddParsed counts one cell the caller has already parsed with
// ParseNumber, so that a cell read by several checks is parsed once.
func (p *Profile) AddParsed(v string, f float64, num bool) {
	p.N++
	if v == "" {
		p.Missing++
		return
	}
	if num {
		p.Numeric++
		p.Min = math.Min(p.Min, f)
		p.Max = math.Max(p.Max, f)
		if len(p.Sample) < p.SampleCap {
			p.Sample = append(p.Sample, f)
		} else if j := p.rng.Int64N(p.Numeric); j < int64(p.SampleCap) {
			p.Sample[j] = f
		}
	}
	switch {
	case num && !p.CountNumbers:
		p.uncounted = true
	case p.CapHit:
		// Past the cap the table is no description of the column and is
		// not used; lookups would only cost time.
		p.Other++
	default:
		// Counted through an index that is only read: assigning to a
		// map entry stores the assigned string as its key, and a cell
		// shares the memory of its row (of a whole read buffer, for a
		// CSV), which the table would then keep alive. One lookup, not
		// a lookup and an assignment, is also half the cost.
		if i, ok := p.index[v]; ok {
			p.counts[i]++
		} else if len(p.keys) < p.CategoryCap {
			k := strings.Clone(v)
			p.index[k] = int32(len(p.keys))
			p.keys = append(p.keys, k)
			p.counts = append(p.counts, 1)
		} else {
			p.Other++
			p.CapHit = true
		}
	}
}

// Finish sorts the sample and fills Counts; call it once after the last
// Add.
func (p *Profile) Finish() {
	slices.Sort(p.Sample)
	for i, k := range p.keys {
		p.Counts[k] = p.counts[i]
	}
}

// IsNumeric reports whether the column holds numbers: at least 95% of its
// non-empty cells parse as one.
func (p *Profile) IsNumeric() bool {
	present := p.N - p.Missing
	return present > 0 && float64(p.Numeric) >= 0.95*float64(present)
}

// Type names the column's type for schemas: "number", "string" or
// "empty".
func (p *Profile) Type() string {
	switch {
	case p.N == p.Missing:
		return "empty"
	case p.IsNumeric():
		return "number"
	}
	return "string"
}

// Sampled reports whether the numeric statistics come from a sample
// rather than every value.
func (p *Profile) Sampled() bool { return p.Numeric > int64(len(p.Sample)) }

// Categorical reports whether the count table is a usable description of
// the column: every distinct value counted (the cap was not hit).
func (p *Profile) Categorical() bool { return !p.CapHit && !p.uncounted && len(p.Counts) > 0 }

// Aligned returns the two profiles' counts over the union of their
// categories, in sorted order, with each side's Other as one more
// category, for JSD and ChiSquare.
func Aligned(ref, cur *Profile) (keys []string, r, c []float64) {
	for k := range ref.Counts {
		keys = append(keys, k)
	}
	for k := range cur.Counts {
		if _, ok := ref.Counts[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		r = append(r, float64(ref.Counts[k]))
		c = append(c, float64(cur.Counts[k]))
	}
	if ref.Other > 0 || cur.Other > 0 {
		r = append(r, float64(ref.Other))
		c = append(c, float64(cur.Other))
	}
	return keys, r, c
}
