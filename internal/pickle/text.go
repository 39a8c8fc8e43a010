package pickle

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// unquote decodes a protocol-0 STRING argument: a quoted literal with
// Python bytes escapes. cut means the line was longer than kept, so the
// closing quote may be missing.
func unquote(b []byte, cut bool) (string, bool) {
	if len(b) < 1 || (b[0] != '\'' && b[0] != '"') {
		return intern(b), false
	}
	q := b[0]
	body := b[1:]
	ok := true
	if !cut {
		if len(body) == 0 || body[len(body)-1] != q {
			ok = false
		} else {
			body = body[:len(body)-1]
		}
	}
	if !containsByte(body, '\\') {
		return intern(body), ok
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			out = append(out, c)
			continue
		}
		i++
		switch e := body[i]; e {
		case '\\', '\'', '"':
			out = append(out, e)
		case 'a':
			out = append(out, 7)
		case 'b':
			out = append(out, 8)
		case 'f':
			out = append(out, 12)
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, 11)
		case '\n':
		case 'x':
			if i+2 < len(body) {
				if v, err := strconv.ParseUint(string(body[i+1:i+3]), 16, 8); err == nil {
					out = append(out, byte(v))
					i += 2
					continue
				}
			}
			out = append(out, '\\', e)
		default:
			if e >= '0' && e <= '7' {
				v, j := 0, i
				for j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7' {
					v = v*8 + int(body[j]-'0')
					j++
				}
				out = append(out, byte(v))
				i = j - 1
				continue
			}
			out = append(out, '\\', e)
		}
	}
	return intern(out), ok
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// rawUnicodeUnescape decodes a protocol-0 UNICODE argument
// (raw-unicode-escape: only \uXXXX and \UXXXXXXXX are escapes, other bytes
// are Latin-1) into UTF-8.
func rawUnicodeUnescape(b []byte) string {
	plain := true
	for _, c := range b {
		if c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return intern(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) && (b[i+1] == 'u' || b[i+1] == 'U') {
			n := 4
			if b[i+1] == 'U' {
				n = 8
			}
			if i+2+n <= len(b) {
				if v, err := strconv.ParseUint(string(b[i+2:i+2+n]), 16, 32); err == nil && v <= utf8.MaxRune {
					sb.WriteRune(rune(v))
					i += 1 + n
					continue
				}
			}
		}
		sb.WriteRune(rune(c))
	}
	return sb.String()
}
