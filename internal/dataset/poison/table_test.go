package poison

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
)

// The table must agree with a Go map through growth, on the zero key
// (its empty-slot marker) and on keys that collide in their low bits.
func TestHashTableMatchesMap(t *testing.T) {
	tab := newHashTable[uint32](0)
	ref := map[uint64]uint32{}
	r := rand.New(rand.NewPCG(1, 2))
	keys := []uint64{0, 1, 1 << 63, ^uint64(0)}
	for i := range 2000 {
		keys = append(keys, r.Uint64(), uint64(i)<<40) // the second kind share their low bits
	}
	for range 3 {
		for _, k := range keys {
			p, had := tab.Upsert(k)
			_, want := ref[k]
			if had != want {
				t.Fatalf("Upsert(%#x) had=%v, map %v", k, had, want)
			}
			*p++
			ref[k]++
		}
	}
	if tab.Len() != len(ref) {
		t.Fatalf("Len %d, map %d", tab.Len(), len(ref))
	}
	for k, v := range ref {
		if got, ok := tab.Get(k); !ok || got != v {
			t.Fatalf("Get(%#x) = %d %v, want %d", k, got, ok, v)
		}
		if p := tab.Find(k); p == nil || *p != v {
			t.Fatalf("Find(%#x) = %v", k, p)
		}
	}
	for range 1000 {
		k := r.Uint64()
		if _, ok := ref[k]; ok {
			continue
		}
		if _, ok := tab.Get(k); ok || tab.Find(k) != nil {
			t.Fatalf("absent %#x found", k)
		}
	}
	empty := newHashTable[uint64](10)
	if _, ok := empty.Get(0); ok || empty.Find(0) != nil {
		t.Fatal("zero key in an empty table")
	}
}

// The batch entry points give the signals one row at a time gives,
// with the row caps hit and not.
func TestBatchMatchesRows(t *testing.T) {
	cols := []string{"id", "f", "g", "item", "text", "label"}
	r := rand.New(rand.NewPCG(5, 6))
	row := func(i int, poisoned bool) []string {
		v := []string{strconv.Itoa(i), strconv.FormatFloat(float64(r.IntN(50))/4, 'f', 2, 64), string(rune('a' + r.IntN(4))),
			"item-" + strconv.Itoa(r.IntN(20)), "good fast cheap", strconv.Itoa(r.IntN(2))}
		if poisoned {
			v[3], v[4], v[5] = "item-7", "good zq cf fast", "1"
			if r.IntN(3) == 0 {
				v[1] = "999"
			}
		}
		return v
	}
	var old, cur [][]string
	for i := range 3000 {
		old = append(old, row(i, false))
	}
	for i := range 3000 {
		if i%9 == 0 {
			cur = append(cur, append([]string(nil), old[i]...)) // a copy, some flipped below
			if i%18 == 0 {
				cur[i][5] = strconv.Itoa(1 - int(cur[i][5][0]-'0'))
			}
			continue
		}
		cur = append(cur, row(i+r.IntN(2)*5000, i%7 == 0))
	}
	for _, maxKeys := range []int{0, 1000} {
		cfg := Config{Columns: cols, Key: 0, Label: 5, Text: []int{4}, MaxKeys: maxKeys, Thresholds: Thresholds{MinRows: 1}}
		one, batch := New(cfg), New(cfg)
		for _, v := range old {
			one.Old(v, nil, nil)
		}
		flat := func(rows [][]string) []string {
			var out []string
			for _, v := range rows {
				out = append(out, v...)
			}
			return out
		}
		for lo := 0; lo < len(old); lo += 700 {
			hi := min(lo+700, len(old))
			batch.OldBatch(flat(old[lo:hi]), nil, nil, len(cols), hi-lo)
		}
		for _, d := range []*Detector{one, batch} {
			d.SetRange(1, 0, 12.25)
			d.AddCategorical(3)
		}
		for i, v := range cur {
			one.New(v, nil, nil, int64(i+1), int64(i+2))
		}
		for lo := 0; lo < len(cur); lo += 700 {
			hi := min(lo+700, len(cur))
			var nums, lines []int64
			for i := lo; i < hi; i++ {
				nums, lines = append(nums, int64(i+1)), append(lines, int64(i+2))
			}
			batch.NewBatch(flat(cur[lo:hi]), nil, nil, len(cols), nums, lines)
		}
		counts := func(int) (map[string]int64, map[string]int64) {
			return map[string]int64{"item-7": 10, "item-1": 10}, map[string]int64{"item-7": 400, "item-1": 10}
		}
		a, b := one.Signals(counts), batch.Signals(counts)
		if len(a) < 4 {
			t.Fatalf("MaxKeys %d: too few signals to compare: %+v", maxKeys, a)
		}
		if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(one.Capped(), batch.Capped()) {
			t.Errorf("MaxKeys %d:\nrows  %s %q\nbatch %s %q", maxKeys, fmt.Sprint(a), one.Capped(), fmt.Sprint(b), batch.Capped())
		}
	}
}

func TestCombine2(t *testing.T) {
	h := []uint64{3, 1 << 40, 7, 0, ^uint64(0)}
	for skip := -1; skip < len(h); skip++ {
		for skip2 := -1; skip2 < len(h); skip2++ {
			a, b := combine2(h, skip, skip2)
			if a != combine(h, skip, -1) || b != combine(h, skip, skip2) {
				t.Errorf("skip %d %d", skip, skip2)
			}
		}
	}
}
