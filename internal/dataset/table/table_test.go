package table

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/bounds"
)

// readAll reads every row of data in format f, copying values.
func readAll(f Format, data []byte, lim Limits) (cols []string, rows [][]string, nums []int64, err error) {
	r, err := Open(f, bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		return nil, nil, nil, err
	}
	for {
		row, err := r.Next()
		if err == io.EOF {
			return r.Columns(), rows, nums, nil
		}
		if err != nil {
			return r.Columns(), rows, nums, err
		}
		rows = append(rows, append([]string(nil), row.Values...))
		nums = append(nums, row.Line)
	}
}

func TestCSV(t *testing.T) {
	cols, rows, lines, err := readAll(CSV, []byte("\xef\xbb\xbfid,text\n1,\"two\nlines\"\n2,plain\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cols, "|") != "id|text" || len(rows) != 2 || rows[0][1] != "two\nlines" || lines[0] != 2 || lines[1] != 4 {
		t.Errorf("cols %q rows %q lines %v", cols, rows, lines)
	}
}

func TestTSVLazyQuotes(t *testing.T) {
	_, rows, _, err := readAll(TSV, []byte("id\ttext\n1\tsays \"hi\" twice\n"), Limits{})
	if err != nil || rows[0][1] != `says "hi" twice` {
		t.Errorf("rows %q err %v", rows, err)
	}
}

func TestJSONL(t *testing.T) {
	data := "\n{\"b\":1,\"a\":\"x\"}\n\n{\"a\":null,\"c\":{\"k\":[1, 2]},\"b\":2.5}\n"
	cols, rows, lines, err := readAll(JSONL, []byte(data), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cols, "|") != "a|b|c" {
		t.Errorf("cols %q", cols)
	}
	if strings.Join(rows[0], "|") != "x|1" || strings.Join(rows[1], "|") != `|2.5|{"k":[1,2]}` {
		t.Errorf("rows %q", rows)
	}
	if lines[0] != 2 || lines[1] != 4 {
		t.Errorf("lines %v", lines)
	}
}

func TestParquetFixture(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "diff", "parquet", "old.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	cols, rows, _, err := readAll(Parquet, b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cols, "|") != "id|age|income|country|item_id|text|label" || len(rows) != 300 || rows[0][0] != "1" {
		t.Errorf("cols %q, %d rows, first %q", cols, len(rows), rows[0])
	}
}

// Bounds: a record past MaxRecordBytes or a header past MaxColumns stops
// the read with an error bounds.Is recognises.
func TestBounds(t *testing.T) {
	long := "id,text\n1,\"" + strings.Repeat("x", 1<<20) // a quoted field that never closes
	_, _, _, err := readAll(CSV, []byte(long), Limits{MaxRecordBytes: 1 << 16})
	if !bounds.Is(err) {
		t.Errorf("unclosed quote: %v", err)
	}
	_, _, _, err = readAll(JSONL, []byte(`{"a":"`+strings.Repeat("y", 1<<20)+`"}`+"\n"), Limits{MaxRecordBytes: 1 << 16})
	if !bounds.Is(err) {
		t.Errorf("long JSON line: %v", err)
	}
	_, _, _, err = readAll(CSV, []byte(strings.Repeat("c,", 5000)+"c\n"), Limits{MaxColumns: 100})
	if !bounds.Is(err) {
		t.Errorf("wide header: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		f    Format
		data string
		want string
	}{
		{CSV, "", ErrEmpty.Error()},
		{CSV, "a,b\n1,2\n3\n", "line 3 (row 2): 1 fields, but the header has 2 (ragged row)"},
		{CSV, "a,b\n1,\xff\n", `line 2 (row 1), column "b": value is not valid UTF-8`},
		{CSV, "a,\xfe\n", "header is not valid UTF-8"},
		{CSV, "a,b\n1,\"x\"y\n", "line 2, column 5: extraneous or missing \" in quoted-field"},
		{JSONL, "", ErrEmpty.Error()},
		{JSONL, "\n \n", "no rows: only blank lines"},
		{JSONL, "[1,2]\n", "line 1: not a JSON object"},
		{JSONL, "{\"a\":1}\n{\"a\":\n", "line 2: not a JSON object"},
		{Parquet, "", ErrEmpty.Error()},
		{Parquet, "PAR1", "truncated parquet file"},
		{Parquet, "PAR1xxxxxxxxxxxxxxxxxxxxPAR1", "not a readable parquet file"},
	} {
		_, _, _, err := readAll(c.f, []byte(c.data), Limits{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: got %v, want %q", c.f, c.data, err, c.want)
		}
	}
	if _, err := Open(Unknown, strings.NewReader("x"), 1, Limits{}); err == nil {
		t.Error("unknown format opened")
	}
	if !errors.Is(ErrEmpty, ErrEmpty) {
		t.Fatal()
	}
}

// A Parquet file cut anywhere is an error or fewer rows, never a panic.
func TestParquetTruncatedEverywhere(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "diff", "parquet", "old.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(b); n += 97 {
		readAll(Parquet, b[:n], Limits{})
	}
	// Flipped bytes in the footer and pages.
	for i := 0; i < len(b); i += 211 {
		c := bytes.Clone(b)
		c[i] ^= 0xff
		readAll(Parquet, c, Limits{})
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]Format{"a.CSV": CSV, "b.tsv": TSV, "c.jsonl": JSONL, "d.ndjson": JSONL, "e.parquet": Parquet, "f.json": Unknown, "g": Unknown} {
		if got := FormatOf(name); got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
}
