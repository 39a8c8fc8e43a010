// Package python reads Python source without running it: a byte-level
// tokenizer and a light parser that extracts imports, simple assignments and
// call expressions with their arguments, and resolves import aliases.
//
// It is built for hostile and broken input. It never panics, runs in time
// linear in the input, and treats bytes that are not valid UTF-8 as part of
// whatever token they sit in. It does not build a full syntax tree: the
// scanner's rules need "which function is called, with which arguments",
// and that survives code that a real Python parser would reject.
package python

// Kind is a token's kind.
type Kind uint8

// Token kinds.
const (
	Name    Kind = iota + 1 // identifiers and keywords
	Number                  // integer, float, imaginary literals
	String                  // one string literal, prefix and quotes included
	Comment                 // "#" to the end of the line
	Op                      // operators, delimiters and brackets
	Newline                 // end of a logical line
	NL                      // a line break that does not end a logical line
	Error                   // a byte that starts no token ("$", "?", "!", a stray backslash)
)

var kindNames = [...]string{"?", "NAME", "NUMBER", "STRING", "COMMENT", "OP", "NEWLINE", "NL", "ERRORTOKEN"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "?"
}

// Token is one token. Start and End are byte offsets into the source; Line
// and Col (1-based, Col in bytes) are where it starts. Match is, for a
// bracket, the index of its partner in the same token slice, or -1 when it
// has none; it is -1 for every other token.
type Token struct {
	Kind       Kind
	Start, End int32
	Line, Col  int32
	Match      int32
}

// Text returns the token's bytes in src as a string.
func (t Token) Text(src []byte) string { return string(src[t.Start:t.End]) }

// is reports whether the token is the operator or delimiter op.
func (t Token) is(src []byte, op string) bool {
	if t.Kind != Op || int(t.End-t.Start) != len(op) {
		return false
	}
	for i := 0; i < len(op); i++ {
		if src[int(t.Start)+i] != op[i] {
			return false
		}
	}
	return true
}

// Tokenize splits src into tokens, keeping comments and NL tokens. A Newline
// token is added at the end when the last logical line has no line break.
func Tokenize(src []byte) []Token {
	t := newTokenizer(src, true)
	t.run(0, len(src))
	return t.toks
}

// maxBracketSearch bounds how far down the open-bracket stack a mismatched
// closing bracket looks for its partner, so nonsense input stays linear.
const maxBracketSearch = 64

type tokenizer struct {
	src        []byte
	keepTrivia bool
	toks       []Token
	line       int32
	lineStart  int
	stack      []int32 // indices of open brackets
	lineHasTok bool    // the current logical line has a significant token
	fdepth     int     // how many f-string replacement fields enclose the scan
}

func newTokenizer(src []byte, keepTrivia bool) *tokenizer {
	return &tokenizer{src: src, keepTrivia: keepTrivia, toks: make([]Token, 0, len(src)/3+16), line: 1}
}

func (t *tokenizer) emit(k Kind, start, end int, line int32, lineStart int) {
	t.toks = append(t.toks, Token{Kind: k, Start: int32(start), End: int32(end), Line: line, Col: int32(start-lineStart) + 1, Match: -1})
}

func (t *tokenizer) newline(pos int) {
	t.line++
	t.lineStart = pos + 1
}

// run tokenizes src[pos:end]. Brackets are matched only within this range,
// and a Newline closes the range, so a broken notebook cell cannot swallow
// the next one.
func (t *tokenizer) run(pos, end int) {
	t.stack = t.stack[:0]
	t.lineHasTok = false
	for pos < end {
		pos = t.step(pos, end)
	}
	t.stack = t.stack[:0] // still-open brackets keep Match -1
	if t.lineHasTok {
		t.emit(Newline, end, end, t.line, t.lineStart)
		t.lineHasTok = false
	}
}

