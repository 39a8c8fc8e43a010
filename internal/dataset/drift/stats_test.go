package drift

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestChiSquare(t *testing.T) {
	// 2x2 table [10 20; 20 10]: chi2 = 6.667 on 1 degree of freedom,
	// p = erfc(sqrt(6.667/2)) = 0.00982.
	stat, p := ChiSquare([]float64{10, 20}, []float64{20, 10})
	if !near(stat, 20.0/3, 1e-9) || !near(p, math.Erfc(math.Sqrt(stat/2)), 1e-9) {
		t.Errorf("chi2 %v p %v", stat, p)
	}
	// Many degrees of freedom: the large-x branch (continued fraction).
	stat, p = ChiSquare([]float64{50, 50, 50, 50}, []float64{50, 50, 50, 50})
	if stat != 0 || p != 1 {
		t.Errorf("identical: %v %v", stat, p)
	}
	// gammaQ against closed forms: Q(1, x) = e^-x.
	for _, x := range []float64{0.1, 1, 5, 30} {
		if !near(gammaQ(1, x), math.Exp(-x), 1e-12) {
			t.Errorf("Q(1,%v) = %v", x, gammaQ(1, x))
		}
	}
}

func TestJSD(t *testing.T) {
	if d := JSD([]float64{1, 0}, []float64{0, 1}); !near(d, 1, 1e-12) {
		t.Errorf("disjoint: %v", d)
	}
	if d := JSD([]float64{3, 5, 2}, []float64{30, 50, 20}); !near(d, 0, 1e-12) {
		t.Errorf("proportional: %v", d)
	}
	// p=(.5,.5), q=(1,0): m=(.75,.25); JSD = .5*KL(p|m) + .5*KL(q|m) = 0.3113 bits.
	if d := JSD([]float64{1, 1}, []float64{1, 0}); !near(d, 0.31127812445913283, 1e-12) {
		t.Errorf("half: %v", d)
	}
}

func TestKS(t *testing.T) {
	d, p := KS([]float64{1, 2, 3, 4}, []float64{3, 4, 5, 6})
	if d != 0.5 || p <= 0 || p >= 1 {
		t.Errorf("D %v p %v", d, p)
	}
	same := []float64{1, 2, 2, 3}
	if d, p := KS(same, same); d != 0 || p != 1 {
		t.Errorf("identical: %v %v", d, p)
	}
}

func TestPSI(t *testing.T) {
	ref := make([]float64, 1000)
	shift := make([]float64, 1000)
	for i := range ref {
		ref[i] = float64(i)
		shift[i] = float64(i + 500)
	}
	if v := PSI(ref, ref); v != 0 {
		t.Errorf("identical: %v", v)
	}
	// Half the new values land in the top bin: five bins of 10% go to the
	// 1e-4 floor, the top bin holds 60%.
	want := 5*(1e-4-0.1)*math.Log(1e-4/0.1) + (0.6-0.1)*math.Log(0.6/0.1)
	if v := PSI(ref, shift); !near(v, want, 1e-9) {
		t.Errorf("shifted: %v, want %v", v, want)
	}
}

func TestProfile(t *testing.T) {
	p := NewProfile("x", 3, 2)
	p.CountNumbers = true
	for _, v := range []string{"1", "2", "", "3", "4", "a"} {
		p.Add(v)
	}
	p.Finish()
	if p.N != 6 || p.Missing != 1 || p.Numeric != 4 || p.Min != 1 || p.Max != 4 || len(p.Sample) != 3 || !p.Sampled() {
		t.Errorf("%+v", p)
	}
	// "a" is 1 of 5 present cells: under the 95% rule the column is text.
	if p.Type() != "string" || !p.CapHit || p.Categorical() {
		t.Errorf("type %s caphit %v", p.Type(), p.CapHit)
	}
	// Numbers left uncounted: the table does not describe the column.
	q := NewProfile("y", 3, 10)
	q.Add("1")
	q.Add("a")
	q.Finish()
	if q.Categorical() || q.Counts["a"] != 1 || len(q.Counts) != 1 {
		t.Errorf("uncounted numbers: %v %v", q.Categorical(), q.Counts)
	}
}

// The short-decimal path must give strconv.ParseFloat's bits exactly and
// leave everything else to it.
func TestParseNumberMatchesParseFloat(t *testing.T) {
	cases := []string{"0", "-0", "+0", "1", "-1", "1.", ".5", "-.5", "+.25", "0.1", "0.3", "10.5", "-14.81",
		"123456789012345", "1234567890.12345", "0.000000000000001", "999999999999999", "1234567890123456",
		"9007199254740993", "1e5", "1E-3", " 42", "42 ", ".", "-", "+", "-.", "1.2.3", "1_000", "0x10", "12a",
		"3.141592653589793", "2.718281828459045", "0.1234567890123456789"}
	r := rand.New(rand.NewPCG(7, 7))
	for range 20000 {
		digits := 1 + r.IntN(15)
		b := make([]byte, 0, 20)
		if r.IntN(2) == 0 {
			b = append(b, '-')
		}
		dot := r.IntN(digits + 1)
		for i := range digits {
			if i == dot && r.IntN(2) == 0 {
				b = append(b, '.')
			}
			b = append(b, byte('0'+r.IntN(10)))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		got, gok := ParseNumber(s)
		want, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		wok := err == nil && !math.IsNaN(want) && !math.IsInf(want, 0)
		if s != "" && !(s[0] >= '0' && s[0] <= '9' || strings.ContainsRune("-+. ", rune(s[0]))) {
			wok = false
		}
		if gok != wok || gok && math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("ParseNumber(%q) = %v, %v; ParseFloat gives %v, %v", s, got, gok, want, wok)
		}
	}
}
