package table

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/mlsec/mlsec/internal/bounds"
)

// jsonl reads one JSON object per line. Columns are the union of the keys
// in order of first appearance; a nested value is kept as its compact JSON
// text, so it still compares and hashes.
type jsonl struct {
	br     *bufio.Reader
	lim    Limits
	cols   []string
	index  map[string]int
	row    Row
	line   int64
	n      int64
	buf    []byte
	values []string
	// pending is the first row, read at open so that Columns is known
	// before the first Next.
	pending *Row
}

func newJSONL(r io.Reader, lim Limits) (*jsonl, error) {
	j := &jsonl{br: bufio.NewReaderSize(r, readBuf), lim: lim, index: map[string]int{}}
	// Peek for an empty file: a JSON Lines file with no rows has nothing to
	// compare and is reported, not passed as an empty dataset.
	for {
		b, err := j.br.Peek(1)
		if err == io.EOF || len(b) == 0 {
			if j.line == 0 {
				return nil, ErrEmpty
			}
			return nil, fmt.Errorf("no rows: only blank lines")
		}
		if b[0] != '\n' && b[0] != '\r' && b[0] != ' ' && b[0] != '\t' {
			break
		}
		c, _ := j.br.ReadByte()
		if c == '\n' {
			j.line++
		}
	}
	first, err := j.next()
	if err != nil {
		return nil, err
	}
	cp := *first
	cp.Values = append([]string(nil), first.Values...)
	j.pending = &cp
	return j, nil
}

func (j *jsonl) Columns() []string { return j.cols }

// readLine returns the next line without its end, bounded by
// MaxRecordBytes.
func (j *jsonl) readLine() ([]byte, error) {
	j.buf = j.buf[:0]
	for {
		frag, err := j.br.ReadSlice('\n')
		j.buf = append(j.buf, frag...)
		if len(j.buf) > j.lim.MaxRecordBytes {
			return nil, bounds.Exceeded("line %d is longer than %d bytes", j.line+1, j.lim.MaxRecordBytes)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(j.buf) > 0 {
			err = nil
		}
		j.line++
		return bytes.TrimRight(j.buf, "\r\n"), err
	}
}

func (j *jsonl) Next() (*Row, error) {
	if p := j.pending; p != nil {
		j.pending = nil
		return p, nil
	}
	return j.next()
}

func (j *jsonl) next() (*Row, error) {
	var line []byte
	for {
		l, err := j.readLine()
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(l)) > 0 {
			line = l
			break
		}
	}
	if !utf8.Valid(line) {
		return nil, fmt.Errorf("line %d: not valid UTF-8", j.line)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return nil, fmt.Errorf("line %d: not a JSON object: %v", j.line, err)
	}
	if obj == nil {
		return nil, fmt.Errorf("line %d: null, not a JSON object", j.line)
	}
	for i := range j.values {
		j.values[i] = ""
	}
	// Keys of a new row are added in sorted order: a Go map has none, and
	// the column order must not depend on it.
	var fresh []string
	for k := range obj {
		if _, ok := j.index[k]; !ok {
			fresh = append(fresh, k)
		}
	}
	if len(fresh) > 0 {
		slices.Sort(fresh)
		if len(j.cols)+len(fresh) > j.lim.MaxColumns {
			return nil, bounds.Exceeded("line %d: more than %d distinct keys", j.line, j.lim.MaxColumns)
		}
		for _, k := range fresh {
			j.index[k] = len(j.cols)
			j.cols = append(j.cols, k)
			j.values = append(j.values, "")
		}
	}
	for k, raw := range obj {
		j.values[j.index[k]] = scalar(raw)
	}
	j.n++
	j.row = Row{Num: j.n, Line: j.line, Values: j.values}
	return &j.row, nil
}

// scalar renders a JSON value as a table cell: strings unquoted, null as
// missing, numbers and booleans as written, objects and arrays compacted.
func scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	switch raw[0] {
	case '"':
		if s, err := strconv.Unquote(string(raw)); err == nil {
			return s
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return string(raw)
	case '{', '[':
		var b bytes.Buffer
		if json.Compact(&b, raw) == nil {
			return b.String()
		}
	}
	return string(raw)
}