// step scans the token (or the run of blanks) at pos and returns the offset
// after it.
func (t *tokenizer) step(pos, end int) int {
	src := t.src
	c := src[pos]
	switch {
	case c == ' ' || c == '\t' || c == '\f' || c == '\r':
		pos++
	case c == '\n':
		if len(t.stack) == 0 && t.lineHasTok && t.fdepth == 0 {
			t.emit(Newline, pos, pos+1, t.line, t.lineStart)
			t.lineHasTok = false
		} else if t.keepTrivia {
			t.emit(NL, pos, pos+1, t.line, t.lineStart)
		}
		t.newline(pos)
		pos++
	case c == '#':
		s := pos
		for pos < end && src[pos] != '\n' {
			pos++
		}
		if t.keepTrivia {
			t.emit(Comment, s, pos, t.line, t.lineStart)
		}
	case c == '\\':
		// Line continuation: a backslash, maybe a CR, then LF.
		n := pos + 1
		if n < end && src[n] == '\r' {
			n++
		}
		if n < end && src[n] == '\n' {
			t.newline(n)
			return n + 1
		}
		t.emit(Error, pos, pos+1, t.line, t.lineStart)
		t.lineHasTok = true
		pos++
	case c == '"' || c == '\'':
		pos = t.str(pos, pos, end)
	case isNameStart(c):
		s := pos
		for pos < end && isNameByte(src[pos]) {
			pos++
		}
		if pos < end && (src[pos] == '"' || src[pos] == '\'') && isStringPrefix(src[s:pos]) {
			return t.str(s, pos, end)
		}
		t.emit(Name, s, pos, t.line, t.lineStart)
		t.lineHasTok = true
	case c >= '0' && c <= '9' || c == '.' && pos+1 < end && src[pos+1] >= '0' && src[pos+1] <= '9':
		s := pos
		hex := c == '0' && pos+1 < end && (src[pos+1]|0x20 == 'x')
		pos++
		for pos < end {
			b := src[pos]
			if isNameByte(b) && b < 0x80 || b == '.' {
				pos++
			} else if (b == '+' || b == '-') && !hex && src[pos-1]|0x20 == 'e' {
				pos++
			} else {
				break
			}
		}
		t.emit(Number, s, pos, t.line, t.lineStart)
		t.lineHasTok = true
	default:
		pos = t.op(pos, end)
	}
	return pos
}

// str scans a string literal whose prefix starts at s and quote at q, and
// returns the offset after it. An unterminated single-quoted string ends at
// the line break; an unterminated triple-quoted one at the end of the range.
func (t *tokenizer) str(s, q, end int) int {
	src := t.src
	if t.fdepth < maxFStringDepth && hasPrefix(src[s:q], 'f', 't') {
		return t.fstr(s, q, end)
	}
	line, lineStart := t.line, t.lineStart
	quote := src[q]
	pos := q + 1
	if q+2 < end && src[q+1] == quote && src[q+2] == quote {
		pos = q + 3
		for pos < end {
			c := src[pos]
			if c == '\\' && pos+1 < end {
				if src[pos+1] == '\n' {
					t.newline(pos + 1)
				}
				pos += 2
				continue
			}
			if c == '\n' {
				t.newline(pos)
			} else if c == quote && pos+2 < end && src[pos+1] == quote && src[pos+2] == quote {
				pos += 3
				break
			}
			pos++
		}
	} else {
		for pos < end {
			c := src[pos]
			if c == '\\' && pos+1 < end {
				switch {
				case src[pos+1] == '\n':
					t.newline(pos + 1)
				case src[pos+1] == '\r' && pos+2 < end && src[pos+2] == '\n':
					t.newline(pos + 2)
					pos++
				}
				pos += 2
				continue
			}
			if c == '\n' {
				break
			}
			pos++
			if c == quote {
				break
			}
		}
	}
	if pos > end {
		pos = end
	}
	t.emit(String, s, pos, line, lineStart)
	t.lineHasTok = true
	return pos
}

// maxFStringDepth bounds how deeply f-strings nested in replacement fields
// are tokenized; deeper ones are read as plain strings.
const maxFStringDepth = 8

// hasPrefix reports whether the string prefix p holds one of the letters a
// or b, in either case.
func hasPrefix(p []byte, a, b byte) bool {
	for _, c := range p {
		if c|0x20 == a || c|0x20 == b {
			return true
		}
	}
	return false
}

// fstr scans an f-string (or t-string) whose prefix starts at s and quote at
// q, and returns the offset after it. The expressions in its replacement
// fields are tokenized like any code, so a call written inside "{…}" is a
// call; the literal text around them becomes String tokens that end with
// "{" and start with "}" (or ":" and "!" before a format spec). An f-string
// without fields is one String token, as before. Quotes inside a field start
// nested strings (Python 3.12 rules, a superset of the older ones). A
// single-quoted f-string ends at a line break, fields included.
func (t *tokenizer) fstr(s, q, end int) int {
	src := t.src
	quote := src[q]
	triple := q+2 < end && src[q+1] == quote && src[q+2] == quote
	raw := hasPrefix(src[s:q], 'r', 'r')
	pos := q + 1
	if triple {
		pos = q + 3
	}
	piece, line, lineStart := s, t.line, t.lineStart
	flush := func(to int) {
		if to > end {
			to = end
		}
		if to > piece {
			t.emit(String, piece, to, line, lineStart)
			t.lineHasTok = true
		}
	}
	for pos < end {
		c := src[pos]
		switch {
		case c == '\\' && pos+1 < end:
			switch n := src[pos+1]; {
			case n == '\n':
				t.newline(pos + 1)
			case n == '\r' && pos+2 < end && src[pos+2] == '\n':
				t.newline(pos + 2)
				pos++
			case n == 'N' && !raw && pos+2 < end && src[pos+2] == '{':
				// A named escape, "\N{BULLET}": its braces are no field.
				k := pos + 3
				for k < end && src[k] != '}' && src[k] != quote && src[k] != '\n' {
					k++
				}
				if k < end && src[k] == '}' {
					pos = k + 1
					continue
				}
			}
			pos += 2
		case c == '\n':
			if !triple {
				flush(pos)
				return pos
			}
			t.newline(pos)
			pos++
		case c == quote:
			if !triple {
				flush(pos + 1)
				return pos + 1
			}
			if pos+2 < end && src[pos+1] == quote && src[pos+2] == quote {
				flush(pos + 3)
				return pos + 3
			}
			pos++
		case c == '{':
			if pos+1 < end && src[pos+1] == '{' {
				pos += 2
				continue
			}
			flush(pos + 1)
			pos = t.field(pos+1, end, quote, triple)
			piece, line, lineStart = pos, t.line, t.lineStart
		default:
			pos++
		}
	}
	flush(pos)
	return min(pos, end)
}

