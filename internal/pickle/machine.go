package pickle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
)

// Default limits.
const (
	defaultMaxStack = 1 << 17 // stack slots plus open marks (≤ ~25 MiB with kept string prefixes)
	defaultMaxMemo  = 1 << 16 // retained memo values (≤ ~15 MiB)
	maxIssues       = 1000    // issues before the scan stops
	maxMalformed    = 16      // malformed issues recorded (the first sets Incomplete)
	maxGlobals      = 4096    // distinct names in Result.Globals
	maxCache        = 4096    // resolved names cached
	runAt           = 256     // stack depth from which scalars merge into runs
	ctxEvery        = 4096    // opcodes between context checks
	maxExt          = 256     // extension codes remembered
	maxFrameRest    = 1 << 20 // bytes after an early STOP inside a frame that are scanned separately
)

// errStop ends the scan after a limit or cancellation; the reason is already recorded.
var errStop = errors.New("scan stopped")

type gkey struct {
	module, name string
	py2          bool
}

// machine is the symbolic pickle virtual machine.
type machine struct {
	ctx        context.Context
	r          *reader
	pol        *Policy
	res        *Result
	maxStack   int
	maxPickles int

	stack []value
	marks []int // stack indices where each open MARK starts
	memo  memo
	proto int

	frameEnd int64 // end offset of the current frame, -1 outside frames
	opStart  int64 // offset of the opcode being executed

	cache      map[gkey]*gref
	seen       map[string]bool  // names already in Result.Globals
	unknown    map[string]int32 // unknown-global issue per name (reported once)
	malformed  int
	lastBad    int64
	stopped    bool                // a limit was reached: stop at the next opcode boundary
	depth      int                 // joblib nested pickles being scanned
	stageDepth int                 // second stages (payloads carried as data) being scanned
	pending    *joblibArray        // raw joblib payload to skip after the current opcode
	ext        map[int64][2]string // extension codes registered by copyreg.add_extension
	shapes     map[int32]*shape    // how each unknown global is used, by issue index
	line       []byte              // scratch for protocol-0 arguments
	stageLine  []byte              // scratch for protocol-0 strings read whole as second stages
	line2      []byte
}

func newMachine(ctx context.Context, r io.Reader, opts Options) *machine {
	m := &machine{
		ctx:        ctx,
		r:          newReader(r),
		pol:        opts.Policy,
		res:        &Result{},
		maxStack:   opts.MaxStack,
		maxPickles: opts.MaxPickles,
		frameEnd:   -1,
		cache:      map[gkey]*gref{},
		seen:       map[string]bool{},
		unknown:    map[string]int32{},
		line:       make([]byte, 0, maxKeep),
		line2:      make([]byte, 0, maxKeep),
	}
	if m.pol == nil {
		m.pol = defaultPolicy()
	}
	if m.maxStack <= 0 {
		m.maxStack = defaultMaxStack
	}
	m.memo.max = opts.MaxMemo
	if m.memo.max <= 0 {
		m.memo.max = defaultMaxMemo
	}
	return m
}

// issue records an issue and returns its index, or -1 when it was dropped.
func (m *machine) issue(is Issue) int32 {
	if len(m.res.Issues) >= maxIssues {
		m.limit(fmt.Sprintf("more than %d issues; the rest of the stream was not scanned", maxIssues))
		return -1
	}
	m.res.Issues = append(m.res.Issues, is)
	return int32(len(m.res.Issues) - 1)
}

// bad records a malformed-stream issue at the current opcode. The stream is
// what CPython would reject at this point; scanning goes on so that what
// follows is still reported.
func (m *machine) bad(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	m.badAt(m.opStart, msg)
}

func (m *machine) badAt(off int64, msg string) {
	if m.res.Incomplete == nil {
		m.res.Incomplete = fmt.Errorf("malformed pickle at offset %d: %s", off, msg)
	}
	if m.malformed > 0 && off == m.lastBad {
		return
	}
	m.malformed++
	m.lastBad = off
	if m.malformed > maxMalformed {
		return
	}
	if len(m.res.Issues) < maxIssues {
		m.res.Issues = append(m.res.Issues, Issue{
			Class: ClassMalformed, Severity: rule.Medium, Offset: off,
			Message: "malformed pickle: " + msg + "; pickle.load stops here, other loaders and scanners may not",
		})
	}
}

// limit records a resource limit and makes the scan stop.
func (m *machine) limit(msg string) {
	if m.stopped {
		return
	}
	m.stopped = true
	m.res.Incomplete = fmt.Errorf("scan stopped at offset %d: %s: %w", m.opStart, msg, errStop)
	m.res.Issues = append(m.res.Issues, Issue{
		Class: ClassLimit, Severity: rule.Medium, Offset: m.opStart,
		Message: "scan limit reached: " + msg + "; the rest of the stream is unchecked",
	})
}

