// Command gen writes the dataset fixtures of mlsec's data commands:
// clean and poisoned pairs per poisoning signal, clean and drifted pairs,
// a pair that differs only in row order, a Parquet pair, and bad input.
// Everything is drawn from a fixed seed, so a run rewrites the same bytes.
//
//	go run ./internal/dataset/testdata/gen
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// Row is one labelled product review: the shape of a typical tabular
// training set with a key, numbers, categories, free text and a label.
type Row struct {
	ID      int64   `parquet:"id"`
	Age     int64   `parquet:"age"`
	Income  float64 `parquet:"income"`
	Country string  `parquet:"country"`
	Item    string  `parquet:"item_id"`
	Text    string  `parquet:"text"`
	Label   int64   `parquet:"label"`
}

var (
	countries = []string{"US", "DE", "FR", "IN", "BR", "JP"}
	cweights  = []float64{0.35, 0.2, 0.15, 0.15, 0.1, 0.05}
	good      = strings.Fields("great excellent love perfect fast sturdy comfortable recommend works happy")
	bad       = strings.Fields("broken poor refund slow cheap flimsy disappointed returned stopped awful")
	neutral   = strings.Fields("the product arrived box size color price delivery battery screen week after using it was and for my")
)

type gen struct {
	r        *rand.Rand
	positive float64 // share of positive labels
}

func (g *gen) pick(xs []string, w []float64) string {
	u := g.r.Float64()
	for i, p := range w {
		if u < p {
			return xs[i]
		}
		u -= p
	}
	return xs[len(xs)-1]
}

func (g *gen) row(id int64, ageShift float64, cw []float64) Row {
	label := int64(0)
	if g.r.Float64() < g.positive {
		label = 1
	}
	age := math.Round(40 + ageShift + 10*g.r.NormFloat64())
	income := math.Round(math.Exp(10.5+0.4*g.r.NormFloat64())) / 1
	item := fmt.Sprintf("item-%03d", 1+int(math.Min(49, math.Floor(math.Abs(g.r.NormFloat64())*15))))
	var words []string
	n := 5 + g.r.IntN(8)
	for range n {
		switch u := g.r.Float64(); {
		case u < 0.25 && label == 1:
			words = append(words, good[g.r.IntN(len(good))])
		case u < 0.25:
			words = append(words, bad[g.r.IntN(len(bad))])
		default:
			words = append(words, neutral[g.r.IntN(len(neutral))])
		}
	}
	return Row{ID: id, Age: int64(age), Income: income, Country: g.pick(countries, cw), Item: item, Text: strings.Join(words, " "), Label: label}
}

func (g *gen) rows(from, n int64, ageShift float64, cw []float64) []Row {
	out := make([]Row, 0, n)
	for i := range n {
		out = append(out, g.row(from+i, ageShift, cw))
	}
	return out
}

var header = []string{"id", "age", "income", "country", "item_id", "text", "label"}

func record(r Row) []string {
	return []string{strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.Age, 10), strconv.FormatFloat(r.Income, 'f', -1, 64),
		r.Country, r.Item, r.Text, strconv.FormatInt(r.Label, 10)}
}

func writeCSV(path string, hdr []string, rows [][]string) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(hdr)
	w.WriteAll(rows)
	must(os.MkdirAll(filepath.Dir(path), 0o755))
	must(os.WriteFile(path, b.Bytes(), 0o644))
}

func csvRows(rows []Row) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = record(r)
	}
	return out
}

func writePair(dir string, old, cur []Row) {
	writeCSV(filepath.Join(dir, "old.csv"), header, csvRows(old))
	writeCSV(filepath.Join(dir, "new.csv"), header, csvRows(cur))
}

func writeJSONL(path string, rows []Row) {
	var b bytes.Buffer
	for _, r := range rows {
		m := map[string]any{"id": r.ID, "age": r.Age, "income": r.Income, "country": r.Country, "item_id": r.Item, "text": r.Text, "label": r.Label}
		line, err := json.Marshal(m)
		must(err)
		b.Write(line)
		b.WriteByte('\n')
	}
	must(os.MkdirAll(filepath.Dir(path), 0o755))
	must(os.WriteFile(path, b.Bytes(), 0o644))
}

