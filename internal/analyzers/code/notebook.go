package code

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"unicode/utf16"
	"unicode/utf8"
)

// notebook is the Python code of a notebook's code cells, laid end to end,
// with a map back to the .ipynb file.
type notebook struct {
	code  []byte  // the code cells' decoded source, each cell ending in '\n'
	off   []int32 // for each byte of code, its offset in the .ipynb file
	ends  []int   // offset in code where each code cell ends
	cells []int   // for each code cell, its 1-based index among all cells
	lines []int   // for each code cell, the 1-based line in code where it starts
}

// parseNotebook extracts the code cells of an nbformat 4 notebook (or an
// nbformat 3 one, whose cells sit under "worksheets"). Cells are counted
// from 1 over all cells, markdown and raw ones included, as they appear in
// the file.
func parseNotebook(src []byte) (*notebook, error) {
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
	nb := &notebook{}
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
func (nb *notebook) addCell(src []byte, cellNo int, spans [][2]int) {
	start := len(nb.code)
	nb.lines = append(nb.lines, 1+bytes.Count(nb.code, []byte{'\n'}))
	for _, sp := range spans {
		nb.code = decodeJSONString(src[sp[0]:sp[1]], sp[0], nb.code, &nb.off)
	}
	last := int32(spans[len(spans)-1][1] - 1)
	if len(nb.code) == start || nb.code[len(nb.code)-1] != '\n' {
		nb.code = append(nb.code, '\n')
		nb.off = append(nb.off, last)
	}
	blankMagics(nb.code[start:])
	nb.ends = append(nb.ends, len(nb.code))
	nb.cells = append(nb.cells, cellNo)
}

// pythonCellMagics are cell magics whose body is still Python run by the kernel.
var pythonCellMagics = map[string]bool{"time": true, "timeit": true, "capture": true, "prun": true, "debug": true}

// blankMagics turns IPython magics and shell escapes ("%pip …", "!ls",
// "%%bash" cells) into spaces, so the Python parser skips them while every
// byte keeps its place. A cell magic other than a timing one blanks the cell.
func blankMagics(cell []byte) {
	first := true
	for i := 0; i < len(cell); {
		j := i
		for j < len(cell) && (cell[j] == ' ' || cell[j] == '\t') {
			j++
		}
		end := bytes.IndexByte(cell[i:], '\n')
		if end < 0 {
			end = len(cell)
		} else {
			end += i
		}
		if first && bytes.HasPrefix(cell[j:], []byte("%%")) {
			name := cell[j+2 : end]
			if k := bytes.IndexAny(name, " \t\r"); k >= 0 {
				name = name[:k]
			}
			if !pythonCellMagics[string(name)] {
				blank(cell)
				return
			}
		}
		if j < len(cell) && (cell[j] == '%' || cell[j] == '!') {
			blank(cell[j:end])
		}
		first = false
		i = end + 1
	}
}

func blank(b []byte) {
	for i, c := range b {
		if c != '\n' {
			b[i] = ' '
		}
	}
}

// locate maps an offset in nb.code to the file offset, the 1-based cell
// index and the line within that cell.
func (nb *notebook) locate(codeOff int) (fileOff, cell, cellLine int) {
	if codeOff >= len(nb.off) {
		codeOff = len(nb.off) - 1
	}
	if codeOff < 0 {
		return 0, 0, 0
	}
	k := sort.SearchInts(nb.ends, codeOff+1)
	if k >= len(nb.cells) {
		k = len(nb.cells) - 1
	}
	line := 1 + bytes.Count(nb.code[:codeOff], []byte{'\n'})
	return int(nb.off[codeOff]), nb.cells[k], line - nb.lines[k] + 1
}

// decodeJSONString appends the value of the JSON string literal raw (quotes
// included, already validated), which starts at file offset base, to dst; when
// off is not nil, it appends the file offset of each byte written.
func decodeJSONString(raw []byte, base int, dst []byte, off *[]int32) []byte {
	put := func(at int, b ...byte) {
		dst = append(dst, b...)
		if off != nil {
			for range b {
				*off = append(*off, int32(base+at))
			}
		}
	}
	end := len(raw) - 1
	for i := 1; i < end; {
		c := raw[i]
		if c != '\\' {
			put(i, c)
			i++
			continue
		}
		if i+1 >= end {
			break
		}
		switch e := raw[i+1]; e {
		case 'n':
			put(i, '\n')
		case 't':
			put(i, '\t')
		case 'r':
			put(i, '\r')
		case 'b':
			put(i, '\b')
		case 'f':
			put(i, '\f')
		case 'u':
			r, n := jsonRune(raw[i:end])
			put(i, utf8.AppendRune(nil, r)...)
			i += n
			continue
		default: // '"', '\\', '/'
			put(i, e)
		}
		i += 2
	}
	return dst
}

// jsonRune reads a \uXXXX escape, joining a surrogate pair, and returns the
// rune and the bytes used.
func jsonRune(b []byte) (rune, int) {
	r := hex4(b[2:])
	if r < 0 {
		return utf8.RuneError, 2
	}
	if utf16.IsSurrogate(r) {
		if len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
			if r2 := hex4(b[8:]); r2 >= 0 {
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					return d, 12
				}
			}
		}
		return utf8.RuneError, 6
	}
	return r, 6
}

