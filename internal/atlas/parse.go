package atlas

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/yamlutil"
)

// MaxYAMLSize bounds how much ParseYAML reads. ATLAS.yaml 5.6.0 is 450 KB;
// the bound leaves room for growth and stops a wrong file from eating memory.
const MaxYAMLSize = 64 << 20

var (
	tacticID     = regexp.MustCompile(`^AML\.TA[0-9]{4}$`)
	techniqueID  = regexp.MustCompile(`^AML\.T[0-9]{4}(\.[0-9]{3})?$`)
	mitigationID = regexp.MustCompile(`^AML\.M[0-9]{4}$`)
)

// ParseYAML reads a catalog from the legacy ATLAS.yaml format of
// mitre-atlas/atlas-data (dist/ATLAS.yaml, up to version 5.6.0): a mapping
// with version and matrices, whose first matrix holds tactics, techniques and
// mitigations.
//
// It is tolerant, because upstream data has small inconsistencies: unknown
// keys are ignored, entries without a well-formed ID or a name are skipped,
// links may be plain ID strings or {id: …} mappings, links to unknown objects
// are dropped, and a mitigation's technique links are taken from both its
// techniques list and its ml-lifecycle list (5.6.0 misplaces two there). It
// fails on invalid YAML, and when the data has no techniques at all.
func ParseYAML(r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxYAMLSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading ATLAS data: %w", err)
	}
	if len(data) > MaxYAMLSize {
		return nil, fmt.Errorf("ATLAS data is larger than %d MiB", MaxYAMLSize>>20)
	}
	docs, err := yamlutil.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("ATLAS data: %w", err)
	}
	if len(docs) == 0 {
		return nil, errors.New("ATLAS data is empty")
	}
	root := docs[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("ATLAS data line %d: top level is not a mapping (want the legacy ATLAS.yaml format with version and matrices)", root.Line)
	}

	// Objects may sit in any matrix, or (in hand-made files) at the top level.
	containers := yamlutil.Items(yamlutil.Get(root, "matrices"))
	containers = append(containers, root)

	p := &parser{c: &Catalog{Version: scalar(yamlutil.Get(root, "version"))}, seen: map[string]bool{}}
	for _, m := range containers {
		for _, n := range yamlutil.Items(yamlutil.Get(m, "tactics")) {
			p.tactic(n)
		}
	}
	for _, m := range containers {
		for _, n := range yamlutil.Items(yamlutil.Get(m, "techniques")) {
			p.technique(n)
		}
	}
	for _, m := range containers {
		for _, n := range yamlutil.Items(yamlutil.Get(m, "mitigations")) {
			p.mitigation(n)
		}
	}
	if len(p.c.Techniques) == 0 {
		return nil, errors.New("ATLAS data has no techniques (want the legacy ATLAS.yaml format: matrices[0].techniques, as in dist/ATLAS.yaml of mitre-atlas/atlas-data up to 5.6.0)")
	}
	p.resolve()
	return p.c, nil
}

// parser collects objects, then resolves their relations.
type parser struct {
	c    *Catalog
	seen map[string]bool
	// Raw links, resolved once every object is known.
	techTactics map[*Technique][]string
	techParent  map[*Technique]string
	mitLinks    map[*Mitigation][]string
}

// header returns a mapping entry's ID and name, or ok=false when the entry is
// malformed, its ID does not match want, or the ID was already seen.
func (p *parser) header(n *yaml.Node, want *regexp.Regexp) (id, name string, ok bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return "", "", false
	}
	id = strings.TrimSpace(scalar(yamlutil.Get(n, "id")))
	name = strings.Join(strings.Fields(scalar(yamlutil.Get(n, "name"))), " ")
	if !want.MatchString(id) || name == "" || p.seen[id] {
		return "", "", false
	}
	p.seen[id] = true
	return id, name, true
}

func (p *parser) tactic(n *yaml.Node) {
	id, name, ok := p.header(n, tacticID)
	if !ok {
		return
	}
	p.c.Tactics = append(p.c.Tactics, &Tactic{ID: id, Name: name, URL: BaseURL + "/tactics/" + id, Order: len(p.c.Tactics)})
}

func (p *parser) technique(n *yaml.Node) {
	id, name, ok := p.header(n, techniqueID)
	if !ok {
		return
	}
	t := &Technique{ID: id, Name: name, URL: BaseURL + "/techniques/" + id}
	p.c.Techniques = append(p.c.Techniques, t)
	if p.techTactics == nil {
		p.techTactics, p.techParent = map[*Technique][]string{}, map[*Technique]string{}
	}
	p.techTactics[t] = links(yamlutil.Get(n, "tactics"))
	if par := links(yamlutil.Get(n, "subtechnique-of")); len(par) > 0 {
		p.techParent[t] = par[0]
	}
}

