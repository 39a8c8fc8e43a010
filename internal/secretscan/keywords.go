package secretscan

// keywordIndex finds every occurrence of a set of lowercase keywords in a
// text in one pass, case-insensitively, with an Aho-Corasick automaton over
// bytes. The transition table is dense (256 entries a state): rules carry a
// few hundred short keywords, so the table stays around a megabyte and the
// scan is one table lookup a byte, with no allocation but the hits.
type keywordIndex struct {
	next [][256]int32 // goto function completed with failure links
	out  [][]int32    // keyword ids that end at each state, suffixes included
	lens []int        // length of each keyword
}

// newKeywordIndex builds the automaton. Keywords must be lowercase ASCII;
// an empty keyword is ignored.
func newKeywordIndex(words []string) *keywordIndex {
	ki := &keywordIndex{next: make([][256]int32, 1), out: make([][]int32, 1), lens: make([]int, len(words))}
	for id, w := range words {
		ki.lens[id] = len(w)
		if w == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(w); i++ {
			c := w[i]
			if ki.next[s][c] == 0 {
				ki.next = append(ki.next, [256]int32{})
				ki.out = append(ki.out, nil)
				ki.next[s][c] = int32(len(ki.next) - 1)
			}
			s = ki.next[s][c]
		}
		ki.out[s] = append(ki.out[s], int32(id))
	}
	// Breadth-first: complete the goto function with the failure links, so
	// that scanning never backtracks.
	fail := make([]int32, len(ki.next))
	var queue []int32
	for c := 0; c < 256; c++ {
		if s := ki.next[0][c]; s != 0 {
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		ki.out[r] = append(ki.out[r], ki.out[fail[r]]...)
		for c := 0; c < 256; c++ {
			s := ki.next[r][c]
			if s == 0 {
				ki.next[r][c] = ki.next[fail[r]][c]
				continue
			}
			fail[s] = ki.next[fail[r]][c]
			queue = append(queue, s)
		}
	}
	return ki
}

// lower maps ASCII upper case to lower case; other bytes are themselves.
var lower = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if i >= 'A' && i <= 'Z' {
			t[i] = byte(i + 'a' - 'A')
		}
	}
	return
}()

// find calls hit with the keyword id and the offset where it starts, for
// every occurrence in text, in the order the occurrences end.
func (ki *keywordIndex) find(text []byte, hit func(id int, start int)) {
	s := int32(0)
	next, out := ki.next, ki.out
	for i, b := range text {
		s = next[s][lower[b]]
		if o := out[s]; o != nil {
			for _, id := range o {
				hit(int(id), i+1-ki.lens[id])
			}
		}
	}
}
