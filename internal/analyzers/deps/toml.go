package deps

import (
	"errors"
	"fmt"
	"sort"

	"github.com/pelletier/go-toml/v2/unstable"
)

// maxTOMLDepth bounds nesting of arrays and inline tables. go-toml's parser
// recurses on them, and no real pyproject.toml comes near this.
const maxTOMLDepth = 64

// tval is a TOML value with the byte offset where it was written, built
// from go-toml's position-carrying parser because the decoding API drops
// positions.
type tval struct {
	kind  unstable.Kind
	str   string // strings, and the text of other scalars
	off   int    // offset of the value (tables: of their key or header)
	items []*tval
	tab   *ttable
}

// ttable is a TOML table with keys in document order.
type ttable struct {
	keys []string
	m    map[string]*tval
}

func newTable() *ttable { return &ttable{m: map[string]*tval{}} }

// get returns the value at the dotted path of keys, or nil.
func (t *ttable) get(keys ...string) *tval {
	var v *tval
	for _, k := range keys {
		if t == nil {
			return nil
		}
		if v = t.m[k]; v == nil {
			return nil
		}
		t = v.tab
	}
	return v
}

// table returns the table at the path, or nil.
func (t *ttable) table(keys ...string) *ttable {
	if v := t.get(keys...); v != nil {
		return v.tab
	}
	return nil
}

// tables is the elements of an array of tables (or of an array of inline tables).
func (v *tval) tables() []*tval {
	if v == nil {
		return nil
	}
	var out []*tval
	for _, it := range v.items {
		if it.tab != nil {
			out = append(out, it)
		}
	}
	return out
}

// strings is the string elements of an array, or the value itself if it is
// one string.
func (v *tval) strings() []*tval {
	if v == nil {
		return nil
	}
	if v.kind == unstable.String {
		return []*tval{v}
	}
	var out []*tval
	for _, it := range v.items {
		if it.kind == unstable.String {
			out = append(out, it)
		}
	}
	return out
}

// child returns the sub-table named k, creating it. An array of tables
// yields its last element, as TOML's [a.b] after [[a]] means.
func (t *ttable) child(k string, off int) *ttable {
	v := t.m[k]
	if v == nil {
		v = &tval{kind: unstable.Table, off: off, tab: newTable()}
		t.keys = append(t.keys, k)
		t.m[k] = v
	}
	if v.tab == nil && len(v.items) > 0 {
		v = v.items[len(v.items)-1]
	}
	if v.tab == nil {
		// A key redefined as a table: invalid TOML that the parser
		// accepted; keep a fresh table so reading can go on.
		v.tab = newTable()
	}
	return v.tab
}

func (t *ttable) set(k string, v *tval) {
	if _, ok := t.m[k]; !ok {
		t.keys = append(t.keys, k)
	}
	t.m[k] = v
}

// parseTOML reads a TOML document into tables.
func parseTOML(content []byte) (*ttable, error) {
	if line, deep := tooDeep(content); deep {
		return nil, fmt.Errorf("line %d: arrays or inline tables nested deeper than %d", line, maxTOMLDepth)
	}
	var p unstable.Parser
	p.Reset(content)
	root := newTable()
	cur := root
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			keys, offs := keyParts(e.Key())
			if len(keys) == 0 {
				continue
			}
			t := root
			for i, k := range keys[:len(keys)-1] {
				t = t.child(k, offs[i])
			}
			last := keys[len(keys)-1]
			if e.Kind == unstable.Table {
				cur = t.child(last, offs[len(offs)-1])
				continue
			}
			arr := t.m[last]
			if arr == nil || arr.tab != nil {
				arr = &tval{kind: unstable.Array, off: offs[len(offs)-1]}
				t.set(last, arr)
			}
			el := &tval{kind: unstable.Table, off: offs[len(offs)-1], tab: newTable()}
			arr.items = append(arr.items, el)
			cur = el.tab
		case unstable.KeyValue:
			keys, offs := keyParts(e.Key())
			if len(keys) == 0 {
				continue
			}
			t := cur
			for i, k := range keys[:len(keys)-1] {
				t = t.child(k, offs[i])
			}
			v := buildValue(e.Value(), offs[len(offs)-1], 0)
			t.set(keys[len(keys)-1], v)
		}
	}
	if err := p.Error(); err != nil {
		return nil, tomlError(content, err)
	}
	return root, nil
}

