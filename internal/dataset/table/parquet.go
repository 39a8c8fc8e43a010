package table

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"

	"github.com/mlsec/mlsec/internal/bounds"
)

// Bounds on what a Parquet file's footer may claim: the footer is the
// attacker's, and parquet-go allocates pages by the sizes it states.
const (
	maxParquetChunk = 1 << 30 // uncompressed bytes of one column chunk
	maxParquetRatio = 200     // uncompressed to compressed, past 1 MiB
)

type pq struct {
	file   *parquet.File
	cols   []string
	groups []parquet.RowGroup
	g      int
	rows   parquet.Rows
	buf    []parquet.Row
	bi, bn int
	n      int64
	row    Row
}

func newParquet(r io.ReaderAt, size int64, lim Limits) (p *pq, err error) {
	// parquet-go is not written for hostile input; a malformed footer or
	// page may panic inside it. The panic is this file's error, never the
	// command's crash.
	defer func() {
		if e := recover(); e != nil {
			p, err = nil, fmt.Errorf("malformed parquet file: %v", e)
		}
	}()
	if size == 0 {
		return nil, ErrEmpty
	}
	if size < 12 {
		return nil, fmt.Errorf("truncated parquet file: %d bytes, shorter than its header and footer", size)
	}
	// The footer's length is the last 8 bytes' first four. parquet-go
	// allocates what it says before checking it against the file: a
	// 28-byte file claiming a 2 GB footer would cost 2 GB.
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return nil, fmt.Errorf("truncated parquet file: %v", err)
	}
	if string(tail[4:]) != "PAR1" {
		return nil, fmt.Errorf("not a readable parquet file (truncated or corrupt): no PAR1 magic at the end")
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n > size-12 {
		return nil, fmt.Errorf("not a readable parquet file (truncated or corrupt): its footer claims %d bytes, more than the file holds", n)
	}
	f, err := parquet.OpenFile(r, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("not a readable parquet file (truncated or corrupt): %v", err)
	}
	for _, rg := range f.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			m := cc.MetaData
			if m.TotalUncompressedSize > maxParquetChunk ||
				m.TotalUncompressedSize > 1<<20 && m.TotalUncompressedSize > maxParquetRatio*max(m.TotalCompressedSize, 1) {
				return nil, bounds.Exceeded("column %s: a chunk of %d bytes uncompressed from %d (decompression bomb?)",
					strings.Join(m.PathInSchema, "."), m.TotalUncompressedSize, m.TotalCompressedSize)
			}
			if m.DataPageOffset < 0 || m.DataPageOffset > size || m.TotalCompressedSize > size {
				return nil, fmt.Errorf("column %s: chunk lies outside the file (truncated?)", strings.Join(m.PathInSchema, "."))
			}
		}
	}
	cols := f.Schema().Columns()
	if len(cols) > lim.MaxColumns {
		return nil, bounds.Exceeded("%d columns, more than the limit of %d", len(cols), lim.MaxColumns)
	}
	q := &pq{file: f, groups: f.RowGroups(), buf: make([]parquet.Row, 256)}
	for _, c := range cols {
		q.cols = append(q.cols, strings.Join(c, "."))
	}
	q.row.Values = make([]string, len(q.cols))
	return q, nil
}

func (q *pq) Columns() []string { return q.cols }

func (q *pq) Next() (row *Row, err error) {
	defer func() {
		if e := recover(); e != nil {
			row, err = nil, fmt.Errorf("row %d: malformed parquet data: %v", q.n+1, e)
		}
	}()
	for q.bi >= q.bn {
		if q.rows == nil {
			if q.g >= len(q.groups) {
				return nil, io.EOF
			}
			q.rows = q.groups[q.g].Rows()
			q.g++
		}
		n, err := q.rows.ReadRows(q.buf)
		q.bi, q.bn = 0, n
		if err == io.EOF || n == 0 && err == nil {
			q.rows.Close()
			q.rows = nil
			if n == 0 {
				continue
			}
		} else if err != nil {
			return nil, fmt.Errorf("row %d: %v (truncated or corrupt parquet file)", q.n+1, err)
		}
	}
	r := q.buf[q.bi]
	q.bi++
	q.n++
	for i := range q.row.Values {
		q.row.Values[i] = ""
	}
	for _, v := range r {
		c := v.Column()
		if c < 0 || c >= len(q.row.Values) || v.IsNull() {
			continue
		}
		s := cell(v)
		if q.row.Values[c] != "" { // a repeated field: keep every element
			s = q.row.Values[c] + "|" + s
		}
		q.row.Values[c] = s
	}
	q.row.Num = q.n
	return &q.row, nil
}

// cell renders a Parquet value as text, like the other formats' cells.
func cell(v parquet.Value) string {
	switch v.Kind() {
	case parquet.Boolean:
		return strconv.FormatBool(v.Boolean())
	case parquet.Int32, parquet.Int64:
		return strconv.FormatInt(v.Int64(), 10)
	case parquet.Float:
		return strconv.FormatFloat(float64(v.Float()), 'g', -1, 32)
	case parquet.Double:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	case parquet.ByteArray, parquet.FixedLenByteArray:
		b := v.ByteArray()
		if utf8.Valid(b) {
			return string(b)
		}
		return fmt.Sprintf("0x%x", b)
	}
	return v.String()
}
