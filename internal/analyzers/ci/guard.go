package ci

import (
	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/bounds"
	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// Bounds on hostile CI files.
const (
	// maxFileSize: real workflows are tens of KiB. A larger one is generated
	// or built to make a parser slow; it is reported, not skimmed.
	maxFileSize = 2 << 20
	// maxExpanded bounds the nodes a YAML tree has once its aliases are
	// expanded. actionlint resolves aliases by sharing nodes and then walks
	// the tree, so nine levels of nine aliases ("billion laughs") would be
	// walked 9^9 times; the guard refuses such a file before actionlint sees it.
	maxExpanded = 200_000
	maxSteps    = 1000 // steps of one job, script lines of one GitLab job
	maxJobs     = 2000
)

// marker reports whether content has what could be a YAML anchor (&name)
// or alias (*name) where a node may start; shell's && and cron's * * * do
// not count, so most workflows skip the second parse.
func marker(content []byte, c byte) bool {
	for i := 0; i < len(content); i++ {
		if content[i] != c || i+1 >= len(content) {
			continue
		}
		if i > 0 {
			switch content[i-1] {
			case ' ', '\t', '\n', ':', '[', '{', ',', '-':
			default:
				continue
			}
		}
		switch content[i+1] {
		case ' ', '\t', '\n', '\r', '&', '*', ',', '[', ']', '{', '}':
			continue
		}
		return true
	}
	return false
}

// guard checks the size of a CI file and, when it has anchors and aliases,
// the size of its tree with every alias expanded. It returns the parsed
// documents when it had to parse them.
func guard(content []byte) ([]*yaml.Node, error) {
	if len(content) > maxFileSize {
		return nil, bounds.Exceeded("CI file of %s is over the %s limit for workflow files", index.HumanSize(int64(len(content))), index.HumanSize(maxFileSize))
	}
	if !marker(content, '&') || !marker(content, '*') {
		return nil, nil // no anchors, or no aliases: nothing to expand
	}
	docs, err := yamlutil.Parse(content)
	if err != nil {
		return docs, err
	}
	memo := map[*yaml.Node]int{}
	for _, d := range docs {
		if n := expanded(d, memo, 0); n > maxExpanded {
			return docs, bounds.Exceeded("YAML alias bomb: its aliases expand to more than %d nodes", maxExpanded)
		}
	}
	return docs, nil
}

// expanded counts the nodes below n with aliases expanded, memoised per
// node so that the count itself is linear in the text.
func expanded(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil {
		return 0
	}
	if v, ok := memo[n]; ok {
		return v
	}
	if depth > 1000 {
		return maxExpanded + 1 // nesting this deep under anchors is refused with the bombs
	}
	memo[n] = maxExpanded + 1 // a cycle counts as a bomb
	total := 1
	if n.Kind == yaml.AliasNode {
		total += expanded(n.Alias, memo, depth+1)
	}
	for _, c := range n.Content {
		total += expanded(c, memo, depth+1)
		if total > maxExpanded {
			break
		}
	}
	memo[n] = total
	return total
}
