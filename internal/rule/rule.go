// Package rule defines what mlsec checks for: rules as plain data, with the
// severity, confidence and MLOps phase vocabularies they use.
//
// Rules are values, not code. Analyzers declare the rules they report, and the
// command line, the documentation and the SARIF metadata are all generated from
// the same values, so they cannot drift apart.
package rule

import (
	"fmt"
	"strings"
)

// Severity ranks a finding by what an attacker gains: critical is code
// execution, credentials or write access with no further step; high needs
// one more step or an insider; medium is a missing defence with clear
// exposure; low is hygiene; info is inventory.
// The zero value is Info so that an unset severity never looks alarming.
type Severity int

// Severities from least to most severe.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// Severities lists every severity from most to least severe.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low, Info} }

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name, case-insensitively.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return Info, fmt.Errorf("unknown severity %q (want critical, high, medium, low or info)", name)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Confidence says how sure a rule is that a match is a real problem.
type Confidence int

// Confidences, ordered from least to most sure. The zero value is Medium,
// the honest default for a rule that did not say.
const (
	LowConfidence    Confidence = -1
	MediumConfidence Confidence = 0
	HighConfidence   Confidence = 1
)

func (c Confidence) String() string {
	switch c {
	case LowConfidence:
		return "low"
	case HighConfidence:
		return "high"
	default:
		return "medium"
	}
}

// MarshalText writes the confidence's name.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a confidence's name.
func (c *Confidence) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*c = LowConfidence
	case "medium":
		*c = MediumConfidence
	case "high":
		*c = HighConfidence
	default:
		return fmt.Errorf("unknown confidence %q (want high, medium or low)", b)
	}
	return nil
}

// Phase is one of the three MLOps phases of ml-ops.org, as the paper
// "Towards Secure MLOps" uses them.
type Phase string

// The MLOps phases.
const (
	Design      Phase = "design"
	Development Phase = "development"
	Operations  Phase = "operations"
)

// Phases lists the phases in pipeline order.
func Phases() []Phase { return []Phase{Design, Development, Operations} }

// Title is the phase's human name.
func (p Phase) Title() string {
	switch p {
	case Design:
		return "Design / Setup"
	case Development:
		return "Model Development & Evaluation"
	case Operations:
		return "Operations"
	}
	return string(p)
}

// Valid reports whether p is one of the three phases.
func (p Phase) Valid() bool { return p == Design || p == Development || p == Operations }

// Rule is one check. Its ID is "family/slug", for example "code/pickle-load".
type Rule struct {
	ID          string
	Title       string     // short, imperative-free noun phrase: "pickle.load of untrusted data"
	Severity    Severity   // default severity; config may override
	Confidence  Confidence // how often a match is a true positive
	Phase       Phase
	Techniques  []string // MITRE ATLAS technique IDs, e.g. "AML.T0011.000"
	Mitigations []string // MITRE ATLAS mitigation IDs, e.g. "AML.M0016"
	Summary     string   // one sentence: why an attacker cares
	Description string   // longer explanation for `mlsec explain` and SARIF help
	Fix         string   // what closes it
	References  []string // URLs
	Peers       []string // equivalent IDs in other tools, e.g. "CKV_AWS_122", "bandit:B301"
	// OnePerEvidence folds the rule's findings with the same evidence
	// anywhere in the scan into one, the other places related: one image
	// used unpinned by 1,200 pipeline files is one decision (pin it), not
	// 1,200 findings.
	OnePerEvidence bool
}

// Family is the part of the ID before the slash: "code" for "code/pickle-load".
func (r *Rule) Family() string {
	fam, _, _ := strings.Cut(r.ID, "/")
	return fam
}

// Validate checks the rule's own fields; it does not know the ATLAS catalog.
func (r *Rule) Validate() error {
	fam, slug, ok := strings.Cut(r.ID, "/")
	switch {
	case !ok || fam == "" || slug == "" || strings.Contains(slug, "/"):
		return fmt.Errorf("rule %q: ID must be family/slug", r.ID)
	case r.Title == "":
		return fmt.Errorf("rule %s: no title", r.ID)
	case r.Summary == "":
		return fmt.Errorf("rule %s: no summary", r.ID)
	case r.Fix == "":
		return fmt.Errorf("rule %s: no fix", r.ID)
	case !r.Phase.Valid():
		return fmt.Errorf("rule %s: phase %q is not design, development or operations", r.ID, r.Phase)
	case len(r.Techniques) == 0 && fam != "mlsec" && r.Severity != Info:
		// Only notes about the scan itself (info) may stand outside ATLAS.
		return fmt.Errorf("rule %s: no ATLAS technique", r.ID)
	}
	return nil
}