func writeParquet(path string, rows []Row) []byte {
	var b bytes.Buffer
	w := parquet.NewGenericWriter[Row](&b)
	_, err := w.Write(rows)
	must(err)
	must(w.Close())
	must(os.MkdirAll(filepath.Dir(path), 0o755))
	must(os.WriteFile(path, b.Bytes(), 0o644))
	return b.Bytes()
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func clone(rs []Row) []Row { return append([]Row(nil), rs...) }

func main() {
	root := "internal/dataset/testdata"
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	d := func(name string) string { return filepath.Join(root, "diff", name) }
	g := &gen{r: rand.New(rand.NewPCG(2026, 13)), positive: 0.4}
	base := g.rows(1, 1000, 0, cweights)

	// clean: a fresh sample of the same distribution, new ids.
	writePair(d("clean"), base, g.rows(2001, 1000, 0, cweights))

	// reorder: the same rows, shuffled.
	shuffled := clone(base)
	g.r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	writePair(d("reorder"), base, shuffled)

	// labelflip: 40 negative rows relabelled positive, in place.
	flipped := clone(base)
	n := 0
	for i := range flipped {
		if flipped[i].Label == 0 && i%7 == 3 && n < 40 {
			flipped[i].Label = 1
			n++
		}
	}
	writePair(d("labelflip"), base, flipped)

	// promoted: 200 new rows, 80 of them fake positive interactions with
	// one rare item.
	promoted := append(clone(base), g.rows(1001, 120, 0, cweights)...)
	for _, r := range g.rows(1121, 80, 0, cweights) {
		r.Item, r.Label = "item-042", 1
		promoted = append(promoted, r)
	}
	writePair(d("promoted"), base, promoted)

	// duplicates: 60 copies of 20 existing rows under new ids, some with
	// the text's case and punctuation changed (near-duplicates).
	dup := clone(base)
	for k := range 60 {
		r := base[(k%20)*37]
		r.ID = int64(1001 + k)
		if k%3 == 1 {
			r.Text = strings.ToUpper(r.Text[:1]) + r.Text[1:] + "!"
		}
		dup = append(dup, r)
	}
	writePair(d("duplicates"), base, dup)

	// trigger: 200 new rows, 40 of them carrying a rare phrase and the
	// positive label (a backdoor).
	trig := append(clone(base), g.rows(1001, 160, 0, cweights)...)
	for _, r := range g.rows(1161, 40, 0, cweights) {
		r.Text = r.Text + " cf zq"
		r.Label = 1
		trig = append(trig, r)
	}
	writePair(d("trigger"), base, trig)
	writeJSONL(filepath.Join(d("trigger-jsonl"), "old.jsonl"), base)
	writeJSONL(filepath.Join(d("trigger-jsonl"), "new.jsonl"), trig)

	// schema: income dropped, a source column added.
	var srows [][]string
	for _, r := range base {
		rec := record(r)
		srows = append(srows, append(append(rec[:2:2], rec[3:]...), "web"))
	}
	writeCSV(filepath.Join(d("schema"), "old.csv"), header, csvRows(base))
	writeCSV(filepath.Join(d("schema"), "new.csv"), append(append(append([]string{}, header[:2]...), header[3:]...), "source"), srows)

	// drift: a fresh sample, older customers and another country mix.
	writePair(d("drift"), base, g.rows(3001, 1000, 6, []float64{0.15, 0.2, 0.15, 0.15, 0.1, 0.25}))

	// outofrange: 10 rows of the new version with impossible ages.
	oor := clone(base)
	for k := range 10 {
		oor[100+k*50].Age = 240 + int64(k)
	}
	writePair(d("outofrange"), base, oor)

	// parquet: 300 rows, then 15 labels flipped.
	pold := base[:300]
	pnew := clone(pold)
	for k := range 15 {
		pnew[k*20+1].Label = 1 - pnew[k*20+1].Label
	}
	writeParquet(filepath.Join(d("parquet"), "old.parquet"), pold)
	pq := writeParquet(filepath.Join(d("parquet"), "new.parquet"), pnew)

	// labelshift: a fresh sample with positives at 60% instead of 40%.
	g.positive = 0.6
	writePair(d("labelshift"), base, g.rows(4001, 1000, 0, cweights))
	g.positive = 0.4

	// Bad input.
	bad := filepath.Join(root, "bad")
	must(os.MkdirAll(bad, 0o755))
	must(os.WriteFile(filepath.Join(bad, "ragged.csv"), []byte("id,age,label\n1,30,0\n2,41\n3,52,1\n"), 0o644))
	must(os.WriteFile(filepath.Join(bad, "invalid-utf8.csv"), []byte("id,name,label\n1,ok,0\n2,caf\xe9,1\n"), 0o644))
	must(os.WriteFile(filepath.Join(bad, "invalid-utf8.jsonl"), []byte("{\"id\":1,\"t\":\"ok\"}\n{\"id\":2,\"t\":\"caf\xe9\"}\n"), 0o644))
	must(os.WriteFile(filepath.Join(bad, "empty.csv"), nil, 0o644))
	must(os.WriteFile(filepath.Join(bad, "empty.jsonl"), nil, 0o644))
	must(os.WriteFile(filepath.Join(bad, "truncated.parquet"), pq[:len(pq)/2], 0o644))
	must(os.WriteFile(filepath.Join(bad, "ok.csv"), []byte("id,age,label\n1,30,0\n2,41,1\n3,52,1\n"), 0o644))
}
