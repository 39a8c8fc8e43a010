package secret

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A notebook is JSON: a token in a cell is a JSON-escaped string, split
// over one string per source line, and a token printed by a cell sits in
// its outputs. Rules written for plain text miss both, so a notebook is
// decoded first: each cell's source, and each of its text outputs, is
// rebuilt as the text the user saw and scanned on its own, with a map from
// every decoded byte back to its place in the file. Image outputs (base64
// PNG, often megabytes) are never decoded or scanned.

// part is one decoded piece of a notebook: a cell's source or one output.
type part struct {
	cell   int    // 1-based, counted over all cells
	output int    // 0 for the source; 1-based output index otherwise
	text   []byte // decoded
	off    []int32
}

// notebookParts decodes the sources and text outputs of every cell of an
// nbformat 4 notebook (or a version 3 one, whose cells sit in worksheets).
func notebookParts(src []byte) ([]part, error) {
	if !json.Valid(src) {
		return nil, errors.New("notebook is not valid JSON")
	}
	w := &jwalk{b: src}
	var parts []part
	cellNo := 0
	cell := func(v int) int {
		if w.b[v] != '{' {
			return w.skip(v)
		}
		cellNo++
		n := cellNo
		outNo := 0
		return w.object(v, func(key string, v int) int {
			switch key {
			case "source", "input":
				p := part{cell: n}
				end := w.strings(v, func(s, e int) { p.text, p.off = decode(w.b[s:e], s, p.text, p.off) })
				parts = append(parts, p)
				return end
			case "outputs":
				return w.array(v, func(v int) int {
					outNo++
					p := part{cell: n, output: outNo}
					end := w.outputText(v, &p)
					if len(p.text) > 0 {
						parts = append(parts, p)
					}
					return end
				})
			}
			return w.skip(v)
		})
	}
	i := w.ws(0)
	if i >= len(w.b) || w.b[i] != '{' {
		return nil, nil
	}
	w.object(i, func(key string, v int) int {
		switch key {
		case "cells":
			return w.array(v, cell)
		case "worksheets":
			return w.array(v, func(v int) int {
				if w.b[v] != '{' {
					return w.skip(v)
				}
				return w.object(v, func(key string, v int) int {
					if key == "cells" {
						return w.array(v, cell)
					}
					return w.skip(v)
				})
			})
		}
		return w.skip(v)
	})
	return parts, nil
}

// outputText decodes the text of one output into p: stream text, every
// non-image MIME bundle entry, tracebacks and error values. Entries are
// separated by a line feed so that a token cannot be glued across them.
func (w *jwalk) outputText(v int, p *part) int {
	if w.b[v] != '{' {
		return w.skip(v)
	}
	add := func(s, e int) { p.text, p.off = decode(w.b[s:e], s, p.text, p.off) }
	sep := func() {
		if len(p.text) > 0 && p.text[len(p.text)-1] != '\n' {
			p.text = append(p.text, '\n')
			p.off = append(p.off, p.off[len(p.off)-1])
		}
	}
	return w.object(v, func(key string, v int) int {
		switch key {
		case "text", "traceback", "evalue", "html", "latex", "javascript", "json", "markdown":
			sep()
			return w.strings(v, add)
		case "data":
			if w.b[v] != '{' {
				return w.skip(v)
			}
			return w.object(v, func(mime string, v int) int {
				if strings.HasPrefix(mime, "image/") || mime == "application/pdf" {
					return w.skip(v) // base64 pictures: never decoded
				}
				sep()
				return w.leaves(v, add)
			})
		}
		return w.skip(v)
	})
}

// decode appends the value of the JSON string literal raw (quotes
// included), which starts at file offset base, to dst, and the file offset
// of each byte written to off. The JSON is already validated.
func decode(raw []byte, base int, dst []byte, off []int32) ([]byte, []int32) {
	for i := 1; i < len(raw)-1; {
		c := raw[i]
		if c != '\\' {
			dst = append(dst, c)
			off = append(off, int32(base+i))
			i++
			continue
		}
		at := int32(base + i)
		e := raw[i+1]
		var r rune = -1
		n := 2
		switch e {
		case 'n':
			r = '\n'
		case 't':
			r = '\t'
		case 'r':
			r = '\r'
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'u':
			r, n = jsonRune(raw[i:])
		default: // \" \\ \/
			r = rune(e)
		}
		var buf [4]byte
		k := utf8.EncodeRune(buf[:], r)
		for j := 0; j < k; j++ {
			dst = append(dst, buf[j])
			off = append(off, at)
		}
		i += n
	}
	return dst, off
}

