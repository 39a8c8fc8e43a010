// Package table reads tabular training data one row at a time: CSV, TSV,
// JSON Lines and Parquet. Every reader is streaming and bounded: a record
// longer than Limits.MaxRecordBytes or wider than Limits.MaxColumns stops
// the read with an error that bounds.Is recognises, so a hostile file (one
// quoted field of ten gigabytes, a million columns) costs bounded memory.
//
// Bad input is an error naming the file position, never a panic: a ragged
// CSV row, invalid UTF-8, an empty file, a truncated Parquet file.
package table

import (
	"errors"
	"io"
	"path"
	"strings"
)

// Format is a tabular file format.
type Format int

// Formats.
const (
	Unknown Format = iota
	CSV
	TSV
	JSONL
	Parquet
)

func (f Format) String() string {
	switch f {
	case CSV:
		return "csv"
	case TSV:
		return "tsv"
	case JSONL:
		return "jsonl"
	case Parquet:
		return "parquet"
	}
	return "unknown"
}

// FormatOf tells the format from a file name's extension; Unknown when
// the name is not of a tabular file.
func FormatOf(name string) Format {
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return CSV
	case ".tsv", ".tab":
		return TSV
	case ".jsonl", ".ndjson":
		return JSONL
	case ".parquet", ".pq":
		return Parquet
	}
	return Unknown
}

// Limits bound what one file may cost.
type Limits struct {
	MaxRecordBytes int // longest record (a CSV row, a JSON line); default 4 MiB
	MaxColumns     int // widest header or union of JSON keys; default 4096
}

// DefaultLimits are the bounds used when a field of Limits is zero.
var DefaultLimits = Limits{MaxRecordBytes: 4 << 20, MaxColumns: 4096}

func (l Limits) orDefault() Limits {
	if l.MaxRecordBytes <= 0 {
		l.MaxRecordBytes = DefaultLimits.MaxRecordBytes
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultLimits.MaxColumns
	}
	return l
}

// Row is one record. Values are aligned with Reader.Columns; a missing
// value (an empty CSV field, a JSON null or absent key, a Parquet null) is
// "" with Null set at its index when the format distinguishes it.
type Row struct {
	Num    int64    // 1-based data row number: the header is not a row
	Line   int64    // 1-based line the row starts on in a text file; 0 for Parquet
	Values []string // valid until the next call of Next
}

// Reader reads rows one at a time.
type Reader interface {
	// Columns is the header: column names in file order. For JSON Lines
	// it grows as new keys appear (rows are padded to its length).
	Columns() []string
	// Next returns the next row, or io.EOF after the last.
	Next() (*Row, error)
}

// ErrEmpty is returned for a file with no header and no rows.
var ErrEmpty = errors.New("empty file: no header and no rows")

// Open returns a reader of format f over r. Parquet needs random access:
// r must then be an io.ReaderAt as well, and size its length.
func Open(f Format, r io.Reader, size int64, lim Limits) (Reader, error) {
	lim = lim.orDefault()
	switch f {
	case CSV:
		return newDelimited(r, ',', lim)
	case TSV:
		return newDelimited(r, '\t', lim)
	case JSONL:
		return newJSONL(r, lim)
	case Parquet:
		ra, ok := r.(io.ReaderAt)
		if !ok {
			return nil, errors.New("parquet needs random access to the file")
		}
		return newParquet(ra, size, lim)
	}
	return nil, errors.New("not a tabular file (want .csv, .tsv, .jsonl, .ndjson or .parquet)")
}
