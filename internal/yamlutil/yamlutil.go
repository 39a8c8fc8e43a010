// Package yamlutil reads YAML documents as position-carrying nodes and walks
// them safely. Aliases are never expanded here: a walker that meets an alias
// looks at its anchor once and does not recurse through it again, so an alias
// bomb ("billion laughs") costs no more than its own text.
package yamlutil

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mlsec/mlsec/internal/bounds"
	"gopkg.in/yaml.v3"
)

// MaxDocuments bounds how many documents one file may hold.
const MaxDocuments = 10000

// Parse decodes every document in content. On a syntax error it returns
// the documents decoded before it and an error naming the line.
func Parse(content []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(content))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			msg := strings.TrimPrefix(err.Error(), "yaml: ")
			if strings.Contains(msg, "excessive aliasing") {
				// yaml.v3 stopped an alias bomb: a limit, not a typo.
				return docs, bounds.Exceeded("YAML alias bomb: %s", msg)
			}
			return docs, fmt.Errorf("invalid YAML: %s", msg)
		}
		if len(docs) >= MaxDocuments {
			return docs, bounds.Exceeded("more than %d YAML documents in one file", MaxDocuments)
		}
		if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
			docs = append(docs, n.Content[0])
		} else if n.Kind != 0 {
			docs = append(docs, &n)
		}
	}
}

// Resolve returns the node an alias points to, or n itself. It follows one
// alias only: an anchor cannot itself be an alias.
func Resolve(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// Get returns the value for key in mapping m, or nil. Merge keys ("<<") are
// honoured one level deep.
func Get(m *yaml.Node, key string) *yaml.Node {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var merged *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Value == key && k.Tag != "!!merge" {
			return Resolve(m.Content[i+1])
		}
		if k.Tag == "!!merge" && merged == nil {
			merged = Resolve(m.Content[i+1])
		}
	}
	if merged != nil && merged.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(merged.Content); i += 2 {
			if merged.Content[i].Value == key {
				return Resolve(merged.Content[i+1])
			}
		}
	}
	return nil
}

// Path follows keys through nested mappings: Path(n, "spec", "template").
func Path(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n = Get(n, k); n == nil {
			return nil
		}
	}
	return n
}

// Str is the scalar value of n, or "" when n is not a scalar.
func Str(n *yaml.Node) string {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// Items is the elements of a sequence node, or nil.
func Items(n *yaml.Node) []*yaml.Node {
	n = Resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, c := range n.Content {
		out[i] = Resolve(c)
	}
	return out
}

// Pairs calls fn for each key and value of a mapping node, in order.
func Pairs(m *yaml.Node, fn func(key, value *yaml.Node)) {
	m = Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		fn(m.Content[i], Resolve(m.Content[i+1]))
	}
}

// Walk visits n and every node below it, depth first, in document order.
// Each alias is reported as itself and its anchor's subtree is not entered
// again, so the walk is linear in the size of the text.
func Walk(n *yaml.Node, fn func(n *yaml.Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	if n.Kind == yaml.AliasNode {
		return
	}
	for _, c := range n.Content {
		Walk(c, fn)
	}
}
