package table

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// csvRecords is what encoding/csv alone makes of data: each record with
// the line it starts on, then the error that ended the read ("" at EOF).
func csvRecords(data []byte, comma rune) ([]string, string) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = comma, -1, comma == '\t'
	var out []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, ""
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return out, fmt.Sprintf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
			}
			return out, err.Error()
		}
		line, _ := cr.FieldPos(0)
		out = append(out, fmt.Sprintf("%d:%q", line, rec))
	}
}

// fastRecords is the same through the delimited reader.
// A small read buffer makes lines longer than it (handed over) common.
func fastRecords(data []byte, comma rune, bufSize int) ([]string, string) {
	d := &delimited{br: bufio.NewReaderSize(bytes.NewReader(data), bufSize), comma: byte(comma), lim: DefaultLimits}
	var out []string
	for {
		rec, line, err := d.read()
		if err == io.EOF {
			return out, ""
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return out, fmt.Sprintf("line %d, column %d: %v", int64(pe.Line)+d.lineOff, pe.Column, pe.Err)
			}
			return out, err.Error()
		}
		out = append(out, fmt.Sprintf("%d:%q", line, rec))
	}
}

func sameAsCSV(t *testing.T, data []byte) {
	t.Helper()
	for _, comma := range []rune{',', '\t'} {
		wr, we := csvRecords(data, comma)
		for _, size := range []int{16, readBuf} {
			gr, ge := fastRecords(data, comma, size)
			if !slices.Equal(wr, gr) || we != ge {
				t.Fatalf("comma %q, buffer %d, input %q:\nencoding/csv %q %q\ndelimited    %q %q", comma, size, data, wr, we, gr, ge)
			}
		}
	}
}

// The fast path must return exactly encoding/csv's records, lines and
// errors, before, across and after the hand-over.
func TestDelimitedMatchesCSV(t *testing.T) {
	for _, s := range []string{
		"", "\n", "a", "a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\n\n\n1,2\n", "a,b\n1,2", "a,b\n1,2\r", "a\rb,c\n1,2\n",
		"a,b\n1,\"x\ny\"\n3,4\n5,6\n", "a,b\n1,\"x\"y\n", "a,b\n1,x\"y\n", "a\tb\n1\tsays \"hi\"\n2\t3\n",
		"a,b\n1,2\n\"unclosed\n", ",\n,,\n", "a,b\n \n", "\xef\xbb\xbfid,x\n1,2\n",
	} {
		sameAsCSV(t, []byte(s))
	}
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("ab,\t\"\r\n ")
	for range 5000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		sameAsCSV(t, b)
	}
	// A line longer than the read buffer is handed over too.
	long := "a,b\n1," + strings.Repeat("x", readBuf+10) + "\n2,3\n"
	sameAsCSV(t, []byte(long))
}

func FuzzDelimitedMatchesCSV(f *testing.F) {
	f.Add([]byte("a,b\n1,\"x\ny\"\n3,4\n"))
	f.Add([]byte("a\tb\r\n1\t2\r\n\n3\t\"4\n"))
	f.Fuzz(func(t *testing.T, b []byte) { sameAsCSV(t, b) })
}
