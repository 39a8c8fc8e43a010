package atlas

import (
	"sort"
	"strings"
	"unicode"
)

// Match is one result of Search.
type Match struct {
	ID   string
	Name string
	Kind string // "tactic", "technique", "sub-technique" or "mitigation"
	// Alias is the former name that matched, when the current name did not.
	Alias string
	rank  int // lower sorts first
}

// Match ranks, best first.
const (
	rankID        = iota // the query is the object's ID
	rankExactName        // the query is the whole name or former name
	rankName             // every query word is in the name
	rankAlias            // every query word is in a former name
)

// Search finds the objects whose name or former name contains every word of
// query, case-insensitively; a query word matches a name word it begins, so
// "poison" finds "Poisoning". A query that is an object's ID finds that
// object first. Results are sorted by rank (ID; whole name or former name;
// words of the name; words of a former name), then by ID.
func (c *Catalog) Search(query string) []Match {
	q := words(query)
	if len(q) == 0 {
		return nil
	}
	wantID := strings.ToUpper(strings.TrimSpace(query))
	var out []Match
	for _, o := range c.objects() {
		m := Match{ID: o.objectID(), Name: o.objectName(), Kind: o.Kind(), rank: -1}
		switch {
		case m.ID == wantID:
			m.rank = rankID
		case equalWords(words(m.Name), q):
			m.rank = rankExactName
		case containsWords(words(m.Name), q):
			m.rank = rankName
		default:
			for _, a := range o.objectAliases() {
				aw := words(a)
				if equalWords(aw, q) {
					m.rank, m.Alias = rankExactName, a
					break
				}
				if containsWords(aw, q) {
					m.rank, m.Alias = rankAlias, a
				}
			}
		}
		if m.rank >= 0 {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].rank != out[j].rank {
			return out[i].rank < out[j].rank
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// words splits s into lower-case words of letters and digits: "AI-Enabled"
// gives "ai", "enabled".
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func equalWords(name, q []string) bool {
	if len(name) != len(q) {
		return false
	}
	for i := range name {
		if name[i] != q[i] {
			return false
		}
	}
	return true
}

// containsWords reports whether every query word begins some name word.
func containsWords(name, q []string) bool {
	for _, w := range q {
		found := false
		for _, n := range name {
			if strings.HasPrefix(n, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