// run scans stacked pickles to the end of the stream.
func (m *machine) run() {
	for {
		err := m.runPickle()
		if err != nil {
			if errors.Is(err, errStop) {
				return
			}
			if errors.Is(err, errTruncated) {
				m.badAt(m.r.off, "stream ends inside a pickle (truncated)")
				return
			}
			if errors.Is(err, io.EOF) {
				if m.res.Pickles == 0 && m.res.Opcodes == 0 {
					m.badAt(0, "empty stream")
				} else {
					m.badAt(m.r.off, "stream ends before STOP (truncated)")
				}
				return
			}
			m.badAt(m.r.off, err.Error())
			return
		}
		m.res.Pickles++
		m.res.End = m.r.off
		if m.maxPickles > 0 && m.res.Pickles >= m.maxPickles {
			return
		}
		if m.frameEnd >= 0 {
			end := m.frameEnd
			m.frameEnd = -1
			if m.r.off < end {
				if err := m.earlyStop(end); err != nil {
					if !errors.Is(err, errStop) {
						m.badAt(m.r.off, "stream ends inside the frame of the last pickle (truncated)")
					}
					return
				}
			}
		}
		// Another pickle, padding, or junk?
		c, err := m.r.peekByte()
		if err != nil {
			return // clean end
		}
		if c == 0 || c == ' ' || c == '\n' || c == '\r' || c == '\t' {
			m.trailing()
			return
		}
		if !isOpcode(c) {
			m.badAt(m.r.off, fmt.Sprintf("trailing bytes after STOP that are not a pickle (first byte 0x%02x)", c))
			return
		}
	}
}

// earlyStop handles a STOP before the end of its FRAME, which no pickler
// writes. Where the next stacked pickle starts then depends on the file
// object: pickle.load on a stream without peek() (io.BytesIO, the usual
// wrapper for downloaded bytes) has consumed the whole frame and resumes at
// its end; on a buffered file it resumes right after STOP. Both views are
// scanned: the rest of the frame on its own, then the stream from the frame
// end.
func (m *machine) earlyStop(end int64) error {
	start := m.r.off
	rest := end - start
	if m.issue(Issue{Class: ClassMalformed, Severity: rule.High, Offset: start,
		Message: fmt.Sprintf("STOP at offset %d comes before the end of its frame at offset %d: the next pickle.load resumes at either place depending on the file object, a trick to show scanners one stream and the loader another", start-1, end)}) < 0 {
		return errStop
	}
	if m.res.Incomplete == nil {
		m.res.Incomplete = fmt.Errorf("malformed pickle at offset %d: STOP before the end of its frame", start)
	}
	if rest > maxFrameRest || m.depth >= maxNested {
		// Too large to hold: follow the buffered-file view only.
		return nil
	}
	buf := make([]byte, rest)
	n, err := io.ReadFull(m.r.br, buf)
	m.r.off += int64(n)
	if err != nil {
		return errTruncated
	}
	sub := newMachine(m.ctx, bytes.NewReader(buf), Options{Policy: m.pol, MaxStack: m.maxStack, MaxMemo: m.memo.max})
	sub.depth = m.depth + 1
	sub.ext = m.ext
	sub.run()
	sub.finishShapes()
	for _, is := range sub.res.Issues {
		is.Offset += start
		if is.Class == ClassMalformed {
			is.Message += " (in the bytes after an early STOP, read by loaders that resume there)"
		}
		if m.issue(is) < 0 {
			return errStop
		}
	}
	for _, g := range sub.res.Globals {
		if !m.seen[g] && len(m.seen) < maxGlobals {
			m.seen[g] = true
			m.res.Globals = append(m.res.Globals, g)
		}
	}
	m.res.Opcodes += sub.res.Opcodes
	return nil
}

// trailing accepts zero or whitespace padding to the end of the stream.
func (m *machine) trailing() {
	start := m.r.off
	for {
		b, err := m.r.br.Peek(1)
		if err != nil {
			return
		}
		c := b[0]
		if c != 0 && c != ' ' && c != '\n' && c != '\r' && c != '\t' {
			m.badAt(m.r.off, fmt.Sprintf("trailing bytes after STOP and %d bytes of padding", m.r.off-start))
			return
		}
		m.r.br.Discard(1)
		m.r.off++
	}
}

// runPickle executes opcodes up to and including STOP.
func (m *machine) runPickle() error {
	m.stack = m.stack[:0]
	m.marks = m.marks[:0]
	m.proto = 0
	for {
		if m.res.Opcodes%ctxEvery == 0 && m.ctx.Err() != nil {
			m.limit("cancelled: " + m.ctx.Err().Error())
			return errStop
		}
		m.opStart = m.r.off
		op, err := m.r.readByte()
		if err != nil {
			if err == io.EOF {
				return io.EOF
			}
			return m.r.eof(err)
		}
		m.res.Opcodes++
		stop, err := m.step(op)
		if err != nil {
			return err
		}
		if m.frameEnd >= 0 && m.r.off >= m.frameEnd && op != opFrame {
			if m.r.off > m.frameEnd {
				m.bad("opcode 0x%02x crosses the end of the frame at offset %d", op, m.frameEnd)
			}
			m.frameEnd = -1
		}
		if m.pending != nil {
			a := *m.pending
			m.pending = nil
			if err := m.skipPayload(a); err != nil {
				return err
			}
		}
		if stop {
			return nil
		}
		if len(m.stack)+len(m.marks) > m.maxStack {
			m.limit(fmt.Sprintf("stack deeper than %d", m.maxStack))
			return errStop
		}
		if m.stopped {
			return errStop
		}
	}
}

