package atlas

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
)

// WriteObject describes one tactic, technique or mitigation for
// `mlsec atlas ID`, in aligned plain text. detectors may simply be every rule
// mlsec has: WriteObject itself picks the ones that detect a technique (see
// Detectors), cite a mitigation, or detect a tactic's techniques. It returns
// an error when the catalog has no object with that ID.
func WriteObject(w io.Writer, c *Catalog, id string, detectors []*rule.Rule) error {
	rules := detectors
	o := c.Lookup(id)
	if o == nil {
		return fmt.Errorf("no ATLAS tactic, technique or mitigation has ID %q in ATLAS %s (try `mlsec atlas WORDS` to search by name)", strings.TrimSpace(id), c.Version)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s  %s\n\n", o.objectID(), displayName(c, o))
	var b block
	b.add("Kind", fmt.Sprintf("%s, MITRE ATLAS %s", o.Kind(), c.Version))
	switch o := o.(type) {
	case *Technique:
		b.add("URL", o.URL)
		b.add("Former name", o.Aliases...)
		if o.Parent != "" {
			b.add("Parent", c.idNames([]string{o.Parent})...)
		}
		b.add("Sub-techniques", c.idNamesShort(o.Subtechniques, true)...)
		b.add("Tactics", c.idNames(o.Tactics)...)
		b.add("MLOps phases", phaseList(Phases(o.ID)))
		if len(o.Mitigations) == 0 {
			b.add("Mitigations", "none listed by ATLAS")
		} else {
			b.add("Mitigations", c.idNames(o.Mitigations)...)
		}
		b.write(bw)
		fmt.Fprintln(bw, "\nDetected by mlsec rules:")
		ds := Detectors(o.ID, rules)
		if len(ds) == 0 {
			fmt.Fprintln(bw, "  no mlsec rule detects this technique yet")
		}
		var t table
		for _, d := range ds {
			title := d.Rule.Title
			if d.Via != "" {
				title += "  (via " + d.Via + ")"
			}
			t.add(d.Rule.ID, title)
		}
		t.write(bw, "  ")
	case *Mitigation:
		b.add("URL", o.URL)
		b.add("Former name", o.Aliases...)
		b.add("Techniques", c.idNames(o.Techniques)...)
		b.write(bw)
		var t table
		for _, r := range rules {
			if r != nil && slices.Contains(r.Mitigations, o.ID) {
				t.add(r.ID, r.Title)
			}
		}
		if len(t.rows) > 0 {
			fmt.Fprintln(bw, "\nmlsec rules that point to this mitigation:")
			t.sort()
			t.write(bw, "  ")
		}
	case *Tactic:
		b.add("URL", o.URL)
		b.add("Former name", o.Aliases...)
		b.write(bw)
		fmt.Fprintf(bw, "\nTechniques (%d; * = detected by an mlsec rule):\n", len(o.Techniques))
		var t table
		for _, tid := range o.Techniques {
			mark := " "
			if len(Detectors(tid, rules)) > 0 {
				mark = "*"
			}
			t.add(mark+" "+tid, c.Lookup(tid).objectName())
			for _, sid := range c.Technique(tid).Subtechniques {
				mark := " "
				if len(Detectors(sid, rules)) > 0 {
					mark = "*"
				}
				t.add(mark+"   "+sid, c.Lookup(sid).objectName())
			}
		}
		t.write(bw, "  ")
	}
	return bw.Flush()
}

// WriteSearch lists search results for `mlsec atlas WORDS`, one line a
// match: ID, kind, name, and the former name when that is what matched.
//
// Techniques that mlsec rules detect are marked with the number of rules,
// and mitigations with the number of rules whose fix applies them, so a
// search shows at once what the scanner covers.
func WriteSearch(w io.Writer, c *Catalog, matches []Match, rules []*rule.Rule) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	if len(matches) == 0 {
		fmt.Fprintln(bw, "No ATLAS tactic, technique or mitigation matches.")
		return
	}
	uses := map[string]int{}
	for _, r := range rules {
		if r == nil {
			continue
		}
		for _, id := range append(append([]string{}, r.Techniques...), r.Mitigations...) {
			uses[id]++
		}
	}
	marked := slices.ContainsFunc(matches, func(m Match) bool { return uses[m.ID] > 0 })
	var t table
	for _, m := range matches {
		name := m.Name
		if o := c.Lookup(m.ID); o != nil {
			name = displayName(c, o)
		}
		if m.Alias != "" {
			name += fmt.Sprintf("  (formerly %q)", m.Alias)
		}
		if !marked {
			t.add(m.ID, m.Kind, name)
			continue
		}
		mark := ""
		if n := uses[m.ID]; n > 0 {
			mark = fmt.Sprintf("%d rules", n)
			if n == 1 {
				mark = "1 rule"
			}
		}
		t.add(m.ID, m.Kind, mark, name)
	}
	t.write(bw, "")
	if marked {
		fmt.Fprintln(bw, "\n\"N rules\": N mlsec rules detect the technique or apply the mitigation ('mlsec atlas ID' names them).")
	}
}

