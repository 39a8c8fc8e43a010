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
	src := t.src
	t.stack = t.stack[:0]
	t.lineHasTok = false
	for pos < end {
		c := src[pos]
		switch {
		case c == ' ' || c == '\t' || c == '\f' || c == '\r':
			pos++
		case c == '\n':
			if len(t.stack) == 0 && t.lineHasTok {
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
				pos = n + 1
				continue
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
				pos = t.str(s, pos, end)
				continue
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
	}
	t.stack = t.stack[:0] // still-open brackets keep Match -1
	if t.lineHasTok {
		t.emit(Newline, end, end, t.line, t.lineStart)
		t.lineHasTok = false
	}
}

// str scans a string literal whose prefix starts at s and quote at q, and
// returns the offset after it. An unterminated single-quoted string ends at
// the line break; an unterminated triple-quoted one at the end of the range.
func (t *tokenizer) str(s, q, end int) int {
	src := t.src
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
