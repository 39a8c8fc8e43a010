package notebook

import (
	"unicode/utf16"
	"unicode/utf8"
)

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