// WriteSummary is bare `mlsec atlas`: the catalog's version and size, and
// the techniques that mlsec rules name, grouped by tactic in matrix order.
func WriteSummary(w io.Writer, c *Catalog, rules []*rule.Rule) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	subs := 0
	for _, t := range c.Techniques {
		if t.Parent != "" {
			subs++
		}
	}
	fmt.Fprintf(bw, "MITRE ATLAS %s: %d tactics, %d techniques (%d top-level, %d sub-techniques), %d mitigations\n",
		c.Version, len(c.Tactics), len(c.Techniques), len(c.Techniques)-subs, subs, len(c.Mitigations))

	// Rules by the techniques they name.
	named := map[string][]string{}
	for _, r := range rules {
		if r == nil {
			continue
		}
		for _, id := range r.Techniques {
			if c.Technique(id) != nil && !slices.Contains(named[id], r.ID) {
				named[id] = append(named[id], r.ID)
			}
		}
	}
	covered := map[string]bool{} // techniques detected directly or via a sub-technique
	for id := range named {
		covered[id] = true
		covered[parentID(id)] = true
	}
	delete(covered, "")
	fmt.Fprintf(bw, "mlsec rules cover %d of the %d techniques and sub-techniques (%d named by a rule, %d through a sub-technique)\n",
		len(covered), len(c.Techniques), len(named), len(covered)-len(named))

	var idle []string
	for _, tac := range c.TacticsInMatrixOrder() {
		var t table
		for _, tech := range c.Techniques {
			ids := named[tech.ID]
			if len(ids) == 0 || !slices.Contains(tech.Tactics, tac.ID) {
				continue
			}
			slices.Sort(ids)
			for i, line := range wrapList(ids, summaryRuleWidth) {
				if i == 0 {
					t.add(tech.ID, displayName(c, tech), line)
				} else {
					t.add("", "", line)
				}
			}
		}
		if len(t.rows) == 0 {
			idle = append(idle, tac.Name)
			continue
		}
		fmt.Fprintf(bw, "\n%s (%s)\n", tac.Name, tac.ID)
		t.write(bw, "  ")
	}
	if len(idle) > 0 {
		fmt.Fprintln(bw, "\nTactics no rule covers yet:")
		for _, line := range wrapList(idle, 76) {
			fmt.Fprintln(bw, "  "+line)
		}
	}
	fmt.Fprintln(bw, "\n`mlsec atlas ID` shows one object; `mlsec atlas WORDS` searches names.")
}

// summaryRuleWidth is how wide the rule column of the summary may grow
// before it wraps.
const summaryRuleWidth = 60

// wrapList joins items with ", " into lines of about width characters.
func wrapList(items []string, width int) []string {
	var lines []string
	cur := ""
	for _, it := range items {
		switch {
		case cur == "":
			cur = it
		case len(cur)+2+len(it) > width:
			lines = append(lines, cur+",")
			cur = it
		default:
			cur += ", " + it
		}
	}
	return append(lines, cur)
}

// displayName is an object's name, prefixed with its parent's name for a
// sub-technique, whose own name ("Data") says little alone.
func displayName(c *Catalog, o Object) string {
	if t, ok := o.(*Technique); ok && t.Parent != "" {
		if p := c.Technique(t.Parent); p != nil {
			return p.Name + ": " + t.Name
		}
	}
	return o.objectName()
}

// idNames formats IDs as aligned "ID  name" lines, sub-techniques under
// their parent's name too (see displayName).
func (c *Catalog) idNames(ids []string) []string { return c.idNamesShort(ids, false) }

// idNamesShort is idNames, with bare sub-technique names when short is set,
// for lists whose context already names the parent.
func (c *Catalog) idNamesShort(ids []string, short bool) []string {
	width := 0
	for _, id := range ids {
		width = max(width, len(id))
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		name := "(not in this catalog)"
		if o := c.Lookup(id); o != nil && short {
			name = o.objectName()
		} else if o != nil {
			name = displayName(c, o)
		}
		out = append(out, fmt.Sprintf("%-*s  %s", width, id, name))
	}
	return out
}

func phaseList(ps []rule.Phase) string {
	if len(ps) == 0 {
		return "not mapped"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

// block is a list of labelled values: the labels form one aligned column and
// a value of several lines continues under the first.
type block struct{ rows [][]string } // label, then values

func (b *block) add(label string, values ...string) {
	if len(values) > 0 {
		b.rows = append(b.rows, append([]string{label}, values...))
	}
}

func (b *block) write(w io.Writer) {
	width := 0
	for _, r := range b.rows {
		width = max(width, len(r[0]))
	}
	for _, r := range b.rows {
		for i, v := range r[1:] {
			label := ""
			if i == 0 {
				label = r[0]
			}
			fmt.Fprintf(w, "  %-*s  %s\n", width, label, v)
		}
	}
}

// table is rows of cells written with aligned columns; the last column is
// not padded.
type table struct{ rows [][]string }

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) sort() {
	slices.SortStableFunc(t.rows, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
}

func (t *table) write(w io.Writer, indent string) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], len(c))
		}
	}
	for _, r := range t.rows {
		var sb strings.Builder
		sb.WriteString(indent)
		for i, c := range r {
			if i == len(r)-1 {
				sb.WriteString(c)
				break
			}
			fmt.Fprintf(&sb, "%-*s  ", widths[i], c)
		}
		fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
	}
}
