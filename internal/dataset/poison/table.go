package poison

// hashTable is an open-addressing table keyed by a 64-bit row hash. The
// detector's row maps hold one entry per row of a version (a million rows
// and more), so each lookup is a cache miss; a Go map's probe touches a
// control word, then a key, then a value, and the detector's
// read-then-write idiom probes twice. Here a key and its value share one
// slot and upsert probes once. The keys are already uniform hashes, so
// the slot index is a multiplicative hash of the key's own bits.
type hashTable[V any] struct {
	slots []hslot[V]
	shift uint // 64 - log2(len(slots))
	n     int  // entries, the zero key included
	// The zero key marks an empty slot; a row whose hash is zero lives
	// here instead.
	hasZero bool
	zero    V
}

type hslot[V any] struct {
	k uint64
	v V
}

func newHashTable[V any](hint int) *hashTable[V] {
	size := 16
	for size*3/4 < hint {
		size *= 2
	}
	t := &hashTable[V]{}
	t.alloc(size)
	return t
}

func (t *hashTable[V]) alloc(size int) {
	t.slots = make([]hslot[V], size)
	bits := uint(0)
	for 1<<bits < size {
		bits++
	}
	t.shift = 64 - bits
}

func (t *hashTable[V]) index(k uint64) int {
	return int((k * 0x9e3779b97f4a7c15) >> t.shift)
}

// Len is the number of entries.
func (t *hashTable[V]) Len() int { return t.n }

// Get returns k's value, the zero V when k is absent.
func (t *hashTable[V]) Get(k uint64) (V, bool) {
	if k == 0 {
		return t.zero, t.hasZero
	}
	mask := len(t.slots) - 1
	for i := t.index(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.k == k {
			return s.v, true
		}
		if s.k == 0 {
			var z V
			return z, false
		}
	}
}

// touch loads the slot k's probe starts at, to bring it into the cache.
func (t *hashTable[V]) touch(k uint64) uint64 { return t.slots[t.index(k)].k }

// Find returns a pointer to k's value, nil when k is absent. The pointer
// is valid until the next Upsert.
func (t *hashTable[V]) Find(k uint64) *V {
	if k == 0 {
		if t.hasZero {
			return &t.zero
		}
		return nil
	}
	mask := len(t.slots) - 1
	for i := t.index(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.k == k {
			return &s.v
		}
		if s.k == 0 {
			return nil
		}
	}
}

// Upsert returns a pointer to k's value, inserting a zero value when k
// is absent, and whether k was present. The pointer is valid until the
// next Upsert.
func (t *hashTable[V]) Upsert(k uint64) (*V, bool) {
	if k == 0 {
		had := t.hasZero
		if !had {
			t.hasZero = true
			t.n++
		}
		return &t.zero, had
	}
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	mask := len(t.slots) - 1
	for i := t.index(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.k == k {
			return &s.v, true
		}
		if s.k == 0 {
			s.k = k
			t.n++
			return &s.v, false
		}
	}
}

func (t *hashTable[V]) grow() {
	old := t.slots
	t.alloc(2 * len(old))
	mask := len(t.slots) - 1
	for _, s := range old {
		if s.k == 0 {
			continue
		}
		i := t.index(s.k)
		for t.slots[i].k != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