// field tokenizes the expression of a replacement field that starts at pos,
// and its format spec, and returns the offset of the closing "}" (or of
// whatever ended the field early: a line break in a single-quoted f-string,
// the end of the range).
func (t *tokenizer) field(pos, end int, quote byte, triple bool) int {
	src := t.src
	saved := t.stack
	t.stack = nil // brackets pair within the field only
	t.fdepth++
	defer func() { t.stack = saved; t.fdepth-- }()
	for pos < end {
		c := src[pos]
		if c == '\n' && !triple {
			return pos
		}
		if len(t.stack) == 0 {
			switch {
			case c == '}':
				return pos
			case c == ':', c == '!' && !(pos+1 < end && src[pos+1] == '='):
				return t.spec(pos, end, quote, triple)
			case c == quote && triple && pos+2 < end && src[pos+1] == quote && src[pos+2] == quote:
				return pos // the f-string ends inside a broken field
			}
		}
		pos = t.step(pos, end)
	}
	return pos
}

// spec skips a conversion and format spec at pos ("!r", ":>10") up to the
// field's closing "}", tokenizing nested fields ("{x:{width}}"), and returns
// the offset of that "}".
func (t *tokenizer) spec(pos, end int, quote byte, triple bool) int {
	src := t.src
	for pos < end {
		switch c := src[pos]; {
		case c == '}':
			return pos
		case c == '\n':
			if !triple {
				return pos
			}
			t.newline(pos)
			pos++
		case c == quote:
			if !triple || pos+2 < end && src[pos+1] == quote && src[pos+2] == quote {
				return pos
			}
			pos++
		case c == '{' && t.fdepth < maxFStringDepth:
			pos = t.field(pos+1, end, quote, triple)
			if pos < end && src[pos] == '}' {
				pos++
			}
		default:
			pos++
		}
	}
	return pos
}

var ops3 = [...]string{"**=", "//=", ">>=", "<<=", "..."}

var ops2 = [...]string{"**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", ":=",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@="}

// op scans an operator or delimiter at pos and returns the offset after it.
func (t *tokenizer) op(pos, end int) int {
	src := t.src
	c := src[pos]
	n := 0
	if pos+3 <= end {
		for _, o := range ops3 {
			if src[pos] == o[0] && src[pos+1] == o[1] && src[pos+2] == o[2] {
				n = 3
				break
			}
		}
	}
	if n == 0 && pos+2 <= end {
		for _, o := range ops2 {
			if src[pos] == o[0] && src[pos+1] == o[1] {
				n = 2
				break
			}
		}
	}
	kind := Op
	opener := int32(-1)
	if n == 0 {
		n = 1
		switch c {
		case '+', '-', '*', '/', '%', '@', '&', '|', '^', '~', '<', '>', ',', ':', ';', '.', '=':
		case '(', '[', '{':
			t.stack = append(t.stack, int32(len(t.toks)))
		case ')', ']', '}':
			opener = t.close(c)
		default:
			kind = Error
		}
	}
	t.emit(kind, pos, pos+n, t.line, t.lineStart)
	if opener >= 0 {
		t.toks[len(t.toks)-1].Match = opener
	}
	t.lineHasTok = true
	return pos + n
}

// close pairs the closing bracket about to be emitted with its opener and
// returns the opener's index, or -1 when the bracket closes nothing.
func (t *tokenizer) close(c byte) int32 {
	want := byte('(')
	switch c {
	case ']':
		want = '['
	case '}':
		want = '{'
	}
	for d := len(t.stack) - 1; d >= 0 && d >= len(t.stack)-maxBracketSearch; d-- {
		o := t.stack[d]
		if t.src[t.toks[o].Start] == want {
			t.toks[o].Match = int32(len(t.toks))
			t.stack = t.stack[:d] // openers above d stay unmatched (-1)
			return o
		}
	}
	return -1
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isNameByte(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

// isStringPrefix reports whether b is a string prefix: up to three of
// r, b, u, f, t in either case (Python accepts fewer combinations; being
// generous costs nothing here).
func isStringPrefix(b []byte) bool {
	if len(b) > 3 {
		return false
	}
	for _, c := range b {
		switch c | 0x20 {
		case 'r', 'b', 'u', 'f', 't':
		default:
			return false
		}
	}
	return true
}
