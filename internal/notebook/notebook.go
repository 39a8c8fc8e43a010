// Package notebook reads Jupyter notebooks: it extracts the Python source
// of an .ipynb file's code cells, laid end to end with IPython magics and
// shell escapes blanked, and maps every byte of it back to the file, the
// cell and the line within the cell.
//
// The reader is built for hostile files: JSON is validated by
// encoding/json, then walked by a scanner that skips what it does not need
// with a counter rather than recursion (so nesting depth costs no stack)
// and never decodes outputs (so megabytes of base64 plots cost a scan,
// not an allocation).
package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// Notebook is the Python code of a notebook's code cells, laid end to end,
// with a map back to the .ipynb file.
type Notebook struct {
	// Code is the code cells' decoded source, each cell ending in '\n',
	// with magics and shell escapes turned into spaces.
	Code []byte
	// Ends holds, for each code cell, the offset in Code where it ends: the
	// chunk boundaries for python.ParseChunks.
	Ends []int
	// Shell lists the shell commands and %run magics of the code cells, in
	// order, with their offsets in Code.
	Shell []Shell

	off        []int32 // for each byte of Code, its offset in the .ipynb file
	cells      []int   // for each code cell, its 1-based index among all cells
	lines      []int   // for each code cell, the 1-based line in Code where it starts
	lineStarts []int   // offsets in the .ipynb file where its lines start
}

// Pos is where a byte of Code is written in the .ipynb file.
type Pos struct {
	Offset   int // byte offset in the file
	Line     int // 1-based line in the file
	Column   int // 1-based byte column in the file
	Cell     int // 1-based index of the cell, counted over all cells
	CellLine int // 1-based line within the cell's source
}

// Parse extracts the code cells of an nbformat 4 notebook (or an nbformat 3
// one, whose cells sit under "worksheets"). Cells are counted from 1 over
// all cells, markdown and raw ones included, as they appear in the file.
// Invalid JSON is an error that names its line; valid JSON that is not a
// notebook gives a Notebook without code.
func Parse(src []byte) (*Notebook, error) {
	if !json.Valid(src) {
		var raw json.RawMessage
		err := json.Unmarshal(src, &raw)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(src[:min(int(se.Offset), len(src))], []byte{'\n'})
			return nil, fmt.Errorf("invalid notebook JSON at line %d: %v", line, se)
		}
		return nil, fmt.Errorf("invalid notebook JSON: %v", err)
	}
	// A nesting bomb is valid JSON; the scanner below skips values with a
	// counter, not recursion, so depth costs it nothing.
	s := &jscan{b: src}
	nb := &Notebook{lineStarts: lineStarts(src)}
	i := s.ws(0)
	if i >= len(src) || src[i] != '{' {
		return nb, nil // valid JSON but not a notebook object: nothing to read
	}
	cellNo := 0
	readCells := func(v int) int {
		if src[v] != '[' {
			return s.skip(v)
		}
		return s.array(v, func(c int) int {
			if src[c] != '{' {
				return s.skip(c)
			}
			cellNo++
			var kind string
			var spans [][2]int
			end := s.object(c, func(key string, v int) int {
				switch key {
				case "cell_type":
					if src[v] == '"' {
						e := s.skip(v)
						kind = string(decodeJSONString(src[v:e], v, nil, nil))
						return e
					}
				case "source", "input":
					switch src[v] {
					case '"':
						e := s.skip(v)
						spans = append(spans, [2]int{v, e})
						return e
					case '[':
						return s.array(v, func(x int) int {
							e := s.skip(x)
							if src[x] == '"' {
								spans = append(spans, [2]int{x, e})
							}
							return e
						})
					}
				}
				return s.skip(v)
			})
			if kind == "code" && len(spans) > 0 {
				nb.addCell(src, cellNo, spans)
			}
			return end
		})
	}
	s.object(i, func(key string, v int) int {
		switch key {
		case "cells":
			return readCells(v)
		case "worksheets":
			if src[v] == '[' {
				return s.array(v, func(w int) int {
					if src[w] != '{' {
						return s.skip(w)
					}
					return s.object(w, func(key string, v int) int {
						if key == "cells" {
							return readCells(v)
						}
						return s.skip(v)
					})
				})
			}
		}
		return s.skip(v)
	})
	return nb, nil
}

// addCell appends one code cell made of the JSON strings at spans.
func (nb *Notebook) addCell(src []byte, cellNo int, spans [][2]int) {
	start := len(nb.Code)
	nb.lines = append(nb.lines, 1+bytes.Count(nb.Code, []byte{'\n'}))
	for _, sp := range spans {
		nb.Code = decodeJSONString(src[sp[0]:sp[1]], sp[0], nb.Code, &nb.off)
	}
	last := int32(spans[len(spans)-1][1] - 1)
	if len(nb.Code) == start || nb.Code[len(nb.Code)-1] != '\n' {
		nb.Code = append(nb.Code, '\n')
		nb.off = append(nb.off, last)
	}
	for _, sh := range blankMagics(nb.Code[start:]) {
		sh.Offset += start
		nb.Shell = append(nb.Shell, sh)
	}
	nb.Ends = append(nb.Ends, len(nb.Code))
	nb.cells = append(nb.cells, cellNo)
}

// Locate maps an offset in nb.Code to where that byte is written: the
// offset, line and column in the .ipynb file, the cell (counted over all
// cells) and the line within the cell. An offset past the end maps as the
// last byte; a negative one, or any offset in a Notebook without code, maps
// to the start of the file and cell 0.
func (nb *Notebook) Locate(codeOff int) Pos {
	fileOff, cell, cellLine := nb.locate(codeOff)
	// The last line start at or before fileOff.
	lo, hi := 0, len(nb.lineStarts)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if nb.lineStarts[mid] <= fileOff {
			lo = mid
		} else {
			hi = mid
		}
	}
	return Pos{Offset: fileOff, Line: lo + 1, Column: fileOff - nb.lineStarts[lo] + 1, Cell: cell, CellLine: cellLine}
}

// locate maps an offset in nb.Code to the file offset, the 1-based cell
// index and the line within that cell.
func (nb *Notebook) locate(codeOff int) (fileOff, cell, cellLine int) {
	if codeOff >= len(nb.off) {
		codeOff = len(nb.off) - 1
	}
	if codeOff < 0 {
		return 0, 0, 0
	}
	k := sort.SearchInts(nb.Ends, codeOff+1)
	if k >= len(nb.cells) {
		k = len(nb.cells) - 1
	}
	line := 1 + bytes.Count(nb.Code[:codeOff], []byte{'\n'})
	return int(nb.off[codeOff]), nb.cells[k], line - nb.lines[k] + 1
}

// lineStarts returns the offsets where the lines of b start.
func lineStarts(b []byte) []int {
	starts := []int{0}
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return starts
}
