// Package secretscan finds credentials in text. Its rules are data:
// gitleaks' default rule set, loaded through the gitleaks library, and
// mlsec's own rules for ML vendors and for credentials in code and URLs.
// Its engine is its own, built for speed on large trees:
//
//   - every rule is compiled once per process, on first use;
//   - one Aho-Corasick pass over the text (case-insensitive) finds every
//     keyword of every rule; a rule none of whose keywords occurs never
//     runs;
//   - a rule whose regex cannot run across lines is run only on the lines
//     around its keyword hits (the line and the next), not over the whole
//     text: its match holds the keyword, and Go's regexp costs time in
//     proportion to the text it is given;
//   - when several rules find the same secret, the most specific one (mlsec's
//     vendor rules first, the generic entropy rule last) names it.
//
// The detector reports what matched and where; judging a match (a
// placeholder, a default password, a test fixture) is the analyzer's job.
package secretscan

import (
	"bytes"
	"math"
	"sort"
	"strings"
)

// Detector runs a set of rules over text. It is safe for concurrent use.
type Detector struct {
	rules    []*Rule
	keywords *keywordIndex
	byWord   [][]int // keyword id → indexes of the rules that carry it
}

// New builds a detector over rules; earlier rules win over later ones that
// find the same secret.
func New(rules []*Rule) *Detector {
	d := &Detector{rules: rules}
	ids := map[string]int{}
	var words []string
	for ri, r := range rules {
		for _, k := range r.Keywords {
			id, ok := ids[k]
			if !ok {
				id = len(words)
				ids[k] = id
				words = append(words, k)
				d.byWord = append(d.byWord, nil)
			}
			d.byWord[id] = append(d.byWord[id], ri)
		}
	}
	d.keywords = newKeywordIndex(words)
	return d
}

// Rules returns the detector's rules.
func (d *Detector) Rules() []*Rule { return d.rules }

// Match is one secret found.
type Match struct {
	Rule        *Rule
	Start, End  int    // byte offsets of the whole match in the text
	SecretStart int    // byte offsets of the secret itself
	SecretEnd   int    //
	Secret      string // the secret; never print it (see package redact)
	// Name is what the secret is assigned to (a variable, a key) for rules
	// that capture it, or the whole URL for a password in a URL.
	Name    string
	Entropy float64
}

// window is a byte range of the text one rule runs on.
type window struct{ start, end int }

// Scan finds the secrets in text. path (slash-separated, may be empty)
// is used by rules and allowlists that look at the file name.
func (d *Detector) Scan(text []byte, path string) []Match {
	if len(text) == 0 {
		return nil
	}
	wins := d.windows(text)
	if len(wins) == 0 {
		return nil
	}
	order := make([]int, 0, len(wins))
	for ri := range wins {
		order = append(order, ri)
	}
	sort.Ints(order)
	var out []Match
	for _, ri := range order {
		r := d.rules[ri]
		if r.Path != nil && !r.Path.MatchString(path) || pathAllowed(r, path) {
			continue
		}
		if r.anchored != nil {
			// Windows start at their keyword: never merged, each tried once.
			for _, w := range wins[ri] {
				out = d.run(r, text, w, out)
			}
			continue
		}
		for _, w := range merge(wins[ri]) {
			out = d.run(r, text, w, out)
		}
	}
	return dedupe(out)
}

// windows makes the one pass over the text: the windows each rule (by
// index) must look at.
func (d *Detector) windows(text []byte) map[int][]window {
	// One pass over the text: the windows each rule must look at.
	wins := map[int][]window{}
	d.keywords.find(text, func(id, at int) {
		end := at + d.keywords.lens[id]
		for _, ri := range d.byWord[id] {
			r := d.rules[ri]
			ws := wins[ri]
			if r.multiline {
				if len(ws) == 0 {
					wins[ri] = append(ws, window{0, len(text)})
				}
				continue
			}
			if n := len(ws); n > 0 && ws[n-1].end > end {
				continue // this hit is already in the last window
			}
			w := lineWindow(text, at)
			if r.guard != nil {
				ok, wend := r.guard(text, at, end)
				if !ok {
					continue
				}
				if wend > 0 {
					w.end = min(w.end, wend)
				}
			}
			if r.anchored != nil {
				w.start = at // the anchored regex starts at the keyword
			} else if r.before > 0 {
				w.start = max(w.start, at-r.before)
			}
			wins[ri] = append(ws, w)
		}
	})
	return wins
}

// lineWindow is the line holding offset at and the line after it (with
// its line feed), so that a bounded separator between a name and its value
// may cross one line break. Very long lines (minified code, one-line JSON)
// are cut to maxSide bytes either side of the hit.
func lineWindow(text []byte, at int) window {
	const maxSide = 4096
	lo := max(0, at-maxSide)
	start := at
	if i := bytes.LastIndexByte(text[lo:at], '\n'); i >= 0 {
		start = lo + i + 1
	} else {
		start = lo
	}
	hi := min(len(text), at+maxSide)
	end := hi
	if i := bytes.IndexByte(text[at:hi], '\n'); i >= 0 {
		nl := at + i + 1
		end = nl
		if j := bytes.IndexByte(text[nl:min(len(text), nl+maxSide)], '\n'); j >= 0 {
			end = nl + j + 1
		} else {
			end = min(len(text), nl+maxSide)
		}
	}
	return window{start, end}
}