// --- stack helpers ---

// push adds v, merging scalars into a run on a deep stack so that huge
// tuples and lists of numbers cost one slot.
func (m *machine) push(v value) {
	if n := len(m.stack); n >= runAt && v.isScalar() && m.stack[n-1].isScalar() &&
		(len(m.marks) == 0 || m.marks[len(m.marks)-1] < n) {
		top := &m.stack[n-1]
		c := top.count()
		*top = value{k: kData, n: c + 1}
		return
	}
	m.stack = append(m.stack, v)
}

// base is where the current mark's items start.
func (m *machine) base() int {
	if len(m.marks) == 0 {
		return 0
	}
	return m.marks[len(m.marks)-1]
}

// pop removes the top value; underflow is malformed and yields kUnknown.
func (m *machine) pop() value {
	n := len(m.stack)
	if n <= m.base() {
		m.bad("stack underflow")
		return value{k: kUnknown}
	}
	top := &m.stack[n-1]
	if top.k == kData && top.n > 1 {
		top.n--
		return value{k: kData, n: 1}
	}
	v := *top
	m.stack = m.stack[:n-1]
	return v
}

// top returns a pointer to the top value, or nil on underflow.
func (m *machine) top() *value {
	n := len(m.stack)
	if n <= m.base() {
		m.bad("stack underflow")
		return nil
	}
	return &m.stack[n-1]
}

// popMark removes the values above the last MARK and the mark itself. The
// returned slice aliases the stack and is valid until the next push.
func (m *machine) popMark() []value {
	if len(m.marks) == 0 {
		m.bad("no MARK on the stack")
		items := m.stack
		m.stack = m.stack[:0]
		return items
	}
	b := m.marks[len(m.marks)-1]
	m.marks = m.marks[:len(m.marks)-1]
	items := m.stack[b:]
	m.stack = m.stack[:b]
	return items
}

func countOf(items []value) int64 {
	var n int64
	for i := range items {
		n += items[i].count()
	}
	return n
}

// --- argument readers ---

// readLine reads a newline-terminated argument into a scratch buffer.
func (m *machine) readLine(buf *[]byte) ([]byte, bool, error) {
	b, cut, err := m.r.line(maxKeep, *buf)
	if err == nil {
		*buf = b[:0]
	}
	return b, cut, err
}

// str makes a string value from an argument prefix.
func strValue(s string, full uint64) value {
	v := value{k: kStr, s: s, n: int64(full)}
	if full > uint64(len(s)) {
		v.fl |= flTrunc
	}
	return v
}

// --- the opcodes ---

// step executes one opcode. It reports whether it was STOP.
// memoKey reads the memo index of a PUT or GET opcode: a decimal line for
// the text forms, one or four little-endian bytes for the binary ones. ok is
// false when the index could not be read; a text index that is not a number
// has then been reported as malformed and err is nil.
func (m *machine) memoKey(op byte) (k uint64, ok bool, err error) {
	switch op {
	case opPut, opGet:
		b, _, err := m.readLine(&m.line)
		if err != nil {
			return 0, false, err
		}
		n, perr := strconv.ParseUint(string(b), 10, 64)
		if perr != nil {
			name := "PUT"
			if op == opGet {
				name = "GET"
			}
			m.bad("%s key %q is not a non-negative integer", name, b)
			return 0, false, nil
		}
		return n, true, nil
	case opBinPut, opBinGet:
		n, err := m.r.uint(1)
		return n, err == nil, err
	default:
		n, err := m.r.uint(4)
		return n, err == nil, err
	}
}

