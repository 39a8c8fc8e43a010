// Package drift measures how a column's distribution moved between two
// versions of a dataset: the population stability index and the
// two-sample Kolmogorov–Smirnov test for numbers, Jensen–Shannon
// divergence and Pearson's chi-square test of homogeneity for categories
// (and for the label).
//
// The statistics are hand-written rather than taken from gonum: each is a
// few lines over sorted samples or count tables, the p-value functions
// are the textbook series, and the scanner stays free of a numeric
// library it would use for nothing else.
package drift

import (
	"math"
	"slices"
)

// PSI is the population stability index of cur against ref over bins cut
// at ref's deciles: sum over bins of (c-r)·ln(c/r), with shares floored at
// 1e-4 so an empty bin does not give infinity. Under 0.1 is usually read
// as stable, 0.1–0.2 as a moderate shift, over 0.2 as a significant one.
// Both samples must be sorted.
func PSI(ref, cur []float64) float64 {
	if len(ref) == 0 || len(cur) == 0 {
		return 0
	}
	var cuts []float64
	for i := 1; i < 10; i++ {
		c := ref[i*len(ref)/10]
		if len(cuts) == 0 || c > cuts[len(cuts)-1] {
			cuts = append(cuts, c)
		}
	}
	count := func(s []float64) []float64 {
		out := make([]float64, len(cuts)+1)
		lo := 0
		for b, c := range cuts {
			// values < c fall in bin b (after the previous cut)
			hi := lo + sortSearch(s[lo:], c)
			out[b] = float64(hi - lo)
			lo = hi
		}
		out[len(cuts)] = float64(len(s) - lo)
		for i := range out {
			out[i] = math.Max(out[i]/float64(len(s)), 1e-4)
		}
		return out
	}
	r, c := count(ref), count(cur)
	psi := 0.0
	for i := range r {
		psi += (c[i] - r[i]) * math.Log(c[i]/r[i])
	}
	return psi
}

// sortSearch returns the number of values in sorted s below x.
func sortSearch(s []float64, x float64) int {
	i, _ := slices.BinarySearch(s, x) // the first index holding a value >= x
	return i
}

// KS is the two-sample Kolmogorov–Smirnov statistic D (the largest gap
// between the two empirical distribution functions) and its asymptotic
// p-value. Both samples must be sorted.
func KS(a, b []float64) (d, p float64) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return 0, 1
	}
	i, j := 0, 0
	for i < n && j < m {
		x := math.Min(a[i], b[j])
		for i < n && a[i] <= x {
			i++
		}
		for j < m && b[j] <= x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/float64(n)-float64(j)/float64(m)))
	}
	en := math.Sqrt(float64(n) * float64(m) / float64(n+m))
	return d, kolmogorovQ((en + 0.12 + 0.11/en) * d)
}

// kolmogorovQ is the survival function of the Kolmogorov distribution.
func kolmogorovQ(x float64) float64 {
	if x < 0.2 {
		return 1
	}
	s := 0.0
	for k := 1; k <= 100; k++ {
		t := 2 * math.Pow(-1, float64(k-1)) * math.Exp(-2*float64(k*k)*x*x)
		s += t
		if math.Abs(t) < 1e-12 {
			break
		}
	}
	return math.Min(math.Max(s, 0), 1)
}

// JSD is the Jensen–Shannon divergence, in bits (0 identical, 1
// disjoint), between two count vectors over the same categories.
func JSD(ref, cur []float64) float64 {
	var sr, sc float64
	for i := range ref {
		sr += ref[i]
		sc += cur[i]
	}
	if sr == 0 || sc == 0 {
		return 0
	}
	d := 0.0
	for i := range ref {
		p, q := ref[i]/sr, cur[i]/sc
		m := (p + q) / 2
		if p > 0 {
			d += p / 2 * math.Log2(p/m)
		}
		if q > 0 {
			d += q / 2 * math.Log2(q/m)
		}
	}
	return math.Max(d, 0)
}

// ChiSquare is Pearson's chi-square test of homogeneity of two count
// vectors over the same categories: the statistic and its p-value.
// Categories empty in both are left out of the degrees of freedom.
func ChiSquare(ref, cur []float64) (stat, p float64) {
	var sr, sc float64
	for i := range ref {
		sr += ref[i]
		sc += cur[i]
	}
	if sr == 0 || sc == 0 {
		return 0, 1
	}
	n := sr + sc
	k := 0
	for i := range ref {
		t := ref[i] + cur[i]
		if t == 0 {
			continue
		}
		k++
		er, ec := t*sr/n, t*sc/n
		stat += (ref[i]-er)*(ref[i]-er)/er + (cur[i]-ec)*(cur[i]-ec)/ec
	}
	if k < 2 {
		return 0, 1
	}
	return stat, gammaQ(float64(k-1)/2, stat/2)
}

// gammaQ is the regularized upper incomplete gamma function Q(a, x), by
// its series below a+1 and its continued fraction above (Numerical
// Recipes' split).
func gammaQ(a, x float64) float64 {
	if x <= 0 {
		return 1
	}
	lg, _ := math.Lgamma(a)
	if x < a+1 {
		sum, del, ap := 1/a, 1/a, a
		for range 1000 {
			ap++
			del *= x / ap
			sum += del
			if math.Abs(del) < math.Abs(sum)*1e-14 {
				break
			}
		}
		return math.Max(0, 1-sum*math.Exp(-x+a*math.Log(x)-lg))
	}
	const tiny = 1e-300
	b := x + 1 - a
	c, d := 1/tiny, 1/b
	h := d
	for i := 1; i <= 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-14 {
			break
		}
	}
	return math.Min(1, math.Exp(-x+a*math.Log(x)-lg)*h)
}
