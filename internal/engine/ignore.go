package engine

import (
	"bytes"
	"strings"
)

// ignoreMarker starts an inline suppression: "mlsec: ignore[rule-id] reason".
// It may sit in any comment on the finding's line or on the line above.
var ignoreMarker = []byte("mlsec: ignore[")

// inlineIgnore is one suppression comment.
type inlineIgnore struct {
	line  int
	rules []string // rule IDs or families; "*" matches every rule
	used  bool
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
					out = append(out, &inlineIgnore{line: line, rules: ids})
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

// matches reports whether the ignore covers a finding of ruleID on line.
func (ig *inlineIgnore) matches(ruleID string, line int) bool {
	if line != ig.line && line != ig.line+1 {
		return false
	}
	fam, _, _ := strings.Cut(ruleID, "/")
	for _, r := range ig.rules {
		if r == "*" || r == ruleID || r == fam {
			return true
		}
	}
	return false
}
