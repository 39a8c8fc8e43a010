package pickle

// LooksLikePickle reports whether head (the first bytes of a stream)
// plausibly starts a pickle: PROTO 2-5, or a protocol 0/1 opcode sequence
// whose first few opcodes parse. Used to sniff archive members by content.
func LooksLikePickle(head []byte) bool {
	if len(head) == 0 {
		return false
	}
	if head[0] == opProto {
		return len(head) >= 2 && head[1] <= highestProtocol
	}
	// Protocol 0/1: walk a few opcodes, requiring each to be valid and its
	// argument to fit. Text-like data rarely survives this.
	i, ops := 0, 0
	for i < len(head) && ops < 8 {
		op := head[i]
		i++
		if op != opMark {
			ops++
		}
		switch op {
		case opMark, opEmptyList, opEmptyDict, opEmptyTuple, opNone, opAppend, opAppends,
			opList, opDict, opTuple, opSetItem, opSetItems, opReduce, opBuild, opPop, opDup, opObj:
		case opStop:
			return ops > 1
		case opGlobal, opInst:
			for n := 0; n < 2; n++ {
				j := i
				for j < len(head) && head[j] != '\n' {
					if head[j] < 0x20 || head[j] >= 0x7f {
						return false
					}
					j++
				}
				if j == i || j >= len(head) {
					return j >= len(head) && ops > 1
				}
				i = j + 1
			}
		case opInt, opLong, opFloat, opString, opUnicode, opPut, opGet, opPersID:
			j := i
			for j < len(head) && head[j] != '\n' {
				j++
			}
			if j >= len(head) {
				return ops > 1
			}
			i = j + 1
		case opBinInt:
			i += 4
		case opBinInt1, opBinPut, opBinGet:
			i++
		case opBinInt2:
			i += 2
		case opLongBinPut, opLongBinGet:
			i += 4
		case opBinFloat:
			i += 8
		case opShortBinString:
			if i >= len(head) {
				return ops > 1
			}
			i += 1 + int(head[i])
		case opBinString, opBinUnicode:
			if i+4 > len(head) {
				return ops > 1
			}
			n := int(head[i]) | int(head[i+1])<<8 | int(head[i+2])<<16 | int(head[i+3])<<24
			if n < 0 {
				return false
			}
			i += 4 + n
		default:
			return false
		}
	}
	// MARKs do not count; a stream of one opcode is too thin to call.
	return ops >= 3 || (ops >= 2 && i >= len(head))
}
