// Package analyzers is the registry: the plain list of every analyzer mlsec
// runs, and the rule look-ups built from it.
package analyzers

import (
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/code"
	"github.com/mlsec/mlsec/internal/analyzers/config"
	"github.com/mlsec/mlsec/internal/analyzers/container"
	"github.com/mlsec/mlsec/internal/analyzers/deps"
	"github.com/mlsec/mlsec/internal/analyzers/iac"
	"github.com/mlsec/mlsec/internal/analyzers/k8s"
	"github.com/mlsec/mlsec/internal/analyzers/model"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// All returns every analyzer, in a fixed order.
func All() []*analysis.Analyzer {
	return []*analysis.Analyzer{
		code.Analyzer,
		deps.Analyzer,
		model.Analyzer,
		k8s.Analyzer,
		container.Analyzer,
		iac.Analyzer,
		config.Analyzer,
	}
}

// Rules returns every rule any analyzer (or the engine itself) may report,
// sorted by ID. A rule shared by several analyzers appears once.
func Rules() []*rule.Rule {
	seen := map[string]bool{}
	var out []*rule.Rule
	add := func(r *rule.Rule) {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	for _, a := range All() {
		for _, r := range a.Rules {
			add(r)
		}
	}
	add(rules.UnusedIgnore)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Rule finds a rule by ID.
func Rule(id string) *rule.Rule {
	for _, r := range Rules() {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Families returns the rule families, sorted.
func Families() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range Rules() {
		if f := r.Family(); !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// Match reports whether selector (a rule ID or a family name) names ruleID.
func Match(selector, ruleID string) bool {
	if selector == ruleID {
		return true
	}
	fam, _, _ := strings.Cut(ruleID, "/")
	return selector == fam
}

// ValidSelector reports whether s names a rule or a family.
func ValidSelector(s string) bool {
	for _, r := range Rules() {
		if Match(s, r.ID) {
			return true
		}
	}
	return false
}