// merge joins overlapping windows; ws is in order of start.
func merge(ws []window) []window {
	out := ws[:0]
	for _, w := range ws {
		if n := len(out); n > 0 && w.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, w.end)
			continue
		}
		out = append(out, w)
	}
	return out
}

// run applies one rule to one window.
func (d *Detector) run(r *Rule, text []byte, w window, out []Match) []Match {
	seg := text[w.start:w.end]
	re, n := r.Regex, -1
	if r.anchored != nil {
		re, n = r.anchored, 1
	}
	for _, m := range re.FindAllSubmatchIndex(seg, n) {
		s, e := secretGroup(r, m)
		if s < 0 {
			continue
		}
		match := Match{Rule: r, Start: w.start + m[0], End: w.start + m[1], SecretStart: w.start + s, SecretEnd: w.start + e,
			Secret: string(seg[s:e])}
		if r.SecretGroup >= 2 && len(m) > 3 && m[2] >= 0 {
			match.Name = string(seg[m[2]:m[3]])
		}
		match.Entropy = Entropy(match.Secret)
		if r.Entropy > 0 && match.Entropy <= r.Entropy {
			continue
		}
		if allowed(r, match.Secret, string(seg[m[0]:m[1]]), line(text, match.Start)) {
			continue
		}
		out = append(out, match)
	}
	return out
}

// secretGroup picks the secret out of a match as gitleaks does: the rule's
// secret group, or the first non-empty group, or the whole match.
func secretGroup(r *Rule, m []int) (int, int) {
	if r.SecretGroup > 0 {
		i := 2 * r.SecretGroup
		if i+1 >= len(m) {
			return -1, -1
		}
		return m[i], m[i+1]
	}
	for i := 2; i+1 < len(m); i += 2 {
		if m[i] >= 0 && m[i+1] > m[i] {
			return m[i], m[i+1]
		}
	}
	return m[0], m[1]
}

// line is the line of text holding offset at.
func line(text []byte, at int) string {
	s := bytes.LastIndexByte(text[:at], '\n') + 1
	e := bytes.IndexByte(text[at:], '\n')
	if e < 0 {
		return string(text[s:])
	}
	return string(text[s : at+e])
}

// pathAllowed applies the allowlists' path conditions that decide alone
// (gitleaks' global list: lock files, vendored code, images).
func pathAllowed(r *Rule, path string) bool {
	if path == "" {
		return false
	}
	for _, a := range r.Allowlists {
		if len(a.Paths) > 0 && len(a.Regexes) == 0 && len(a.StopWords) == 0 && len(a.Commits) == 0 && a.PathAllowed(path) {
			return true
		}
	}
	return false
}

// allowed applies the allowlists' regexes and stop words to a match, as
// gitleaks does: the regexes to the secret (or the match, or the line,
// as the allowlist's target says), the stop words to the secret.
func allowed(r *Rule, secret, match, line string) bool {
	for _, a := range r.Allowlists {
		if len(a.Regexes) == 0 && len(a.StopWords) == 0 {
			continue
		}
		target := secret
		switch a.RegexTarget {
		case "match":
			target = match
		case "line":
			target = line
		}
		// Stop words (one trie pass over the secret) before regexes (each a
		// pass over the target, the line for some).
		sw := false
		if len(a.StopWords) > 0 {
			sw, _ = a.ContainsStopWord(secret)
		}
		if a.MatchCondition == 1 { // AND: every condition that is set must hold
			if len(a.Paths) == 0 && len(a.Commits) == 0 && (len(a.StopWords) == 0 || sw) &&
				(len(a.Regexes) == 0 || a.RegexAllowed(target)) {
				return true
			}
			continue
		}
		if sw || len(a.Regexes) > 0 && a.RegexAllowed(target) {
			return true
		}
	}
	return false
}

// dedupe keeps one match per secret: where secrets overlap, the match of
// the earlier rule (the more specific one) stays. The result is in text
// order.
func dedupe(ms []Match) []Match {
	if len(ms) < 2 {
		return ms
	}
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].Rule.Class == Generic || ms[j].Rule.Class == Generic {
			if (ms[i].Rule.Class == Generic) != (ms[j].Rule.Class == Generic) {
				return ms[j].Rule.Class == Generic
			}
		}
		return false
	})
	var kept []Match
	for _, m := range ms {
		clash := false
		for _, k := range kept {
			if m.SecretStart < k.SecretEnd && k.SecretStart < m.SecretEnd {
				clash = true
				break
			}
		}
		if !clash {
			kept = append(kept, m)
		}
	}
	sort.Slice(kept, func(i, j int) bool {
		if kept[i].SecretStart != kept[j].SecretStart {
			return kept[i].SecretStart < kept[j].SecretStart
		}
		return kept[i].Rule.RuleID < kept[j].Rule.RuleID
	})
	return kept
}

// Entropy is the Shannon entropy of s in bits per byte, as gitleaks
// computes it for its thresholds.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	var h float64
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// HasPrefixFold reports whether s starts with prefix, ignoring ASCII case.
func HasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
