package npy

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kind is the type of a literal value.
type Kind int

// Literal kinds.
const (
	None Kind = iota
	Bool
	Int
	Float
	Str
	Tuple
	List
	Dict
)

// Value is a parsed Python literal. Dict items alternate key, value.
type Value struct {
	Kind  Kind
	B     bool
	I     int64
	S     string
	Items []Value
}

const (
	maxDepth = 32
	maxItems = 10000
)

// ParseLiteral parses one Python literal: strings (quoted, with simple
// escapes and an optional b/u prefix), integers (with a Python 2 L suffix),
// floats, True, False, None, tuples, lists and dicts. Anything else — names,
// calls, operators — is an error: nothing is ever evaluated.
func ParseLiteral(s string) (Value, error) {
	p := &parser{s: s}
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.space()
	if p.i != len(p.s) {
		return Value{}, fmt.Errorf("unexpected %q at offset %d", p.s[p.i], p.i)
	}
	return v, nil
}

type parser struct {
	s     string
	i     int
	items int
}

func (p *parser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n\f\v", p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *parser) errf(format string, a ...any) error {
	return fmt.Errorf("offset %d: %s", p.i, fmt.Sprintf(format, a...))
}

func (p *parser) value(depth int) (Value, error) {
	if depth > maxDepth {
		return Value{}, p.errf("nesting deeper than %d", maxDepth)
	}
	p.items++
	if p.items > maxItems {
		return Value{}, p.errf("more than %d values", maxItems)
	}
	p.space()
	if p.i >= len(p.s) {
		return Value{}, errors.New("unexpected end of literal")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.seq(depth, '}', Dict)
	case c == '(':
		return p.seq(depth, ')', Tuple)
	case c == '[':
		return p.seq(depth, ']', List)
	case c == '\'' || c == '"' || strPrefix(p.s[p.i:]) > 0:
		return p.strs()
	case c == '-' || c == '+' || c >= '0' && c <= '9' || c == '.':
		return p.number()
	default:
		for _, w := range []struct {
			word string
			v    Value
		}{{"True", Value{Kind: Bool, B: true}}, {"False", Value{Kind: Bool}}, {"None", Value{Kind: None}}} {
			if strings.HasPrefix(p.s[p.i:], w.word) {
				p.i += len(w.word)
				return w.v, nil
			}
		}
		return Value{}, p.errf("unexpected %q (only literals are allowed)", c)
	}
}

// seq parses a tuple, list or dict after its opening bracket. A single
// parenthesised value without a comma is that value, as in Python.
func (p *parser) seq(depth int, closer byte, k Kind) (Value, error) {
	p.i++
	v := Value{Kind: k}
	comma := false
	for {
		p.space()
		if p.i < len(p.s) && p.s[p.i] == closer {
			p.i++
			if k == Tuple && len(v.Items) == 1 && !comma {
				return v.Items[0], nil
			}
			return v, nil
		}
		item, err := p.value(depth + 1)
		if err != nil {
			return Value{}, err
		}
		v.Items = append(v.Items, item)
		p.space()
		if k == Dict {
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return Value{}, p.errf("expected ':' in dict")
			}
			p.i++
			val, err := p.value(depth + 1)
			if err != nil {
				return Value{}, err
			}
			v.Items = append(v.Items, val)
			p.space()
		}
		if p.i >= len(p.s) {
			return Value{}, errors.New("unexpected end of literal")
		}
		switch p.s[p.i] {
		case ',':
			p.i++
			comma = true
		case closer:
		default:
			return Value{}, p.errf("expected ',' or %q", closer)
		}
	}
}

// strPrefix returns the length of a string prefix (b, r, u, rb, br in any
// case) directly followed by a quote, or 0.
func strPrefix(s string) int {
	n := 0
	for n < len(s) && n < 2 && strings.IndexByte("bBrRuU", s[n]) >= 0 {
		n++
	}
	if n > 0 && n < len(s) && (s[n] == '\'' || s[n] == '"') {
		return n
	}
	return 0
}

// strs parses one string literal or several adjacent ones, which Python
// concatenates ('obj' 'ect' is 'object').
func (p *parser) strs() (Value, error) {
	var b strings.Builder
	for {
		v, err := p.str()
		if err != nil {
			return Value{}, err
		}
		b.WriteString(v.S)
		save := p.i
		p.space()
		if p.i < len(p.s) && (p.s[p.i] == '\'' || p.s[p.i] == '"' || strPrefix(p.s[p.i:]) > 0) {
			continue
		}
		p.i = save
		return Value{Kind: Str, S: b.String()}, nil
	}
}

// str parses one string literal with an optional prefix and Python's escapes.
func (p *parser) str() (Value, error) {
	raw := false
	for n := strPrefix(p.s[p.i:]); n > 0; n-- {
		raw = raw || p.s[p.i] == 'r' || p.s[p.i] == 'R'
		p.i++
	}
	q := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			p.i++
			return Value{Kind: Str, S: b.String()}, nil
		case c == '\n':
			return Value{}, p.errf("newline in string")
		case c == '\\' && p.i+1 < len(p.s) && raw:
			b.WriteByte(c)
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		case c == '\\' && p.i+1 < len(p.s):
			p.i += 2
			p.escape(&b, p.s[p.i-1])
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return Value{}, errors.New("unterminated string")
}

// escape decodes the escape sequence whose letter e was just read.
func (p *parser) escape(b *strings.Builder, e byte) {
	hex := func(n int) bool {
		if p.i+n > len(p.s) {
			return false
		}
		v, err := strconv.ParseUint(p.s[p.i:p.i+n], 16, 32)
		if err != nil || v > 0x10ffff {
			return false
		}
		b.WriteRune(rune(v))
		p.i += n
		return true
	}
	switch e {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'a':
		b.WriteByte(7)
	case 'b':
		b.WriteByte(8)
	case 'f':
		b.WriteByte(12)
	case 'v':
		b.WriteByte(11)
	case '\n': // line continuation
	case '\\', '\'', '"':
		b.WriteByte(e)
	case 'x':
		if !hex(2) {
			b.WriteString("\\x")
		}
	case 'u':
		if !hex(4) {
			b.WriteString("\\u")
		}
	case 'U':
		if !hex(8) {
			b.WriteString("\\U")
		}
	case 'N':
		// A named character: its name is not resolved here, so it becomes
		// U+FFFD, which no plain dtype string contains.
		if end := strings.IndexByte(p.s[p.i:], '}'); strings.HasPrefix(p.s[p.i:], "{") && end > 0 {
			p.i += end + 1
		}
		b.WriteRune(0xfffd)
	default:
		if e >= '0' && e <= '7' {
			v := int(e - '0')
			for k := 0; k < 2 && p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '7'; k++ {
				v = v*8 + int(p.s[p.i]-'0')
				p.i++
			}
			b.WriteRune(rune(v))
			return
		}
		b.WriteByte('\\')
		b.WriteByte(e)
	}
}

func (p *parser) number() (Value, error) {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("+-0123456789.eEjxXabcdefABCDEF_", p.s[p.i]) >= 0 {
		p.i++
	}
	text := p.s[start:p.i]
	if p.i < len(p.s) && (p.s[p.i] == 'L' || p.s[p.i] == 'l') {
		p.i++ // Python 2 long
	}
	if n, err := strconv.ParseInt(text, 0, 64); err == nil {
		return Value{Kind: Int, I: n}, nil
	}
	if _, err := strconv.ParseFloat(text, 64); err == nil {
		return Value{Kind: Float, S: text}, nil
	}
	return Value{}, fmt.Errorf("offset %d: bad number %q", start, text)
}