func (m *machine) step(op byte) (bool, error) {
	r := m.r
	switch op {
	case opMark:
		m.marks = append(m.marks, len(m.stack))
	case opStop:
		m.pop()
		return true, nil
	case opPop:
		if len(m.stack) > m.base() {
			m.pop()
		} else if len(m.marks) > 0 {
			m.marks = m.marks[:len(m.marks)-1]
		} else {
			m.bad("POP on an empty stack")
		}
	case opPopMark:
		m.popMark()
	case opDup:
		if t := m.top(); t != nil {
			v := *t
			if v.k == kData {
				v.n = 1
			}
			m.push(v)
		}

	// Numbers.
	case opInt:
		b, _, err := m.readLine(&m.line)
		if err != nil {
			return false, err
		}
		switch string(b) {
		case "00":
			m.push(value{k: kBool})
		case "01":
			m.push(value{k: kBool, n: 1})
		default:
			m.push(intValue(b))
		}
	case opLong:
		b, _, err := m.readLine(&m.line)
		if err != nil {
			return false, err
		}
		m.push(intValue([]byte(strings.TrimSuffix(string(b), "L"))))
	case opFloat:
		if _, _, err := m.readLine(&m.line); err != nil {
			return false, err
		}
		m.push(value{k: kFloat})
	case opBinFloat:
		if _, err := r.next(8); err != nil {
			return false, err
		}
		m.push(value{k: kFloat})
	case opBinInt:
		u, err := r.uint(4)
		if err != nil {
			return false, err
		}
		m.push(value{k: kInt, n: int64(int32(uint32(u)))})
	case opBinInt1:
		u, err := r.uint(1)
		if err != nil {
			return false, err
		}
		m.push(value{k: kInt, n: int64(u)})
	case opBinInt2:
		u, err := r.uint(2)
		if err != nil {
			return false, err
		}
		m.push(value{k: kInt, n: int64(u)})
	case opLong1, opLong4:
		var n uint64
		var err error
		if op == opLong1 {
			n, err = r.uint(1)
		} else {
			n, err = r.uint(4)
			if err == nil && int32(uint32(n)) < 0 {
				m.bad("LONG4 with a negative byte count")
				return false, errStopMalformed
			}
		}
		if err != nil {
			return false, err
		}
		v := value{k: kInt}
		if n <= 8 {
			b, err := r.next(int(n))
			if err != nil {
				return false, err
			}
			v.n = leSigned(b)
		} else {
			v.fl |= flBig
			if err := r.skip(n); err != nil {
				return false, err
			}
		}
		m.push(v)
	case opNone:
		m.push(value{k: kNone})
	case opNewTrue:
		m.push(value{k: kBool, n: 1})
	case opNewFalse:
		m.push(value{k: kBool})

	// Strings and bytes.
	case opString:
		b, cut, err := m.textLine(true)
		if err != nil {
			return false, err
		}
		s, ok := unquote(b, cut)
		if !ok {
			m.bad("STRING argument is not a quoted string")
		}
		v := strValue(s, uint64(len(s)))
		if cut {
			v.fl |= flTrunc
		}
		m.push(v)
	case opUnicode:
		b, cut, err := m.textLine(false)
		if err != nil {
			return false, err
		}
		s := rawUnicodeUnescape(b)
		v := strValue(s, uint64(len(s)))
		if cut {
			v.fl |= flTrunc
		}
		m.push(v)
	case opBinString:
		n, err := r.uint(4)
		if err != nil {
			return false, err
		}
		if int32(uint32(n)) < 0 {
			m.bad("BINSTRING with a negative byte count")
			return false, errStopMalformed
		}
		s, err := m.strArg(n)
		if err != nil {
			return false, err
		}
		m.push(strValue(s, n))
	case opShortBinString, opShortBinUnicode:
		n, err := r.uint(1)
		if err != nil {
			return false, err
		}
		s, err := m.strArg(n)
		if err != nil {
			return false, err
		}
		m.push(strValue(s, n))
	case opBinUnicode, opBinUnicode8:
		w := 4
		if op == opBinUnicode8 {
			w = 8
		}
		n, err := r.uint(w)
		if err != nil {
			return false, err
		}
		s, err := m.strArg(n)
		if err != nil {
			return false, err
		}
		m.push(strValue(s, n))
	case opBinBytes, opShortBinBytes, opBinBytes8, opByteArray8:
		w := 4
		switch op {
		case opShortBinBytes:
			w = 1
		case opBinBytes8, opByteArray8:
			w = 8
		}
		n, err := r.uint(w)
		if err != nil {
			return false, err
		}
		if n >= minStage {
			if _, err := m.stageValue(n, false); err != nil {
				return false, err
			}
		} else if err := r.skip(n); err != nil {
			return false, err
		}
		m.push(value{k: kBytes, n: int64(n)})
	case opNextBuffer:
		m.push(value{k: kBytes})
	case opReadonlyBuffer:
		m.top()

	// Containers.
	case opEmptyList:
		m.push(value{k: kList})
	case opEmptyDict:
		m.push(value{k: kDict})
	case opEmptySet:
		m.push(value{k: kSet})
	case opEmptyTuple:
		m.push(value{k: kTuple})
	case opList:
		items := m.popMark()
		m.push(value{k: kList, n: countOf(items)})
	case opDict:
		items := m.popMark()
		v := value{k: kDict, n: countOf(items) / 2}
		v.fl |= keyFlags(items)
		m.push(v)
	case opFrozenSet:
		items := m.popMark()
		m.push(value{k: kFrozenSet, n: countOf(items)})
	case opTuple:
		m.push(tupleOf(m.popMark()))
	case opTuple1, opTuple2, opTuple3:
		n := int(op-opTuple1) + 1
		var items [3]value
		for i := n - 1; i >= 0; i-- {
			items[i] = m.pop()
		}
		m.push(tupleOf(items[:n]))
	case opAppend:
		m.pop()
		if t := m.top(); t != nil {
			m.mutate(t, "APPEND", nil)
		}
	case opAppends, opAddItems:
		items := m.popMark()
		n := countOf(items)
		if t := m.top(); t != nil {
			name := "APPENDS"
			if op == opAddItems {
				name = "ADDITEMS"
			}
			m.mutate(t, name, nil)
			if t.k == kList || t.k == kSet {
				t.n += n
			}
		}
	case opSetItem:
		val := m.pop()
		key := m.pop()
		if t := m.top(); t != nil {
			pair := []value{key, val}
			m.mutate(t, "SETITEM", pair)
			m.recordState(t, pair)
		}
	case opSetItems:
		items := m.popMark()
		if t := m.top(); t != nil {
			m.mutate(t, "SETITEMS", items)
			m.recordState(t, items)
		}

	// Globals and calls.
	case opGlobal, opInst:
		mod, mcut, err := m.readLine(&m.line)
		if err != nil {
			return false, err
		}
		name, ncut, err := m.readLine(&m.line2)
		if err != nil {
			return false, err
		}
		g := m.global(value{k: kStr, s: intern(mod), fl: truncFlag(mcut)}, value{k: kStr, s: intern(name), fl: truncFlag(ncut)})
		if op == opInst {
			items := m.popMark()
			m.call(g, tupleOf(items), "INST")
		} else {
			m.push(g)
		}
	case opStackGlobal:
		name := m.pop()
		mod := m.pop()
		if isComputed(&mod) || isComputed(&name) {
			m.push(m.computedGlobal(mod, name))
			break
		}
		if !isStrLike(&mod) || !isStrLike(&name) {
			m.bad("STACK_GLOBAL requires two strings")
			m.push(value{k: kUnknown})
			break
		}
		m.push(m.global(mod, name))
	case opReduce:
		args := m.pop()
		callee := m.pop()
		m.call(callee, args, "REDUCE")
	case opNewObj:
		args := m.pop()
		cls := m.pop()
		m.call(cls, args, "NEWOBJ")
	case opNewObjEx:
		m.pop() // kwargs
		args := m.pop()
		cls := m.pop()
		m.call(cls, args, "NEWOBJ_EX")
	case opObj:
		items := m.popMark()
		if len(items) == 0 {
			m.bad("OBJ without a class")
			m.push(value{k: kUnknown})
			break
		}
		cls := items[0]
		if cls.k == kData && cls.n > 1 {
			cls.n = 1
		}
		args := tupleOf(items[1:])
		if items[0].k == kData {
			args.n = countOf(items) - 1
		}
		m.call(cls, args, "OBJ")
	case opBuild:
		state := m.pop()
		if t := m.top(); t != nil {
			m.shapeBuild(t, &state)
			if t.k == kGlobal {
				m.stateOnClass(t, "BUILD")
			}
			if isWrapper(t) {
				a, err := wrapperPayload(&state)
				if err != nil {
					m.bad("%v: cannot find the end of the raw array bytes that follow", err)
					return false, errStopMalformed
				}
				m.pending = &a
			}
			if state.flags()&flBadKey != 0 {
				m.issue(Issue{Class: ClassDunderAccess, Severity: rule.High, Offset: m.opStart,
					Evidence: "BUILD with a state dict setting interpreter-internal attributes",
					Message:  "BUILD sets a dunder attribute (such as __class__ or __dict__) on an object while the pickle loads"})
			}
		}

	// Memo.
	case opPut, opBinPut, opLongBinPut, opMemoize:
		k := uint64(m.memo.count)
		if op != opMemoize {
			var ok bool
			var err error
			if k, ok, err = m.memoKey(op); !ok {
				return false, err
			}
		}
		t := m.top()
		if t == nil {
			break
		}
		if t.k == kData && t.n > 1 {
			// A run stands for several values; only its last is memoized.
			if !m.memo.put(k, &value{k: kData, n: 1}) {
				m.limit(fmt.Sprintf("memo larger than %d retained values", m.memo.max))
				return false, errStop
			}
			break
		}
		switch t.k {
		case kList, kDict, kSet, kFrozenSet:
			if t.x == nil {
				// Share flags between the stack copy and the memo copy.
				t.x = &node{fl: t.fl}
			}
		}
		if !m.memo.put(k, t) {
			m.limit(fmt.Sprintf("memo larger than %d retained values", m.memo.max))
			return false, errStop
		}
	case opGet, opBinGet, opLongBinGet:
		k, ok, err := m.memoKey(op)
		if err != nil {
			return false, err
		}
		if !ok {
			m.push(value{k: kUnknown})
			return false, nil
		}
		v, ok := m.memo.get(k)
		if !ok {
			m.bad("memo key %d is not defined", k)
			v = value{k: kUnknown}
		}
		m.push(v)

	// Persistent IDs and extensions.
	case opPersID:
		if _, _, err := m.readLine(&m.line); err != nil {
			return false, err
		}
		m.push(value{k: kPers})
	case opBinPersID:
		m.pop()
		m.push(value{k: kPers})
	case opExt1, opExt2, opExt4:
		w := 1
		if op == opExt2 {
			w = 2
		} else if op == opExt4 {
			w = 4
		}
		code, err := r.uint(w)
		if err != nil {
			return false, err
		}
		m.push(m.extension(int64(int32(uint32(code)))))

	// Framing and protocol.
	case opProto:
		p, err := r.uint(1)
		if err != nil {
			return false, err
		}
		if p > highestProtocol {
			m.bad("unsupported protocol %d", p)
		}
		m.proto = int(p)
	case opFrame:
		n, err := r.uint(8)
		if err != nil {
			return false, err
		}
		if m.frameEnd >= 0 && m.opStart < m.frameEnd {
			m.bad("FRAME starts before the end of the current frame at offset %d", m.frameEnd)
		}
		if n > 1<<62 {
			m.bad("FRAME length %d is impossible", n)
			n = 1 << 62
		}
		m.frameEnd = r.off + int64(n)
		if n == 0 {
			m.frameEnd = -1
		}
	default:
		m.bad("invalid opcode 0x%02x", op)
		return false, errStopMalformed
	}
	return false, nil
}

