package pickle

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// kind is the symbolic type of a stack value.
type kind uint8

const (
	kData      kind = iota // opaque scalars; n counts a run of them on the stack
	kNone                  // None
	kBool                  // n: 0 or 1
	kInt                   // n: the value when it fits, else 0 with flBig
	kFloat                 // a float
	kStr                   // s: kept prefix; n: full length in bytes
	kBytes                 // n: length
	kList                  // a list; flags in fl or x.fl
	kDict                  // a dict; flags in fl or x.fl
	kSet                   // a set
	kFrozenSet             // a frozenset
	kTuple                 // n: length; x.args: its elements when kept
	kGlobal                // x.g: the resolved name; x.issue: its issue
	kCall                  // x.callee called with x.args
	kPers                  // what persistent_load returns
	kUnknown               // anything else (buffers, failed operations)
)

// Value flags.
const (
	flTrunc     uint8 = 1 << iota // string longer than its kept prefix
	flOpaque                      // string content not retained (memo budget)
	flDunderKey                   // container holds a key like "__x__"
	flBadKey                      // container holds a key from the dunders list
	flBig                         // integer too large for n
	flDataArg                     // tuple holding bytes (kept or not): data a callee may run
)

// maxKeep is how many bytes of a string argument are kept for names and evidence.
const maxKeep = 128

// maxElems is how many elements of a tuple are kept for call evidence.
const maxElems = 4

// value is one symbolic stack or memo entry. It is small and copied by value;
// x points to shared state for globals, calls, tuples and memoized containers.
type value struct {
	k  kind
	fl uint8
	n  int64
	s  string
	x  *node
}

// node is the shared part of a value.
type node struct {
	g      *gref   // kGlobal
	issue  int32   // kGlobal: index of its issue in Result.Issues, -1 for none
	callee *value  // kCall: what was called; nil past maxDepth
	args   []value // kCall: the first arguments; kTuple: the first elements
	argc   int64   // kCall: number of positional arguments, -1 if unknown
	fl     uint8   // containers: flags shared by every copy (memo and stack)
	depth  uint8   // kCall: nesting of call-on-call
	called bool    // kGlobal: its issue already has call evidence
}

// maxDepth bounds how many nested calls a call value remembers.
const maxDepth = 6

// flags returns a container's flags wherever they are kept.
func (v *value) flags() uint8 {
	if v.x != nil {
		return v.fl | v.x.fl
	}
	return v.fl
}

// setFlag sets a container flag on the shared node when there is one.
func (v *value) setFlag(f uint8) {
	if v.x != nil {
		v.x.fl |= f
		return
	}
	v.fl |= f
}

// isScalar reports whether v is plain data whose identity never matters:
// such values can be merged into runs on a deep stack and are not kept in
// the memo.
func (v *value) isScalar() bool {
	switch v.k {
	case kData, kNone, kBool, kInt, kFloat, kBytes:
		return true
	case kStr:
		return v.fl&flOpaque != 0
	}
	return false
}

// count is how many pickle values a stack slot stands for.
func (v *value) count() int64 {
	if v.k == kData {
		return v.n
	}
	return 1
}

// evidenceMax bounds the length of rendered arguments.
const evidenceMax = 120

// render writes a short, Python-like rendering of v for evidence.
func render(sb *strings.Builder, v *value, depth int) {
	if sb.Len() > 4*evidenceMax || depth > maxDepth {
		sb.WriteString("…")
		return
	}
	switch v.k {
	case kNone:
		sb.WriteString("None")
	case kBool:
		if v.n != 0 {
			sb.WriteString("True")
		} else {
			sb.WriteString("False")
		}
	case kInt:
		if v.fl&flBig != 0 {
			sb.WriteString("<int>")
		} else {
			sb.WriteString(strconv.FormatInt(v.n, 10))
		}
	case kStr:
		if v.fl&flOpaque != 0 {
			sb.WriteString("'…'")
			return
		}
		quote(sb, v.s, v.fl&flTrunc != 0)
	case kBytes:
		sb.WriteString("b'…'")
	case kList:
		sb.WriteString("[…]")
	case kDict:
		sb.WriteString("{…}")
	case kSet, kFrozenSet:
		sb.WriteString("{…}")
	case kTuple:
		sb.WriteByte('(')
		renderList(sb, v, depth)
		if v.n == 1 {
			sb.WriteByte(',')
		}
		sb.WriteByte(')')
	case kGlobal:
		sb.WriteString(v.x.g.qual)
	case kCall:
		if v.x.callee == nil {
			sb.WriteString("…")
		} else {
			render(sb, v.x.callee, depth+1)
		}
		sb.WriteByte('(')
		if v.x.argc >= 0 {
			renderArgs(sb, v.x.args, v.x.argc, depth)
		} else {
			sb.WriteString("*…")
		}
		sb.WriteByte(')')
	case kPers:
		sb.WriteString("<persistent>")
	default:
		sb.WriteString("…")
	}
}

// renderList writes the kept elements of a tuple.
func renderList(sb *strings.Builder, v *value, depth int) {
	if v.x == nil {
		if v.n > 0 {
			sb.WriteString("…")
		}
		return
	}
	renderArgs(sb, v.x.args, v.n, depth)
}

func renderArgs(sb *strings.Builder, args []value, n int64, depth int) {
	for i := range args {
		if i > 0 {
			sb.WriteString(", ")
		}
		render(sb, &args[i], depth+1)
	}
	if n > int64(len(args)) {
		if len(args) > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("…")
	}
}

// quote writes s as a single-quoted Python string literal, escaping control
// characters so evidence never carries terminal escapes or newlines.
func quote(sb *strings.Builder, s string, cut bool) {
	sb.WriteByte('\'')
	start := sb.Len()
	for i, r := range s {
		if sb.Len()-start > evidenceMax-20 {
			cut = true
			break
		}
		switch {
		case r == '\'' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == utf8.RuneError && len(s) > i && s[i] >= 0x80:
			sb.WriteString(`\x`)
			sb.WriteString(strconv.FormatUint(uint64(s[i]), 16))
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			sb.WriteString(strconv.QuoteRune(r)[1 : len(strconv.QuoteRune(r))-1])
		default:
			sb.WriteRune(r)
		}
	}
	if cut {
		sb.WriteString("…")
	}
	sb.WriteByte('\'')
}

// shorten cuts evidence to about twice evidenceMax bytes at a rune boundary.
func shorten(s string) string {
	if len(s) <= 2*evidenceMax {
		return s
	}
	cut := 2 * evidenceMax
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
