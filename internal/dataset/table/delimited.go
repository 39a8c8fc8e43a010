package table

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/mlsec/mlsec/internal/bounds"
)

// budgetReader fails a read once more than budget bytes have been asked
// for since the last reset. encoding/csv holds a whole record in memory
// and has no limit of its own: a quoted field that never closes would
// otherwise read the whole file into one string.
type budgetReader struct {
	r      io.Reader
	left   int
	limit  int
	hitErr error
}

func (b *budgetReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		b.hitErr = bounds.Exceeded("a record is longer than %d bytes", b.limit)
		return 0, b.hitErr
	}
	if len(p) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= n
	return n, err
}

type delimited struct {
	cr     *csv.Reader
	br     *budgetReader
	lim    Limits
	header []string
	row    Row
	n      int64
}

const readBuf = 256 << 10

func newDelimited(r io.Reader, comma rune, lim Limits) (*delimited, error) {
	// The budget covers one record plus what the csv package's own
	// 4 KiB buffer and ours may hold ahead of it.
	br := &budgetReader{r: bufio.NewReaderSize(r, readBuf), limit: lim.MaxRecordBytes}
	br.left = lim.MaxRecordBytes + 2*readBuf
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1       // checked in Next, for a message that names the row
	cr.LazyQuotes = comma == '\t' // TSV writers rarely quote; a stray quote is text
	d := &delimited{cr: cr, br: br, lim: lim}
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, ErrEmpty
	}
	if err != nil {
		return nil, d.wrap(err, 1)
	}
	if len(rec) > lim.MaxColumns {
		return nil, bounds.Exceeded("line 1: %d columns, more than the limit of %d", len(rec), lim.MaxColumns)
	}
	if len(rec) > 0 {
		rec[0] = trimBOM(rec[0])
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("line 1, column %d: header is not valid UTF-8", i+1)
		}
	}
	d.header = append([]string(nil), rec...)
	d.row.Values = make([]string, len(d.header))
	br.left = lim.MaxRecordBytes + 2*readBuf
	return d, nil
}

func trimBOM(s string) string {
	if len(s) >= 3 && s[:3] == "\xef\xbb\xbf" {
		return s[3:]
	}
	return s
}

func (d *delimited) Columns() []string { return d.header }

func (d *delimited) Next() (*Row, error) {
	rec, err := d.cr.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		// FieldPos is only valid after a record was read: a parse error
		// names its own line.
		return nil, d.wrap(err, 0)
	}
	line := 0
	if len(rec) > 0 {
		line, _ = d.cr.FieldPos(0)
	}
	d.br.left = d.lim.MaxRecordBytes + 2*readBuf
	d.n++
	if len(rec) != len(d.header) {
		return nil, fmt.Errorf("line %d (row %d): %d fields, but the header has %d (ragged row)", line, d.n, len(rec), len(d.header))
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			return nil, fmt.Errorf("line %d (row %d), column %q: value is not valid UTF-8", line, d.n, d.header[i])
		}
	}
	copy(d.row.Values, rec)
	d.row.Num, d.row.Line = d.n, int64(line)
	return &d.row, nil
}

func (d *delimited) wrap(err error, line int64) error {
	if d.br.hitErr != nil {
		return fmt.Errorf("after row %d: %w", d.n, d.br.hitErr)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	if line > 0 {
		return fmt.Errorf("line %d: %w", line, err)
	}
	return fmt.Errorf("after row %d: %w", d.n, err)
}