func (p *parser) mitigation(n *yaml.Node) {
	id, name, ok := p.header(n, mitigationID)
	if !ok {
		return
	}
	m := &Mitigation{ID: id, Name: name, URL: BaseURL + "/mitigations/" + id}
	p.c.Mitigations = append(p.c.Mitigations, m)
	if p.mitLinks == nil {
		p.mitLinks = map[*Mitigation][]string{}
	}
	// ml-lifecycle normally lists phase names, which links drops below as
	// unknown IDs; 5.6.0 also has technique links there by mistake.
	p.mitLinks[m] = append(links(yamlutil.Get(n, "techniques")), links(yamlutil.Get(n, "ml-lifecycle"))...)
}

// resolve turns the raw links into relations between known objects, sorts
// everything by ID and builds the index.
func (p *parser) resolve() {
	c := p.c
	c.link()
	order := map[string]int{}
	for _, t := range c.Tactics {
		order[t.ID] = t.Order
	}

	// Parents first: sub-techniques inherit their parent's tactics.
	for _, t := range c.Techniques {
		par := p.techParent[t]
		if c.Technique(par) == nil || par == t.ID {
			par = "" // unknown or self: fall back on the ID's form
		}
		if par == "" {
			par = parentID(t.ID)
		}
		if pt := c.Technique(par); pt != nil && parentID(pt.ID) == "" {
			t.Parent = pt.ID
			pt.Subtechniques = append(pt.Subtechniques, t.ID)
		}
	}
	for _, t := range c.Techniques {
		t.Tactics = known(p.techTactics[t], func(id string) bool { _, ok := order[id]; return ok })
	}
	for _, t := range c.Techniques {
		if t.Parent != "" && len(t.Tactics) == 0 {
			t.Tactics = append([]string(nil), c.Technique(t.Parent).Tactics...)
		}
		sort.SliceStable(t.Tactics, func(i, j int) bool { return order[t.Tactics[i]] < order[t.Tactics[j]] })
		if t.Parent == "" {
			for _, ta := range t.Tactics {
				tac := c.Tactic(ta)
				tac.Techniques = append(tac.Techniques, t.ID)
			}
		}
	}
	for _, m := range c.Mitigations {
		m.Techniques = known(p.mitLinks[m], func(id string) bool { return c.Technique(id) != nil })
		sort.Strings(m.Techniques)
		for _, id := range m.Techniques {
			t := c.Technique(id)
			t.Mitigations = append(t.Mitigations, m.ID)
		}
	}

	for _, t := range c.Tactics {
		t.Aliases = aliases(t.Name)
		sort.Strings(t.Techniques)
	}
	for _, t := range c.Techniques {
		t.Aliases = aliases(t.Name)
		sort.Strings(t.Subtechniques)
		sort.Strings(t.Mitigations)
	}
	for _, m := range c.Mitigations {
		m.Aliases = aliases(m.Name)
	}
	sort.Slice(c.Tactics, func(i, j int) bool { return c.Tactics[i].ID < c.Tactics[j].ID })
	sort.Slice(c.Techniques, func(i, j int) bool { return c.Techniques[i].ID < c.Techniques[j].ID })
	sort.Slice(c.Mitigations, func(i, j int) bool { return c.Mitigations[i].ID < c.Mitigations[j].ID })
}

// links reads a link or a list of links, each a plain ID string or a mapping
// with an id key. Anything else is skipped.
func links(n *yaml.Node) []string {
	n = yamlutil.Resolve(n)
	if n == nil {
		return nil
	}
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = yamlutil.Items(n)
	}
	var out []string
	for _, it := range items {
		if it == nil {
			continue
		}
		switch it.Kind {
		case yaml.ScalarNode:
			out = append(out, strings.TrimSpace(it.Value))
		case yaml.MappingNode:
			if id := scalar(yamlutil.Get(it, "id")); id != "" {
				out = append(out, strings.TrimSpace(id))
			}
		}
	}
	return out
}

// known keeps the IDs that ok accepts, without duplicates, in order.
func known(ids []string, ok func(string) bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if ok(id) && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// scalar is the value of a scalar node, or "".
func scalar(n *yaml.Node) string { return yamlutil.Str(n) }
