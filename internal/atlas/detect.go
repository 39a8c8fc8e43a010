package atlas

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
)

// Detector is a rule that detects a technique, directly or through one of
// its sub-techniques.
type Detector struct {
	Rule *rule.Rule
	// Via is the sub-technique the rule names, when it does not name the
	// technique itself; "" otherwise.
	Via string
}

// Detectors returns the rules among rules that detect technique id: those
// whose Techniques contain id, then those that name a sub-technique of id
// (with Via set). Each group is sorted by rule ID.
func Detectors(id string, rules []*rule.Rule) []Detector {
	id = strings.ToUpper(strings.TrimSpace(id))
	var direct, via []Detector
	for _, r := range rules {
		if r == nil {
			continue
		}
		if slices.Contains(r.Techniques, id) {
			direct = append(direct, Detector{Rule: r})
			continue
		}
		for _, t := range r.Techniques {
			if parentID(t) == id {
				via = append(via, Detector{Rule: r, Via: t})
				break
			}
		}
	}
	byID := func(d []Detector) {
		sort.SliceStable(d, func(i, j int) bool { return d[i].Rule.ID < d[j].Rule.ID })
	}
	byID(direct)
	byID(via)
	return append(direct, via...)
}

// Validate checks that every ATLAS technique and mitigation ID named by the
// rules exists in the catalog. It reports every unknown ID, naming the rule.
func (c *Catalog) Validate(rules []*rule.Rule) error {
	var errs []error
	for _, r := range rules {
		if r == nil {
			continue
		}
		for _, id := range r.Techniques {
			if t := c.Technique(id); t == nil || t.ID != id {
				errs = append(errs, fmt.Errorf("rule %s: ATLAS technique %q not in ATLAS %s", r.ID, id, c.Version))
			}
		}
		for _, id := range r.Mitigations {
			if m := c.Mitigation(id); m == nil || m.ID != id {
				errs = append(errs, fmt.Errorf("rule %s: ATLAS mitigation %q not in ATLAS %s", r.ID, id, c.Version))
			}
		}
	}
	return errors.Join(errs...)
}
