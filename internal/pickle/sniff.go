package pickle

import (
	"strconv"
	"unicode/utf8"
)

// LooksLikePickle reports whether head (the first bytes of a stream)
// plausibly starts a pickle: PROTO 0-5, or an opcode sequence that CPython's
// unpickler would accept as far as head goes.
//
// CPython does not tie opcodes to protocols: a stream without a PROTO
// header may use any opcode of any protocol (STACK_GLOBAL on names pushed by
// STRING, EMPTY_DICT, SHORT_BINSTRING…). So the test is not a list of
// typical openers but a small model of the unpickler: every opcode must be
// valid, its argument well formed, and the stack (with its marks, coarse
// types and memo) must hold what the opcode needs. Text rarely survives
// this for more than an opcode or two.
func LooksLikePickle(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	if head[0] == opProto {
		return len(head) >= 2 && head[1] <= highestProtocol
	}
	if !isOpcode(head[0]) {
		return false
	}
	var sn sniffer
	return sn.run(head)
}

// sniffKind is the coarse type of a value on the sniffer's stack.
type sniffKind uint8

const (
	skAny sniffKind = iota // unknown: a call result, a memo value, a persistent id
	skStr
	skBytes
	skNum
	skNone
	skList
	skDict
	skSet
	skTuple
	skGlobal
)

// sniffer models what CPython's unpickler checks, over a short head. Its
// stack and marks are fixed arrays so that sniffing allocates nothing; a
// head that overflows them ends the walk.
type sniffer struct {
	stack [128]sniffKind
	marks [32]int // stack lengths at each MARK
	n, nm int
	full  bool // the stack or marks overflowed: stop walking
	memo  map[uint64]sniffKind
}

func (s *sniffer) fence() int {
	if s.nm == 0 {
		return 0
	}
	return s.marks[s.nm-1]
}

// need reports whether the current frame (above the last mark) holds n values.
func (s *sniffer) need(n int) bool { return s.n-s.fence() >= n }

func (s *sniffer) push(k sniffKind) {
	if s.n == len(s.stack) {
		s.full = true
		return
	}
	s.stack[s.n] = k
	s.n++
}

func (s *sniffer) mark() {
	if s.nm == len(s.marks) {
		s.full = true
		return
	}
	s.marks[s.nm] = s.n
	s.nm++
}

// pop removes n values; callers check need first.
func (s *sniffer) pop(n int) { s.n -= n }

func (s *sniffer) at(i int) sniffKind { return s.stack[s.n-1-i] }

// popMark removes the last mark and what is above it, reporting whether there was one.
func (s *sniffer) popMark() (int, bool) {
	if s.nm == 0 {
		return 0, false
	}
	s.nm--
	f := s.marks[s.nm]
	n := s.n - f
	s.n = f
	return n, true
}

func is(k sniffKind, want ...sniffKind) bool {
	if k == skAny {
		return true
	}
	for _, w := range want {
		if k == w {
			return true
		}
	}
	return false
}

// line returns the argument line of a text opcode starting at i, and
// whether it ended inside head.
func line(head []byte, i int) ([]byte, int, bool) {
	for j := i; j < len(head); j++ {
		if head[j] == '\n' {
			return head[i:j], j + 1, true
		}
	}
	return head[i:], len(head), false
}