// errStopMalformed stops the scan after a malformed opcode whose length is unknown.
var errStopMalformed = fmt.Errorf("cannot continue after malformed opcode: %w", errStop)

func truncFlag(cut bool) uint8 {
	if cut {
		return flTrunc
	}
	return 0
}

func isStrLike(v *value) bool {
	return v.k == kStr || v.k == kData || v.k == kUnknown
}

// isComputed reports whether v is made while the pickle loads: the result
// of a call, of persistent_load, or a global object. Any of them can be a
// str (str('os'), _codecs.encode('bf', 'rot13'), legacy torch.load's
// ('module', 'os') persistent id), so a STACK_GLOBAL fed with one imports a
// name the scanner cannot read.
func isComputed(v *value) bool {
	return v.k == kCall || v.k == kPers || v.k == kGlobal
}

// computedGlobal reports a STACK_GLOBAL whose module or name is computed at
// load time. No pickler writes one: it exists to hide an import.
func (m *machine) computedGlobal(mod, name value) value {
	part := func(v *value) (string, string) {
		if v.k == kStr && v.fl&(flOpaque|flTrunc) == 0 {
			return v.s, "'" + v.s + "'"
		}
		var sb strings.Builder
		render(&sb, v, 0)
		return "?", sb.String()
	}
	ms, mev := part(&mod)
	ns, nev := part(&name)
	g := &gref{module: ms, name: ns, qual: ms + "." + ns, canon: ms + "." + ns,
		class: ClassDangerousGlobal, sev: rule.Critical,
		why: "is named by strings computed while the pickle loads, which hides the real import from scanners"}
	n := &node{g: g, issue: m.issue(Issue{Class: g.class, Severity: g.sev, Module: ms, Name: ns, Offset: m.opStart,
		Evidence: shorten("STACK_GLOBAL(" + mev + ", " + nev + ")"),
		Message:  "loading the pickle imports a global whose module or name is the result of a call made during loading (" + shorten(mev+", "+nev) + "); no pickler writes this, it hides the real import from scanners"})}
	n.called = true // keep the evidence that shows how the name was built
	return value{k: kGlobal, x: n}
}

