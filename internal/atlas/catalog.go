package atlas

import (
	"sort"
	"strings"
)

// BaseURL is where the ATLAS website publishes each object's page.
const BaseURL = "https://atlas.mitre.org"

// Catalog is one version of the ATLAS matrix. Every slice is sorted by ID, so
// that its JSON form is deterministic; Tactic.Order keeps the matrix's own
// column order for display.
type Catalog struct {
	Version     string        `json:"version"`
	Tactics     []*Tactic     `json:"tactics"`
	Techniques  []*Technique  `json:"techniques"`
	Mitigations []*Mitigation `json:"mitigations"`

	index map[string]Object // every object by ID, built by link
}

// Tactic is an ATLAS tactic (AML.TA…), the adversary's goal.
type Tactic struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Aliases []string `json:"aliases,omitempty"`
	// Order is the tactic's column in the ATLAS matrix, from 0.
	Order int `json:"order"`
	// Techniques lists the techniques (not sub-techniques) under the tactic.
	Techniques []string `json:"techniques,omitempty"`
}

// Technique is an ATLAS technique (AML.T0010) or sub-technique
// (AML.T0010.001).
type Technique struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	URL     string   `json:"url"`
	Aliases []string `json:"aliases,omitempty"`
	// Tactics are the tactic IDs in the matrix's order. ATLAS gives tactics
	// to top-level techniques only; sub-techniques inherit their parent's.
	Tactics []string `json:"tactics,omitempty"`
	// Parent is the parent technique's ID for a sub-technique, else "".
	Parent        string   `json:"parent,omitempty"`
	Subtechniques []string `json:"subtechniques,omitempty"`
	// Mitigations are the mitigations that ATLAS says address the technique.
	Mitigations []string `json:"mitigations,omitempty"`
}

// Mitigation is an ATLAS mitigation (AML.M…).
type Mitigation struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	URL        string   `json:"url"`
	Aliases    []string `json:"aliases,omitempty"`
	Techniques []string `json:"techniques,omitempty"`
}

// Object is a *Tactic, *Technique or *Mitigation.
type Object interface {
	objectID() string
	objectName() string
	objectAliases() []string
	// Kind is "tactic", "technique", "sub-technique" or "mitigation".
	Kind() string
}

func (t *Tactic) objectID() string            { return t.ID }
func (t *Tactic) objectName() string          { return t.Name }
func (t *Tactic) objectAliases() []string     { return t.Aliases }
func (t *Technique) objectID() string         { return t.ID }
func (t *Technique) objectName() string       { return t.Name }
func (t *Technique) objectAliases() []string  { return t.Aliases }
func (m *Mitigation) objectID() string        { return m.ID }
func (m *Mitigation) objectName() string      { return m.Name }
func (m *Mitigation) objectAliases() []string { return m.Aliases }

// Kind returns "tactic".
func (t *Tactic) Kind() string { return "tactic" }

// Kind returns "technique", or "sub-technique" when the technique has a parent.
func (t *Technique) Kind() string {
	if t.Parent != "" {
		return "sub-technique"
	}
	return "technique"
}

// Kind returns "mitigation".
func (m *Mitigation) Kind() string { return "mitigation" }

// Technique returns the technique or sub-technique with the given ID, or nil.
func (c *Catalog) Technique(id string) *Technique {
	t, _ := c.Lookup(id).(*Technique)
	return t
}

// Mitigation returns the mitigation with the given ID, or nil.
func (c *Catalog) Mitigation(id string) *Mitigation {
	m, _ := c.Lookup(id).(*Mitigation)
	return m
}

// Tactic returns the tactic with the given ID, or nil.
func (c *Catalog) Tactic(id string) *Tactic {
	t, _ := c.Lookup(id).(*Tactic)
	return t
}

// Lookup returns the tactic, technique or mitigation with the given ID, or
// nil. IDs are matched case-insensitively, so "aml.t0010" works too.
func (c *Catalog) Lookup(id string) Object {
	if c == nil {
		return nil
	}
	id = strings.ToUpper(strings.TrimSpace(id))
	if c.index != nil {
		return c.index[id]
	}
	// A Catalog built by hand has no index; scan rather than build one
	// lazily, which would race between goroutines.
	for _, o := range c.objects() {
		if o.objectID() == id {
			return o
		}
	}
	return nil
}

// TacticsInMatrixOrder returns the tactics in the ATLAS matrix's column
// order, Reconnaissance first.
func (c *Catalog) TacticsInMatrixOrder() []*Tactic {
	out := append([]*Tactic(nil), c.Tactics...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// objects lists every object: tactics, techniques, then mitigations.
func (c *Catalog) objects() []Object {
	out := make([]Object, 0, len(c.Tactics)+len(c.Techniques)+len(c.Mitigations))
	for _, t := range c.Tactics {
		out = append(out, t)
	}
	for _, t := range c.Techniques {
		out = append(out, t)
	}
	for _, m := range c.Mitigations {
		out = append(out, m)
	}
	return out
}

// link builds the ID index. The relations themselves are computed once, by
// ParseYAML, and travel in the JSON.
func (c *Catalog) link() {
	c.index = make(map[string]Object, len(c.Tactics)+len(c.Techniques)+len(c.Mitigations))
	for _, t := range c.Tactics {
		c.index[t.ID] = t
	}
	for _, t := range c.Techniques {
		c.index[t.ID] = t
	}
	for _, m := range c.Mitigations {
		c.index[m.ID] = m
	}
}

// parentID is "AML.T0010" for "AML.T0010.001", else "".
func parentID(id string) string {
	if i := strings.LastIndexByte(id, '.'); i > len("AML.T") && strings.Count(id, ".") == 2 {
		return id[:i]
	}
	return ""
}
