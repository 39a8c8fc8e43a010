package table

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
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

// delimited reads CSV and TSV. Most lines of a real table hold no quote
// character: such a line is split on the delimiter here, from the read
// buffer, which is what encoding/csv would return for it at a fraction of
// the cost (csv copies every field into its own buffer and records each
// field's position). The first line that is not that simple (a quote, a
// stray carriage return, a line longer than the read buffer) hands it and
// the rest of the file to encoding/csv, which then parses to the end;
// line numbers continue from where the fast path stopped.
type delimited struct {
	br     *bufio.Reader
	comma  byte
	lim    Limits
	header []string
	row    Row
	n      int64
	rec    []string // the fast path's fields, reused
	lines  int64    // lines the fast path consumed
	valid  bool     // the last record read is valid UTF-8, checked whole
	// The complete lines the read buffer held, copied out as one string
	// (one allocation per buffer, not one per row; rows are substrings),
	// and where the next of them starts.
	chunk string
	pos   int

	// After the hand-over: encoding/csv, and the lines before its first.
	cr      *csv.Reader
	bud     *budgetReader
	lineOff int64
}

const readBuf = 256 << 10

func newDelimited(r io.Reader, comma rune, lim Limits) (*delimited, error) {
	d := &delimited{br: bufio.NewReaderSize(r, readBuf), comma: byte(comma), lim: lim}
	rec, _, err := d.read()
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
	for _, c := range rec {
		d.header = append(d.header, strings.Clone(c)) // not the first chunk's memory
	}
	d.row.Values = make([]string, len(d.header))
	return d, nil
}

// read returns the next record and the line it starts on.
func (d *delimited) read() ([]string, int64, error) {
	for d.cr == nil {
		s, ahead, eof, full, err := d.nextLine()
		if err != nil {
			return nil, 0, err
		}
		body, simple := simpleLine(s, eof)
		if !simple || full {
			d.handOver(s + ahead)
			break
		}
		d.lines++
		if len(body) == 0 {
			continue // encoding/csv skips empty lines
		}
		if len(body) > d.lim.MaxRecordBytes {
			return nil, 0, bounds.Exceeded("a record is longer than %d bytes", d.lim.MaxRecordBytes)
		}
		// One check of the line is cheaper than one per field; an
		// invalid line is checked field by field, to name the column.
		d.valid = utf8.ValidString(body)
		line := body
		d.rec = d.rec[:0]
		for {
			i := strings.IndexByte(line, d.comma)
			if i < 0 {
				break
			}
			d.rec = append(d.rec, line[:i])
			line = line[i+1:]
		}
		d.rec = append(d.rec, line)
		return d.rec, d.lines, nil
	}
	d.bud.left = d.lim.MaxRecordBytes + 2*readBuf
	d.valid = false
	rec, err := d.cr.Read()
	if err != nil {
		return nil, 0, err
	}
	line := 0
	if len(rec) > 0 {
		line, _ = d.cr.FieldPos(0)
	}
	return rec, int64(line) + d.lineOff, nil
}

// nextLine returns the next line with its newline (none at EOF), the
// lines already read ahead after it, whether it ends the file, and
// whether it is only the start of a line longer than the read buffer.
func (d *delimited) nextLine() (s, ahead string, eof, full bool, err error) {
	if d.pos >= len(d.chunk) {
		d.chunk, d.pos = "", 0
		if d.br.Buffered() == 0 {
			d.br.Peek(1) // fill; an error is ReadSlice's to report below
		}
		b, _ := d.br.Peek(d.br.Buffered())
		if k := bytes.LastIndexByte(b, '\n'); k >= 0 {
			d.chunk = string(b[:k+1])
			d.br.Discard(k + 1)
		}
	}
	if d.pos < len(d.chunk) {
		rest := d.chunk[d.pos:]
		i := strings.IndexByte(rest, '\n') // the chunk ends with one
		d.pos += i + 1
		return rest[:i+1], rest[i+1:], false, false, nil
	}
	// The buffer holds no complete line: the start of one, to be read on
	// (ReadSlice refills), or the file's last line without a newline.
	b, err := d.br.ReadSlice('\n')
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return "", "", false, false, err
	}
	if len(b) == 0 && err == io.EOF {
		return "", "", false, false, io.EOF
	}
	return string(b), "", err == io.EOF, err == bufio.ErrBufferFull, nil
}

// simpleLine reports whether line (as read, with its newline unless at
// EOF) is one encoding/csv would split on the delimiter alone, and
// returns it without its line ending: no quote, and a carriage return
// only as part of a final CRLF.
func simpleLine(s string, eof bool) (string, bool) {
	if strings.IndexByte(s, '"') >= 0 {
		return "", false
	}
	body := s
	if !eof && len(body) > 0 && body[len(body)-1] == '\n' {
		body = body[:len(body)-1]
		if len(body) > 0 && body[len(body)-1] == '\r' {
			body = body[:len(body)-1]
		}
	}
	return body, strings.IndexByte(body, '\r') < 0
}

// handOver gives the pending line and the rest of the file to
// encoding/csv.
func (d *delimited) handOver(pending string) {
	d.chunk, d.pos = "", 0
	d.lineOff = d.lines
	d.bud = &budgetReader{r: d.br, limit: d.lim.MaxRecordBytes}
	cr := csv.NewReader(io.MultiReader(strings.NewReader(pending), d.bud))
	cr.Comma = rune(d.comma)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1         // checked in Next, for a message that names the row
	cr.LazyQuotes = d.comma == '\t' // TSV writers rarely quote; a stray quote is text
	d.cr = cr
}

func trimBOM(s string) string {
	if len(s) >= 3 && s[:3] == "\xef\xbb\xbf" {
		return s[3:]
	}
	return s
}

func (d *delimited) Columns() []string { return d.header }

func (d *delimited) Next() (*Row, error) {
	rec, line, err := d.read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		// FieldPos is only valid after a record was read: a parse error
		// names its own line.
		return nil, d.wrap(err, 0)
	}
	d.n++
	if len(rec) != len(d.header) {
		return nil, fmt.Errorf("line %d (row %d): %d fields, but the header has %d (ragged row)", line, d.n, len(rec), len(d.header))
	}
	for i, v := range rec {
		if !d.valid && !utf8.ValidString(v) {
			return nil, fmt.Errorf("line %d (row %d), column %q: value is not valid UTF-8", line, d.n, d.header[i])
		}
	}
	copy(d.row.Values, rec)
	d.row.Num, d.row.Line = d.n, line
	return &d.row, nil
}

func (d *delimited) wrap(err error, line int64) error {
	if d.bud != nil && d.bud.hitErr != nil {
		return fmt.Errorf("after row %d: %w", d.n, d.bud.hitErr)
	}
	if bounds.Is(err) {
		return fmt.Errorf("after row %d: %w", d.n, err)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d, column %d: %v", int64(pe.Line)+d.lineOff, pe.Column, pe.Err)
	}
	if line > 0 {
		return fmt.Errorf("line %d: %w", line, err)
	}
	return fmt.Errorf("after row %d: %w", d.n, err)
}