// intValue parses a protocol-0 decimal integer.
func intValue(b []byte) value {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return value{k: kInt, fl: flBig}
	}
	return value{k: kInt, n: n}
}

// leSigned decodes a little-endian two's-complement integer of up to 8 bytes.
func leSigned(b []byte) int64 {
	if len(b) == 0 {
		return 0
	}
	var u uint64
	for i := len(b) - 1; i >= 0; i-- {
		u = u<<8 | uint64(b[i])
	}
	shift := 64 - 8*uint(len(b))
	return int64(u<<shift) >> shift
}

// tupleOf makes a tuple from stack items, keeping the first few elements
// when any of them can matter for evidence or detection.
func tupleOf(items []value) value {
	v := value{k: kTuple, n: countOf(items)}
	keep := false
	for i := range items {
		if items[i].k == kBytes {
			v.fl |= flDataArg
		}
		if i >= maxElems {
			break
		}
		if !items[i].isScalar() || items[i].k == kInt || items[i].k == kBool || items[i].k == kNone {
			keep = true
		}
	}
	if keep && v.n == int64(len(items)) {
		n := min(len(items), maxElems)
		v.x = &node{args: append([]value(nil), items[:n]...)}
		for i := range v.x.args {
			v.fl |= v.x.args[i].flags() & (flDunderKey | flBadKey)
		}
	}
	return v
}

// keyFlags inspects alternating key/value items for dunder keys.
func keyFlags(items []value) uint8 {
	var fl uint8
	for i := 0; i+1 < len(items); i += 2 {
		fl |= dunderKey(&items[i])
	}
	return fl
}

// dunderKey flags a string key like "__x__", and one from the dunders list.
func dunderKey(k *value) uint8 {
	if k.k != kStr {
		return 0
	}
	s := k.s
	if len(s) > 4 && strings.HasPrefix(s, "__") && strings.HasSuffix(s, "__") {
		if dunders[s] {
			return flDunderKey | flBadKey
		}
		return flDunderKey
	}
	return 0
}

