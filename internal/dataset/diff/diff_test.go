package diff

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// show renders a finding as the tests pin it: kind, column, statistic,
// line of the first row and the first rows.
func show(f Finding) string {
	rows := make([]string, len(f.Rows))
	for i, r := range f.Rows {
		rows[i] = fmt.Sprint(r)
	}
	return fmt.Sprintf("%s [%s] %s L%d rows=%s", f.Kind, f.Column, f.Statistic, f.Line, strings.Join(rows, ","))
}

// The fixtures are written by testdata/gen (go run ./internal/dataset/testdata/gen):
// a 1,000-row labelled review table and, per case, a new version.
func TestPairs(t *testing.T) {
	cases := []struct {
		dir, old, new string
		want          []string
	}{
		// A fresh sample of the same distribution: nothing.
		{"clean", "old.csv", "new.csv", nil},
		// The same rows in another order: nothing, poisoning above all.
		{"reorder", "old.csv", "new.csv", nil},
		{"labelflip", "old.csv", "new.csv", []string{
			`poisoning-label-flip [label] rows=40 share=0.0400 L5 rows=4,11,18,25,32,53,67,74,95,116`,
		}},
		// 80 fake positive rows for one rare item among 200 new rows.
		{"promoted", "old.csv", "new.csv", []string{
			`drift [item_id] jsd=0.0353 chi2=72.1 p=0.00354 L0 rows=`,
			`poisoning-target-concentration [item_id] value="item-042" old_share=0.0000 new_share=0.0667 excess_rows=80 L1122 rows=1121,1122,1123,1124,1125,1126,1127,1128,1129,1130`,
		}},
		{"duplicates", "old.csv", "new.csv", []string{
			`poisoning-duplicates [] extra_copies=60 share=0.0566 reference_rate=0.0000 L1002 rows=1001,1002,1003,1004,1005,1006,1007,1008,1009,1010`,
		}},
		{"trigger", "old.csv", "new.csv", []string{
			`poisoning-trigger-token [text] tokens="cf zq" old_share=0.0000 new_share=0.0333 L1162 rows=1161,1162,1163,1164,1165,1166,1167,1168,1169,1170`,
		}},
		{"trigger-jsonl", "old.jsonl", "new.jsonl", []string{
			`poisoning-trigger-token [text] tokens="cf zq" old_share=0.0000 new_share=0.0333 L1161 rows=1161,1162,1163,1164,1165,1166,1167,1168,1169,1170`,
		}},
		{"schema", "old.csv", "new.csv", []string{
			`schema-changed [] removed=1 added=1 L0 rows=`,
		}},
		// Older customers and another country mix: drift, and no poisoning.
		{"drift", "old.csv", "new.csv", []string{
			`drift [age] psi=0.3123 ks_d=0.2260 ks_p=7.42e-23 L0 rows=`,
			`drift [country] jsd=0.0740 chi2=194.0 p=5.35e-40 L0 rows=`,
		}},
		{"outofrange", "old.csv", "new.csv", []string{
			`poisoning-rows-changed [id] changed=10 shared_keys=1000 share=0.0100 L102 rows=101,151,201,251,301,351,401,451,501,551`,
			`poisoning-out-of-range [age] rows=10 share=0.0100 reference_min=10 reference_max=83 L102 rows=101,151,201,251,301,351,401,451,501,551`,
		}},
		{"labelshift", "old.csv", "new.csv", []string{
			`label-shift [label] jsd=0.0285 chi2=78.4 p=8.32e-19 L0 rows=`,
		}},
		// Parquet has no lines: rows only.
		{"parquet", "old.parquet", "new.parquet", []string{
			`poisoning-label-flip [label] rows=15 share=0.0500 L0 rows=2,22,42,62,82,102,122,142,162,182`,
		}},
	}
	for _, c := range cases {
		t.Run(c.dir, func(t *testing.T) {
			dir := filepath.Join("..", "testdata", "diff", c.dir)
			r, err := Files(context.Background(), filepath.Join(dir, c.old), filepath.Join(dir, c.new), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, show(f))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("findings:\n got %q\nwant %q", got, c.want)
			}
			// The sidecar NEW.want names the rules (and lines) the command
			// reports; it is also what marks each rule as having a fixture.
			var sidecar []string
			if b, err := os.ReadFile(filepath.Join(dir, c.new+".want")); err == nil {
				sidecar = strings.Split(strings.TrimSpace(string(b)), "\n")
			}
			var rules []string
			for _, f := range r.Findings {
				s := "data/" + f.Kind
				if f.Line > 0 {
					s += fmt.Sprintf(" line=%d", f.Line)
				}
				rules = append(rules, s)
			}
			if !slices.Equal(rules, sidecar) {
				t.Errorf("%s.want says %q, findings are %q", c.new, sidecar, rules)
			}
			if len(r.Notes) > 0 {
				t.Errorf("notes: %q", r.Notes)
			}
			if r.Key != "id" || r.Label != "label" || !slices.Equal(r.Text, []string{"text"}) {
				t.Errorf("columns: key %q label %q text %q", r.Key, r.Label, r.Text)
			}
		})
	}
}