// jsonRune reads a \uXXXX escape at the start of b, joining a surrogate
// pair, and returns the rune and the bytes used.
func jsonRune(b []byte) (rune, int) {
	r := hex4(b[2:6])
	if utf16.IsSurrogate(r) && len(b) >= 12 && b[6] == '\\' && b[7] == 'u' {
		if d := utf16.DecodeRune(r, hex4(b[8:12])); d != utf8.RuneError {
			return d, 12
		}
	}
	if utf16.IsSurrogate(r) {
		return utf8.RuneError, 6
	}
	return r, 6
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}

// jwalk walks JSON that encoding/json has validated, keeping offsets.
// Values it does not need are skipped by counting brackets, so deep
// nesting in a hostile file costs no stack.
type jwalk struct{ b []byte }

func (w *jwalk) ws(i int) int {
	for i < len(w.b) {
		switch w.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// str returns the offset after the string literal starting at i.
func (w *jwalk) str(i int) int {
	for j := i + 1; j < len(w.b); j++ {
		switch w.b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(w.b)
}

// skip returns the offset after the value starting at i.
func (w *jwalk) skip(i int) int {
	depth := 0
	for j := i; j < len(w.b); j++ {
		switch w.b[j] {
		case '"':
			j = w.str(j) - 1
			if depth == 0 {
				return j + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return j // the end of the container holding a scalar
			}
			depth--
			if depth == 0 {
				return j + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return j
			}
		}
	}
	return len(w.b)
}

// object calls fn for each member of the object at i with its key and the
// offset of its value; fn returns the offset after the value.
func (w *jwalk) object(i int, fn func(key string, v int) int) int {
	i = w.ws(i + 1)
	for i < len(w.b) && w.b[i] != '}' {
		ke := w.str(i)
		key := string(bytes.Trim(w.b[i:ke], `"`))
		i = w.ws(ke)
		i = w.ws(i + 1) // ':'
		i = w.ws(fn(key, i))
		if i < len(w.b) && w.b[i] == ',' {
			i = w.ws(i + 1)
		}
	}
	return i + 1
}

// array calls fn for each element of the array at i, like object.
func (w *jwalk) array(i int, fn func(v int) int) int {
	if w.b[i] != '[' {
		return w.skip(i)
	}
	i = w.ws(i + 1)
	for i < len(w.b) && w.b[i] != ']' {
		i = w.ws(fn(i))
		if i < len(w.b) && w.b[i] == ',' {
			i = w.ws(i + 1)
		}
	}
	return i + 1
}

// strings calls fn with the span of the string at v, or of each string in
// the array at v (a multi-line source), and returns the offset after v.
func (w *jwalk) strings(v int, fn func(s, e int)) int {
	switch w.b[v] {
	case '"':
		e := w.str(v)
		fn(v, e)
		return e
	case '[':
		return w.array(v, func(v int) int {
			if w.b[v] == '"' {
				e := w.str(v)
				fn(v, e)
				return e
			}
			return w.skip(v)
		})
	}
	return w.skip(v)
}

// leaves calls fn with every string inside the value at v, up to a
// nesting depth (application/json outputs are objects), each followed
// by a line break.
func (w *jwalk) leaves(v int, fn func(s, e int)) int {
	return w.leavesAt(v, fn, 0)
}

func (w *jwalk) leavesAt(v int, fn func(s, e int), depth int) int {
	switch w.b[v] {
	case '"':
		e := w.str(v)
		fn(v, e)
		return e
	case '[':
		if depth > 8 {
			return w.skip(v)
		}
		return w.array(v, func(v int) int { return w.leavesAt(v, fn, depth+1) })
	case '{':
		if depth > 8 {
			return w.skip(v)
		}
		return w.object(v, func(_ string, v int) int { return w.leavesAt(v, fn, depth+1) })
	}
	return w.skip(v)
}
