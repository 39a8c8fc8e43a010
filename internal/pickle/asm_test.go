package pickle

import (
	"encoding/binary"
	"strconv"
)

// asm assembles pickle bytes for tests: opcodes with their arguments, and
// labels to capture the offset of an opcode. Malicious cases are written as
// bytes here and only ever scanned, never loaded.
type asm struct {
	b      []byte
	labels map[string]int64
}

func newAsm() *asm { return &asm{labels: map[string]int64{}} }

// at names the offset of the next opcode.
func (a *asm) at(label string) *asm { a.labels[label] = int64(len(a.b)); return a }

func (a *asm) op(c ...byte) *asm { a.b = append(a.b, c...); return a }

func (a *asm) proto(n byte) *asm { return a.op(opProto, n) }

// frame writes a FRAME opcode whose length is n.
func (a *asm) frame(n uint64) *asm {
	a.op(opFrame)
	a.b = binary.LittleEndian.AppendUint64(a.b, n)
	return a
}

// global writes protocol-0 GLOBAL module\nname\n.
func (a *asm) global(module, name string) *asm {
	a.op(opGlobal)
	a.b = append(a.b, module+"\n"+name+"\n"...)
	return a
}

// inst writes INST module\nname\n.
func (a *asm) inst(module, name string) *asm {
	a.op(opInst)
	a.b = append(a.b, module+"\n"+name+"\n"...)
	return a
}

// str0 writes a protocol-0 STRING with a single-quoted literal.
func (a *asm) str0(s string) *asm {
	a.op(opString)
	a.b = append(a.b, "'"+s+"'\n"...)
	return a
}

// sbu writes SHORT_BINUNICODE.
func (a *asm) sbu(s string) *asm {
	a.op(opShortBinUnicode, byte(len(s)))
	a.b = append(a.b, s...)
	return a
}

// bu writes BINUNICODE.
func (a *asm) bu(s string) *asm {
	a.op(opBinUnicode)
	a.b = binary.LittleEndian.AppendUint32(a.b, uint32(len(s)))
	a.b = append(a.b, s...)
	return a
}

// bytes8 writes BINBYTES8 of n zero bytes.
func (a *asm) bytes8(n int) *asm {
	a.op(opBinBytes8)
	a.b = binary.LittleEndian.AppendUint64(a.b, uint64(n))
	a.b = append(a.b, make([]byte, n)...)
	return a
}

func (a *asm) int1(n byte) *asm             { return a.op(opBinInt1, n) }
func (a *asm) put(n byte) *asm              { return a.op(opBinPut, n) }
func (a *asm) get(n byte) *asm              { return a.op(opBinGet, n) }
func (a *asm) putText(n int) *asm           { a.op(opPut); a.b = append(a.b, strconv.Itoa(n)+"\n"...); return a }
func (a *asm) getText(n int) *asm           { a.op(opGet); a.b = append(a.b, strconv.Itoa(n)+"\n"...); return a }
func (a *asm) stackGlobal(m, n string) *asm { return a.sbu(m).sbu(n).op(opStackGlobal) }

// sg writes STACK_GLOBAL fed by two SHORT_BINUNICODE strings, labelling the STACK_GLOBAL opcode.
func (a *asm) sg(label, m, n string) *asm { return a.sbu(m).sbu(n).at(label).op(opStackGlobal) }

// call1 calls the callable on the stack with one string argument.
func (a *asm) call1(arg string) *asm { return a.sbu(arg).op(opTuple1, opReduce) }

func (a *asm) stop() *asm { return a.op(opStop) }

func (a *asm) bytes() []byte { return a.b }