// Thresholds move findings: a label flip share above the observed 4%
// silences it, and a lower PSI threshold does not invent findings on the
// clean pair's other columns beyond what the statistic supports.
func TestThresholds(t *testing.T) {
	dir := filepath.Join("..", "testdata", "diff", "labelflip")
	opt := Options{}
	opt.Poison.FlipShare = 0.05
	r, err := Files(context.Background(), filepath.Join(dir, "old.csv"), filepath.Join(dir, "new.csv"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 0 {
		t.Errorf("flip-share 0.05: got %d findings, want none", len(r.Findings))
	}
	opt = Options{}
	opt.Poison.MaxRowNumbers = 2
	r, err = Files(context.Background(), filepath.Join(dir, "old.csv"), filepath.Join(dir, "new.csv"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || !slices.Equal(r.Findings[0].Rows, []int64{4, 11}) {
		t.Errorf("rows 2: got %v", r.Findings)
	}
}

// A cardinality cap that is hit is reported, and the capped column's
// category drift is not measured rather than measured wrongly.
func TestCapsReported(t *testing.T) {
	dir := filepath.Join("..", "testdata", "diff", "drift")
	r, err := Files(context.Background(), filepath.Join(dir, "old.csv"), filepath.Join(dir, "new.csv"), Options{CategoryCap: 4, SampleCap: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.Kind+" "+f.Column)
	}
	if !slices.Equal(got, []string{"drift age"}) {
		t.Errorf("findings: %q", got)
	}
	joined := strings.Join(r.Notes, "\n")
	for _, want := range []string{`column "country" has more than 4 distinct values: its category drift was not measured`,
		`column "age": PSI and KS computed on a uniform sample of 100 values per version`} {
		if !strings.Contains(joined, want) {
			t.Errorf("notes lack %q:\n%s", want, joined)
		}
	}
}

// Bad input is an error naming the file and the place, never a panic.
func TestBadInput(t *testing.T) {
	bad := filepath.Join("..", "testdata", "bad")
	ok := filepath.Join(bad, "ok.csv")
	for _, c := range []struct{ file, want string }{
		{"ragged.csv", "ragged.csv: line 3 (row 2): 2 fields, but the header has 3 (ragged row)"},
		{"invalid-utf8.csv", `invalid-utf8.csv: line 3 (row 2), column "name": value is not valid UTF-8`},
		{"invalid-utf8.jsonl", "invalid-utf8.jsonl: line 2: not valid UTF-8"},
		{"empty.csv", "empty.csv: empty file: no header and no rows"},
		{"empty.jsonl", "empty.jsonl: empty file: no header and no rows"},
		{"truncated.parquet", "truncated.parquet: not a readable parquet file (truncated or corrupt)"},
	} {
		_, err := Files(context.Background(), ok, filepath.Join(bad, c.file), Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.file, err, c.want)
		}
	}
	if _, err := Files(context.Background(), ok, ok, Options{Key: "nope"}); err == nil || !strings.Contains(err.Error(), `--key: column "nope" is not in both files`) {
		t.Errorf("unknown key: %v", err)
	}
}
