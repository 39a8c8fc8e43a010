// Package tomlpos reads a TOML document into tables whose every value
// keeps the place it was written (byte offset, line and column), so that a
// finding in a pyproject.toml can point at the string it is about. It is
// built on go-toml's position-carrying parser, because go-toml's decoding
// API drops positions.
//
// The reader is built for hostile files: nesting deeper than MaxDepth is
// refused before go-toml's recursive parser sees it, and invalid TOML that
// the parser lets through (a key redefined as a table) is read on rather
// than trusted to be consistent.
package tomlpos

import (
	"errors"
	"fmt"
	"sort"

	"github.com/mlsec/mlsec/internal/bounds"
	"github.com/pelletier/go-toml/v2/unstable"
)

// MaxDepth bounds nesting of arrays and inline tables. go-toml's parser
// recurses on them, and no real pyproject.toml comes near this.
const MaxDepth = 64

// Value is a TOML value with the place where it was written.
type Value struct {
	// Str is a string's value, or the text of another scalar ("true",
	// "42", "1979-05-27"); empty for arrays and tables.
	Str string
	// Off is the byte offset of the value. A table has that of its key or
	// header; values go-toml gives no position of their own (arrays, inline
	// tables, numbers) have that of their key, or of their array.
	Off int
	// Line and Col are the 1-based line and byte column of Off.
	Line, Col int
	// Table is the table of a table or inline table value, else nil.
	Table *Table

	kind  unstable.Kind
	items []*Value
}

// Table is a TOML table with keys in document order.
type Table struct {
	// Keys are the table's keys in the order they were first written.
	Keys []string
	m    map[string]*Value
}

func newTable() *Table { return &Table{m: map[string]*Value{}} }

// Get returns the value at the path of keys, one key per level, or nil. A
// nil Table has no values.
func (t *Table) Get(keys ...string) *Value {
	var v *Value
	for _, k := range keys {
		if t == nil {
			return nil
		}
		if v = t.m[k]; v == nil {
			return nil
		}
		t = v.Table
	}
	return v
}

// Sub returns the table at the path of keys, or nil.
func (t *Table) Sub(keys ...string) *Table {
	if v := t.Get(keys...); v != nil {
		return v.Table
	}
	return nil
}

// IsString reports whether v is a string.
func (v *Value) IsString() bool { return v != nil && v.kind == unstable.String }

// Tables is the elements of an array of tables (or of an array of inline
// tables) that are tables; nil for a nil Value.
func (v *Value) Tables() []*Value {
	if v == nil {
		return nil
	}
	var out []*Value
	for _, it := range v.items {
		if it.Table != nil {
			out = append(out, it)
		}
	}
	return out
}

// Strings is the string elements of an array, or the value itself if it is
// one string; nil for a nil Value.
func (v *Value) Strings() []*Value {
	if v == nil {
		return nil
	}
	if v.kind == unstable.String {
		return []*Value{v}
	}
	var out []*Value
	for _, it := range v.items {
		if it.kind == unstable.String {
			out = append(out, it)
		}
	}
	return out
}

// child returns the sub-table named k, creating it. An array of tables
// yields its last element, as TOML's [a.b] after [[a]] means.
func (t *Table) child(k string, off int) *Table {
	v := t.m[k]
	if v == nil {
		v = &Value{kind: unstable.Table, Off: off, Table: newTable()}
		t.Keys = append(t.Keys, k)
		t.m[k] = v
	}
	if v.Table == nil && len(v.items) > 0 {
		v = v.items[len(v.items)-1]
	}
	if v.Table == nil {
		// A key redefined as a table: invalid TOML that the parser
		// accepted; keep a fresh table so reading can go on.
		v.Table = newTable()
	}
	return v.Table
}

func (t *Table) set(k string, v *Value) {
	if _, ok := t.m[k]; !ok {
		t.Keys = append(t.Keys, k)
	}
	t.m[k] = v
}

// Parse reads a TOML document into its root table. An error names the line
// of the first problem: "invalid TOML at line 5: …", or nesting deeper than
// MaxDepth.
func Parse(content []byte) (*Table, error) {
	if line, deep := tooDeep(content); deep {
		return nil, bounds.Exceeded("line %d: arrays or inline tables nested deeper than %d", line, MaxDepth)
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
			if arr == nil || arr.Table != nil {
				arr = &Value{kind: unstable.Array, Off: offs[len(offs)-1]}
				t.set(last, arr)
			}
			el := &Value{kind: unstable.Table, Off: offs[len(offs)-1], Table: newTable()}
			arr.items = append(arr.items, el)
			cur = el.Table
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
	place(root, newLineIndex(content))
	return root, nil
}

// place sets Line and Col of every value under root from its offset. It
// keeps a work list rather than recursing: dotted keys (a.b.c…) nest tables
// without brackets, so MaxDepth does not bound them.
func place(root *Table, lines lineIndex) {
	var work []*Value
	push := func(t *Table) {
		for _, k := range t.Keys {
			work = append(work, t.m[k])
		}
	}
	push(root)
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		v.Line, v.Col = lines.pos(v.Off)
		work = append(work, v.items...)
		if v.Table != nil {
			push(v.Table)
		}
	}
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
func buildValue(n *unstable.Node, keyOff, depth int) *Value {
	v := &Value{kind: n.Kind, Off: keyOff}
	if n.Kind == unstable.String || n.Raw.Length > 0 {
		v.Off = int(n.Raw.Offset)
	}
	if depth > MaxDepth {
		return v
	}
	switch n.Kind {
	case unstable.Array:
		it := n.Children()
		for it.Next() {
			c := it.Node()
			v.items = append(v.items, buildValue(c, v.Off, depth+1))
		}
	case unstable.InlineTable:
		v.Table = newTable()
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
			t := v.Table
			for i, k := range keys[:len(keys)-1] {
				t = t.child(k, offs[i])
			}
			t.set(keys[len(keys)-1], buildValue(kv.Value(), offs[len(offs)-1], depth+1))
		}
	default:
		v.Str = string(n.Data)
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

// tooDeep scans for bracket nesting beyond MaxDepth, skipping strings
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
			if depth > MaxDepth {
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