// mutate handles APPEND(S), ADDITEMS and SETITEM(S) on target.
func (m *machine) mutate(t *value, op string, pairs []value) {
	if t.k == kGlobal {
		m.registerExt(t.x.g.canon, pairs)
		m.stateOnClass(t, op)
		return
	}
	if t.k == kDict && pairs != nil {
		if fl := keyFlags(pairs); fl != 0 {
			t.setFlag(fl)
		}
		if t.x == nil {
			t.n += countOf(pairs) / 2
		}
	}
}

// stateOnClass reports state being set on a module or class object.
func (m *machine) stateOnClass(t *value, op string) {
	g := t.x.g
	m.issue(Issue{
		Class: ClassStateOnClass, Severity: rule.High, Module: g.module, Name: g.name, Offset: m.opStart,
		Evidence: op + " on " + g.qual,
		Message:  op + " changes the state of " + g.qual + " itself (a class or module, not an instance), which can replace its functions for later callers",
	})
}

// global resolves a module and name (GLOBAL, INST or STACK_GLOBAL) and
// records the issue for this reference.
func (m *machine) global(mod, name value) value {
	if mod.k != kStr || name.k != kStr || mod.fl&(flOpaque|flTrunc) != 0 || name.fl&(flOpaque|flTrunc) != 0 {
		return m.unresolved(mod, name)
	}
	key := gkey{mod.s, name.s, m.proto < 3}
	g := m.cache[key]
	if g == nil {
		g = resolve(mod.s, name.s, m.proto, m.pol)
		if len(m.cache) < maxCache {
			m.cache[key] = g
		}
	}
	if !m.seen[g.qual] && len(m.seen) < maxGlobals {
		m.seen[g.qual] = true
		m.res.Globals = append(m.res.Globals, g.qual)
	}
	n := &node{g: g, issue: -1}
	v := value{k: kGlobal, x: n}
	switch g.class {
	case "":
	case ClassUnknownGlobal:
		if idx, ok := m.unknown[g.qual]; ok {
			n.issue = idx
			n.called = m.res.Issues[idx].Evidence != g.qual
		} else {
			n.issue = m.issue(globalIssue(g, m.opStart))
			m.unknown[g.qual] = n.issue
		}
		if sh := m.unknownShape(&v); sh != nil {
			sh.refs++
		}
	default:
		n.issue = m.issue(globalIssue(g, m.opStart))
	}
	return v
}

func globalIssue(g *gref, off int64) Issue {
	return Issue{
		Class: g.class, Severity: g.sev, Module: g.module, Name: g.name, Offset: off, Sink: g.sink,
		Evidence: g.evidence(), Message: "loading the pickle imports " + g.display() + ", which " + g.why,
	}
}

// display names a global, with its canonical form when that differs.
func (g *gref) display() string {
	if g.canon != g.qual && g.canon != "" {
		return g.qual + " (" + g.canon + ")"
	}
	return g.qual
}

func (g *gref) evidence() string { return g.display() }

// unresolved handles a global whose name the scanner does not know exactly.
func (m *machine) unresolved(mod, name value) value {
	ms, ns := "?", "?"
	if mod.k == kStr && mod.fl&flOpaque == 0 {
		ms = mod.s
	}
	if name.k == kStr && name.fl&flOpaque == 0 {
		ns = name.s
	}
	g := &gref{module: ms, name: ns, qual: ms + "." + ns, canon: canonModule(ms) + "." + ns,
		class: ClassUnknownGlobal, sev: rule.Medium,
		why: "is built from strings the scanner could not keep in full (too long, or beyond the memo budget)"}
	if mod.fl&flTrunc != 0 || name.fl&flTrunc != 0 {
		g.sev = rule.High
		g.why = "has a name too long to resolve exactly, which no legitimate pickle needs"
	}
	if ms != "?" {
		// The module alone may already be dangerous ("os" with an unknown name).
		if d, bad := lookupDanger(canonModule(ms) + ".?"); bad {
			g.class, g.sev, g.why = ClassDangerousGlobal, d.sev, d.why
		}
	}
	n := &node{g: g, issue: m.issue(globalIssue(g, m.opStart))}
	return value{k: kGlobal, x: n}
}

// addExt remembers that extension code stands for module.name.
func (m *machine) addExt(code, mod, name *value) {
	if code.k != kInt || mod.k != kStr || name.k != kStr || (mod.fl|name.fl)&(flOpaque|flTrunc) != 0 || len(m.ext) >= maxExt {
		return
	}
	if m.ext == nil {
		m.ext = map[int64][2]string{}
	}
	m.ext[code.n] = [2]string{mod.s, name.s}
}

// registerExt follows items set directly in the tables the unpickler reads
// for EXT1/2/4 (CPython looks in copyreg._extension_cache, then in
// copyreg._inverted_registry), bypassing add_extension: code → (module,
// name) in the inverted registry, code → the object itself in the cache.
func (m *machine) registerExt(table string, pairs []value) {
	if table != "copyreg._inverted_registry" && table != "copyreg._extension_cache" {
		return
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		code, v := &pairs[i], &pairs[i+1]
		switch {
		case v.k == kTuple && v.x != nil && len(v.x.args) == 2:
			m.addExt(code, &v.x.args[0], &v.x.args[1])
		case v.k == kGlobal && v.x != nil && v.x.g != nil && v.x.g.module != "" && v.x.g.module != "?":
			mod, name := value{k: kStr, s: v.x.g.module}, value{k: kStr, s: v.x.g.name}
			m.addExt(code, &mod, &name)
		}
	}
}

