package pickle

// memo is the pickle memo, kept small whatever the stream size.
//
// Plain data (ints, floats, bytes, unretained strings) is remembered only as
// "defined" in a bitset, since its value never affects what a pickle
// imports or calls. Strings, globals, calls, tuples and containers are kept
// in a map until half the budget is spent; after that only values that can
// matter (strings made of known name segments, globals, calls, tuples,
// containers with dunder keys) are kept, so a huge data pickle degrades to
// opaque strings instead of unbounded memory, while a name an attacker
// stashes in the memo is still tracked exactly.
type memo struct {
	defined []uint64 // bit k: key k is defined (k < denseKeys)
	kept    []uint64 // bit k: key k is in vals (k < denseKeys)
	vals    map[uint64]value
	count   int64 // distinct keys defined: the next MEMOIZE key
	max     int   // hard limit on len(vals)
}

// denseKeys bounds the bitsets (8 MiB each at most). Larger keys, which no
// ordinary pickler emits, always go to the map.
const denseKeys = 1 << 26

func (mm *memo) bit(set []uint64, k uint64) bool {
	w := k >> 6
	return w < uint64(len(set)) && set[w]&(1<<(k&63)) != 0
}

func grow(set []uint64, k uint64) []uint64 {
	w := int(k >> 6)
	if w >= len(set) {
		if w < cap(set) {
			set = set[:w+1]
		} else {
			n := make([]uint64, w+1, min(2*(w+1), denseKeys/64))
			copy(n, set)
			set = n
		}
	}
	return set
}

// put stores v under k. It returns false when the hard limit is reached.
func (mm *memo) put(k uint64, v *value) bool {
	if mm.vals == nil {
		mm.vals = map[uint64]value{}
	}
	keep := !v.isScalar()
	if keep && len(mm.vals) >= mm.max/2 && !mm.mustKeep(v) {
		keep = false
	}
	if k >= denseKeys {
		if _, ok := mm.vals[k]; !ok {
			if len(mm.vals) >= mm.max {
				return false
			}
			mm.count++
		}
		if !keep {
			mm.vals[k] = value{k: kData, n: 1}
			return true
		}
		mm.vals[k] = *v
		return true
	}
	w, b := k>>6, uint64(1)<<(k&63)
	if !mm.bit(mm.defined, k) {
		mm.defined = grow(mm.defined, k)
		mm.defined[w] |= b
		mm.count++
	}
	if !keep {
		if mm.bit(mm.kept, k) {
			mm.kept[w] &^= b
			delete(mm.vals, k)
		}
		return true
	}
	if !mm.bit(mm.kept, k) {
		if len(mm.vals) >= mm.max {
			return false
		}
		mm.kept = grow(mm.kept, k)
		mm.kept[w] |= b
	}
	mm.vals[k] = *v
	return true
}

// mustKeep says whether v must be kept once the ordinary budget is spent.
func (mm *memo) mustKeep(v *value) bool {
	switch v.k {
	case kStr:
		return v.fl&flTrunc != 0 || relevant(v.s)
	case kList, kDict, kSet, kFrozenSet:
		return v.flags()&(flDunderKey|flBadKey) != 0
	}
	return true
}

// get returns the value under k and whether k is defined.
func (mm *memo) get(k uint64) (value, bool) {
	if k >= denseKeys {
		v, ok := mm.vals[k]
		return v, ok
	}
	if !mm.bit(mm.defined, k) {
		return value{}, false
	}
	if mm.bit(mm.kept, k) {
		return mm.vals[k], true
	}
	return value{k: kData, n: 1}, true
}