func hex4(b []byte) rune {
	if len(b) < 4 {
		return -1
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			r = r<<4 | rune(c|0x20-'a'+10)
		default:
			return -1
		}
	}
	return r
}

// jscan walks JSON that encoding/json has already validated, keeping byte
// offsets. Values it does not need are skipped with a bracket counter, so
// deep nesting costs no stack.
type jscan struct{ b []byte }

func (s *jscan) ws(i int) int {
	for i < len(s.b) {
		switch s.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// str returns the offset after the string starting at i.
func (s *jscan) str(i int) int {
	for i++; i < len(s.b); i++ {
		switch s.b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(s.b)
}

// skip returns the offset after the value starting at i.
func (s *jscan) skip(i int) int {
	if i >= len(s.b) {
		return i
	}
	switch s.b[i] {
	case '"':
		return s.str(i)
	case '{', '[':
		depth := 0
		for i < len(s.b) {
			switch s.b[i] {
			case '"':
				i = s.str(i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(s.b) {
		switch s.b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// object calls fn for each member of the object at i with the key and the
// offset of the value; fn returns the offset after the value. object returns
// the offset after the closing brace.
func (s *jscan) object(i int, fn func(key string, v int) int) int {
	i = s.ws(i + 1)
	for i < len(s.b) && s.b[i] == '"' {
		e := s.str(i)
		key := string(decodeJSONString(s.b[i:e], i, nil, nil))
		i = s.ws(e)
		if i >= len(s.b) || s.b[i] != ':' {
			return len(s.b)
		}
		i = s.ws(i + 1)
		if i >= len(s.b) {
			return i
		}
		next := fn(key, i)
		if next <= i {
			return len(s.b)
		}
		i = s.ws(next)
		if i < len(s.b) && s.b[i] == ',' {
			i = s.ws(i + 1)
		}
	}
	if i < len(s.b) && s.b[i] == '}' {
		i++
	}
	return i
}

// array calls fn for each element of the array at i, like object.
func (s *jscan) array(i int, fn func(v int) int) int {
	i = s.ws(i + 1)
	for i < len(s.b) && s.b[i] != ']' {
		next := fn(i)
		if next <= i { // never stall on input the callbacks did not expect
			next = s.skip(i)
			if next <= i {
				return len(s.b)
			}
		}
		i = s.ws(next)
		if i < len(s.b) && s.b[i] == ',' {
			i = s.ws(i + 1)
		}
	}
	if i < len(s.b) {
		i++
	}
	return i
}