// extension handles EXT1/2/4: the copyreg extension registry is empty in a
// stock interpreter, so the code names an unknown global.
func (m *machine) extension(code int64) value {
	if e, ok := m.ext[code]; ok {
		// Registered earlier in this stream (copyreg.add_extension, or an
		// item set in the registry): the code stands for that global exactly.
		return m.global(value{k: kStr, s: e[0]}, value{k: kStr, s: e[1]})
	}
	q := "ext:" + strconv.FormatInt(code, 10)
	g := &gref{module: "", name: q, qual: q, canon: q, class: ClassUnknownGlobal, sev: rule.Medium,
		why: "is a copyreg extension code; no extension is registered by default, so it names a global the loader must supply"}
	if !m.seen[q] && len(m.seen) < maxGlobals {
		m.seen[q] = true
		m.res.Globals = append(m.res.Globals, q)
	}
	n := &node{g: g, issue: m.issue(Issue{Class: g.class, Severity: g.sev, Name: q, Offset: m.opStart,
		Evidence: q, Message: "loading the pickle imports extension " + q + ", which " + g.why})}
	return value{k: kGlobal, x: n}
}

// call applies callee to args (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST) and
// pushes the symbolic result.
func (m *machine) call(callee, args value, op string) {
	res := value{k: kCall, x: &node{argc: -1}}
	if args.k == kTuple {
		res.x.argc = args.n
		if args.x != nil {
			res.x.args = args.x.args
		}
	}
	switch callee.k {
	case kCall:
		res.x.depth = callee.x.depth + 1
		if callee.x.depth < maxDepth {
			c := callee
			res.x.callee = &c
		}
		m.shapeCall(&callee, &res, &args, op)
		ev := renderCall(&res)
		m.issue(Issue{Class: ClassCallOnCall, Severity: rule.High, Offset: m.opStart, Evidence: ev,
			Message: op + " calls the result of another call (" + ev + "): a gadget chain, which the standard pickler never writes"})
	case kGlobal:
		c := callee
		res.x.callee = &c
		m.calledGlobal(callee.x, &res, args, op)
		m.shapeCall(&callee, &res, &args, op)
	default:
		c := callee
		res.x.callee = &c
	}
	m.push(res)
}

// calledGlobal enriches the global's issue with the call and runs the
// argument-based detectors.
func (m *machine) calledGlobal(n *node, res *value, args value, op string) {
	g := n.g
	if n.issue >= 0 && !n.called && int(n.issue) < len(m.res.Issues) {
		n.called = true
		is := &m.res.Issues[n.issue]
		is.Evidence = renderCall(res)
		if g.canon != g.qual && g.canon != "" {
			is.Evidence += " → " + g.canon
		}
		is.Message = "loading the pickle calls " + g.display() + ", which " + g.why
	}
	if g.canon == "copyreg.add_extension" && len(res.x.args) == 3 {
		// add_extension(module, name, code): remember it so that EXT with
		// that code is judged as the global it names (the registry is
		// process-wide, so it holds for later stacked pickles too).
		a := res.x.args
		m.addExt(&a[2], &a[0], &a[1])
	}
	if (g.canon == "operator.setitem" || g.canon == "_operator.setitem" || g.canon == "builtins.dict.__setitem__") && len(res.x.args) == 3 {
		// setitem(copyreg._inverted_registry, code, (module, name)).
		if r := &res.x.args[0]; r.k == kGlobal && r.x != nil && r.x.g != nil {
			m.registerExt(r.x.g.canon, res.x.args[1:3])
		}
	}
	if g.isType && res.x.argc == 3 {
		var ns *value
		if len(res.x.args) == 3 {
			ns = &res.x.args[2]
		}
		if ns == nil || ns.k != kDict || ns.flags()&flDunderKey != 0 {
			ev := renderCall(res)
			m.issue(Issue{Class: ClassDynamicType, Severity: rule.High, Module: g.module, Name: g.name, Offset: m.opStart,
				Evidence: ev,
				Message:  op + " creates a class with type(name, bases, namespace) whose namespace sets special methods: code that runs when the object is used"})
		}
	}
	if g.resolver {
		for i := range res.x.args {
			a := &res.x.args[i]
			if a.k != kStr {
				continue
			}
			for _, seg := range strings.Split(a.s, ".") {
				if dunders[seg] {
					ev := renderCall(res)
					m.issue(Issue{Class: ClassDunderAccess, Severity: rule.High, Module: g.module, Name: g.name, Offset: m.opStart,
						Evidence: ev,
						Message:  g.qual + " is asked for " + seg + ", an attribute that reaches interpreter internals"})
					break
				}
			}
		}
	}
}

func renderCall(v *value) string {
	var sb strings.Builder
	render(&sb, v, 0)
	return shorten(sb.String())
}