func keyParts(it unstable.Iterator) (keys []string, offs []int) {
	for it.Next() {
		n := it.Node()
		keys = append(keys, string(n.Data))
		offs = append(offs, int(n.Raw.Offset))
	}
	return keys, offs
}

// buildValue converts a parser node. keyOff stands in for values that carry
// no position of their own (arrays, inline tables, numbers).
func buildValue(n *unstable.Node, keyOff, depth int) *tval {
	v := &tval{kind: n.Kind, off: keyOff}
	if n.Kind == unstable.String || n.Raw.Length > 0 {
		v.off = int(n.Raw.Offset)
	}
	if depth > maxTOMLDepth {
		return v
	}
	switch n.Kind {
	case unstable.Array:
		it := n.Children()
		for it.Next() {
			c := it.Node()
			v.items = append(v.items, buildValue(c, v.off, depth+1))
		}
	case unstable.InlineTable:
		v.tab = newTable()
		it := n.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind != unstable.KeyValue {
				continue
			}
			keys, offs := keyParts(kv.Key())
			if len(keys) == 0 {
				continue
			}
			t := v.tab
			for i, k := range keys[:len(keys)-1] {
				t = t.child(k, offs[i])
			}
			t.set(keys[len(keys)-1], buildValue(kv.Value(), offs[len(offs)-1], depth+1))
		}
	default:
		v.str = string(n.Data)
	}
	return v
}

// tomlError names the line of a parse error. go-toml's highlight is a slice
// of the input, so its offset follows from the capacities.
func tomlError(content []byte, err error) error {
	var perr *unstable.ParserError
	if errors.As(err, &perr) && perr.Highlight != nil && cap(perr.Highlight) <= cap(content) {
		off := cap(content) - cap(perr.Highlight)
		if off >= 0 && off <= len(content) {
			line, _ := lineCol(content, off)
			return fmt.Errorf("invalid TOML at line %d: %s", line, perr.Message)
		}
	}
	return fmt.Errorf("invalid TOML: %v", err)
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(content []byte, off int) (line, col int) {
	off = min(max(off, 0), len(content))
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if content[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, off - start + 1
}

// lineIndex answers lineCol for many offsets of one file.
type lineIndex []int // offsets of line starts

func newLineIndex(content []byte) lineIndex {
	idx := lineIndex{0}
	for i, b := range content {
		if b == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (l lineIndex) pos(off int) (line, col int) {
	i := sort.Search(len(l), func(i int) bool { return l[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - l[i] + 1
}

// tooDeep scans for bracket nesting beyond maxTOMLDepth, skipping strings
// and comments, before the recursive parser sees the input.
func tooDeep(b []byte) (line int, deep bool) {
	depth := 0
	line = 1
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '\n':
			line++
		case '#':
			for i < len(b) && b[i] != '\n' {
				i++
			}
			i-- // let the newline be counted
		case '"', '\'':
			q := []byte{c}
			if i+2 < len(b) && b[i+1] == c && b[i+2] == c {
				q = []byte{c, c, c}
			}
			i += len(q)
			for i < len(b) {
				if b[i] == '\n' {
					line++
				}
				if b[i] == '\\' && c == '"' {
					i += 2
					continue
				}
				if b[i] == c && (len(q) == 1 || i+2 < len(b) && b[i+1] == c && b[i+2] == c) {
					i += len(q) - 1
					break
				}
				if len(q) == 1 && b[i] == '\n' {
					break
				}
				i++
			}
		case '[', '{':
			depth++
			if depth > maxTOMLDepth {
				return line, true
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return 0, false
}
