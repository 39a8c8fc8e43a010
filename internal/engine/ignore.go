package engine

import (
	"bytes"
	"strings"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rules"
)

// ignoreMarker starts an inline suppression: "mlsec: ignore[rule-id] reason".
// It may sit in any comment on the finding's line or on the line above.
var ignoreMarker = []byte("mlsec: ignore[")

// inlineIgnore is one suppression comment.
type inlineIgnore struct {
	line  int
	rules []string // rule IDs or families, current or former; "*" matches every rule
	used  []bool   // per entry of rules
}

// parseIgnores finds the suppression comments in a text file.
func parseIgnores(content []byte) []*inlineIgnore {
	if !bytes.Contains(content, ignoreMarker) {
		return nil
	}
	var out []*inlineIgnore
	line := 1
	for len(content) > 0 {
		end := bytes.IndexByte(content, '\n')
		cur := content
		if end >= 0 {
			cur = content[:end]
		}
		if i := bytes.Index(cur, ignoreMarker); i >= 0 {
			rest := cur[i+len(ignoreMarker):]
			if j := bytes.IndexByte(rest, ']'); j >= 0 {
				var ids []string
				for _, id := range strings.Split(string(rest[:j]), ",") {
					if id = strings.TrimSpace(id); id != "" {
						ids = append(ids, id)
					}
				}
				if len(ids) > 0 {
					out = append(out, &inlineIgnore{line: line, rules: ids, used: make([]bool, len(ids))})
				}
			}
		}
		if end < 0 {
			break
		}
		content = content[end+1:]
		line++
	}
	return out
}

// covers reports whether the ignore suppresses a finding of ruleID at loc:
// the comment is on a line of the finding's span or on the line above it.
// Each selector that matches is marked used.
func (ig *inlineIgnore) covers(ruleID string, loc finding.Location) bool {
	end := max(loc.EndLine, loc.Line)
	if ig.line < loc.Line-1 || ig.line > end {
		return false
	}
	hit := false
	for i, sel := range ig.rules {
		if sel == "*" || rules.Match(sel, ruleID) {
			ig.used[i], hit = true, true
		}
	}
	return hit
}

// unused returns the selectors that suppressed nothing.
func (ig *inlineIgnore) unused() []string {
	var out []string
	for i, sel := range ig.rules {
		if !ig.used[i] {
			out = append(out, sel)
		}
	}
	return out
}