func isDigits(b []byte, sign bool) bool {
	if sign && len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isDotted reports whether b is a dotted Python identifier (ASCII letters,
// digits and underscores), as GLOBAL and INST names are in practice.
func isDotted(b []byte) bool {
	if len(b) == 0 || b[0] == '.' || b[len(b)-1] == '.' {
		return false
	}
	for i, c := range b {
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		case c >= '0' && c <= '9' || c == '.':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return utf8.Valid(b)
}

func le(b []byte) uint64 {
	var n uint64
	for i := len(b) - 1; i >= 0; i-- {
		n = n<<8 | uint64(b[i])
	}
	return n
}

// run walks head; it returns true when head ends (or a STOP comes) after
// enough valid opcodes, false at the first thing the unpickler would refuse.
func (s *sniffer) run(head []byte) bool {
	i, ops := 0, 0
	enough := func() bool { return ops >= 3 || ops >= 2 && i >= len(head) }
	for i < len(head) && !s.full {
		op := head[i]
		i++
		if op != opMark {
			ops++
		}
		// Fixed-size arguments that do not fit in head end the walk.
		fixed := func(n int) ([]byte, bool) {
			if i+n > len(head) {
				i = len(head)
				return nil, false
			}
			b := head[i : i+n]
			i += n
			return b, true
		}
		switch op {
		case opMark:
			s.mark()
		case opStop:
			return s.need(1) && ops > 1
		case opPop:
			if s.need(1) {
				s.pop(1)
			} else if _, ok := s.popMark(); !ok { // POP of a bare MARK pops the mark
				return false
			}
		case opPopMark:
			if _, ok := s.popMark(); !ok {
				return false
			}
		case opDup:
			if !s.need(1) {
				return false
			}
			s.push(s.at(0))
		case opNone:
			s.push(skNone)
		case opNewTrue, opNewFalse:
			s.push(skNum)
		case opInt, opLong:
			b, _, full := line(head, i)
			if op == opLong && len(b) > 0 && b[len(b)-1] == 'L' {
				b = b[:len(b)-1]
			}
			if full && !isDigits(b, true) || !full && len(b) > 0 && !isDigits(b, true) {
				return false
			}
			_, i, _ = line(head, i)
			s.push(skNum)
		case opFloat:
			b, next, full := line(head, i)
			if full {
				if _, err := strconv.ParseFloat(string(b), 64); err != nil {
					return false
				}
			}
			i = next
			s.push(skNum)
		case opString:
			b, next, full := line(head, i)
			if len(b) == 0 && full || len(b) > 0 && b[0] != '\'' && b[0] != '"' {
				return false
			}
			if full && (len(b) < 2 || b[len(b)-1] != b[0]) {
				return false
			}
			i = next
			s.push(skStr)
		case opUnicode:
			_, i, _ = line(head, i)
			s.push(skStr)
		case opPersID:
			_, i, _ = line(head, i)
			s.push(skAny)
		case opBinPersID:
			if !s.need(1) {
				return false
			}
			s.pop(1)
			s.push(skAny)
		case opBinInt:
			fixed(4)
			s.push(skNum)
		case opBinInt1:
			fixed(1)
			s.push(skNum)
		case opBinInt2:
			fixed(2)
			s.push(skNum)
		case opBinFloat:
			fixed(8)
			s.push(skNum)
		case opLong1, opLong4:
			w := 1
			if op == opLong4 {
				w = 4
			}
			b, ok := fixed(w)
			if ok {
				n := int32(uint32(le(b)))
				if op == opLong1 {
					n = int32(b[0])
				}
				if n < 0 {
					return false
				}
				fixed(int(n))
			}
			s.push(skNum)
		case opShortBinString, opShortBinUnicode, opShortBinBytes, opBinString, opBinUnicode, opBinBytes,
			opBinUnicode8, opBinBytes8, opByteArray8:
			w := 4
			switch op {
			case opShortBinString, opShortBinUnicode, opShortBinBytes:
				w = 1
			case opBinUnicode8, opBinBytes8, opByteArray8:
				w = 8
			}
			b, ok := fixed(w)
			if ok {
				n := le(b)
				if op == opBinString && int32(uint32(n)) < 0 || n > 1<<62 {
					return false
				}
				if i+int(n) <= len(head) && (op == opShortBinUnicode || op == opBinUnicode || op == opBinUnicode8) {
					if !utf8.Valid(head[i : i+int(n)]) {
						return false
					}
				}
				if uint64(len(head)-i) < n {
					i = len(head)
				} else {
					i += int(n)
				}
			}
			switch op {
			case opShortBinBytes, opBinBytes, opBinBytes8, opByteArray8:
				s.push(skBytes)
			default:
				s.push(skStr)
			}
		case opNextBuffer:
			s.push(skBytes)
		case opReadonlyBuffer:
			if !s.need(1) {
				return false
			}
		case opEmptyList:
			s.push(skList)
		case opEmptyDict:
			s.push(skDict)
		case opEmptySet:
			s.push(skSet)
		case opEmptyTuple:
			s.push(skTuple)
		case opList, opTuple, opFrozenSet, opDict:
			n, ok := s.popMark()
			if !ok || op == opDict && n%2 != 0 {
				return false
			}
			s.push(map[byte]sniffKind{opList: skList, opTuple: skTuple, opFrozenSet: skSet, opDict: skDict}[op])
		case opTuple1, opTuple2, opTuple3:
			n := int(op-opTuple1) + 1
			if !s.need(n) {
				return false
			}
			s.pop(n)
			s.push(skTuple)
		case opAppend:
			if !s.need(2) || !is(s.at(1), skList) {
				return false
			}
			s.pop(1)
		case opAppends, opAddItems, opSetItems:
			want := skList
			if op == opAddItems {
				want = skSet
			} else if op == opSetItems {
				want = skDict
			}
			f := s.fence()
			n, ok := s.popMark()
			if !ok || f == 0 || !is(s.stack[f-1], want) || op == opSetItems && n%2 != 0 {
				return false
			}
		case opSetItem:
			if !s.need(3) || !is(s.at(2), skDict) {
				return false
			}
			s.pop(2)
		case opGlobal, opInst:
			for n := 0; n < 2; n++ {
				b, next, full := line(head, i)
				if len(b) > 0 && !isDotted(b) || full && len(b) == 0 {
					return false
				}
				i = next
				if !full {
					break
				}
			}
			if op == opInst {
				if _, ok := s.popMark(); !ok {
					return false
				}
				s.push(skAny)
			} else {
				s.push(skGlobal)
			}
		case opStackGlobal:
			// CPython takes the names from any str: STRING, UNICODE and
			// BINSTRING operands work as well as SHORT_BINUNICODE.
			if !s.need(2) || !is(s.at(0), skStr) || !is(s.at(1), skStr) {
				return false
			}
			s.pop(2)
			s.push(skGlobal)
		case opReduce, opNewObj:
			if !s.need(2) || !is(s.at(0), skTuple) || !is(s.at(1), skGlobal) {
				return false
			}
			s.pop(2)
			s.push(skAny)
		case opNewObjEx:
			if !s.need(3) || !is(s.at(0), skDict) || !is(s.at(1), skTuple) || !is(s.at(2), skGlobal) {
				return false
			}
			s.pop(3)
			s.push(skAny)
		case opObj:
			f := s.fence()
			if s.nm == 0 || s.n == f || !is(s.stack[f], skGlobal) {
				return false
			}
			s.popMark()
			s.push(skAny)
		case opBuild:
			if !s.need(2) || s.at(1) != skAny && is(s.at(1), skNum, skStr, skBytes, skNone) {
				return false
			}
			s.pop(1)
		case opPut, opGet:
			b, next, full := line(head, i)
			if full && !isDigits(b, false) || !full && len(b) > 0 && !isDigits(b, false) {
				return false
			}
			i = next
			if full && !s.memoOp(op == opGet, b) {
				return false
			}
		case opBinPut, opBinGet, opLongBinPut, opLongBinGet:
			w := 1
			if op == opLongBinPut || op == opLongBinGet {
				w = 4
			}
			b, ok := fixed(w)
			if ok && !s.memoKey(op == opBinGet || op == opLongBinGet, le(b)) {
				return false
			}
		case opMemoize:
			if !s.memoKey(false, uint64(len(s.memo))) {
				return false
			}
		case opExt1, opExt2, opExt4:
			w := map[byte]int{opExt1: 1, opExt2: 2, opExt4: 4}[op]
			fixed(w)
			s.push(skGlobal)
		case opFrame:
			fixed(8)
			ops-- // framing is not content
		default:
			// PROTO after the start is accepted by CPython too; anything
			// else is not an opcode.
			if op == opProto {
				if b, ok := fixed(1); ok && b[0] > highestProtocol {
					return false
				}
				continue
			}
			return false
		}
	}
	// MARKs do not count; a stream of one opcode is too thin to call.
	return enough()
}

// memoOp handles PUT and GET with a decimal key.
func (s *sniffer) memoOp(get bool, b []byte) bool {
	k, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return false
	}
	return s.memoKey(get, k)
}

// memoKey stores the top of the stack (PUT) or pushes a stored value (GET):
// GET of a key never PUT is a KeyError in CPython.
func (s *sniffer) memoKey(get bool, k uint64) bool {
	if get {
		v, ok := s.memo[k]
		if !ok {
			return false
		}
		s.push(v)
		return true
	}
	if !s.need(1) {
		return false
	}
	if s.memo == nil {
		s.memo = map[uint64]sniffKind{}
	}
	if len(s.memo) < 4096 {
		s.memo[k] = s.at(0)
	}
	return true
}
