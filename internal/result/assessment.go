package result

import "github.com/mlsec/mlsec/internal/finding"

// Assessment is what the repository shows of MLOps practice: evidence per
// phase, the automation level on the published maturity scales, and which
// ATLAS mitigations are in place. The assess command fills it; every
// report format may show it.
type Assessment struct {
	Phases      []PhaseAssessment  `json:"phases"`
	Levels      []MaturityLevel    `json:"levels"` // one per scale: ml-ops.org, Google, Microsoft
	Mitigations []MitigationStatus `json:"mitigations"`
}

// PhaseAssessment scores one MLOps phase (design, development, operations)
// from 0 to 100 by the practices found for it.
type PhaseAssessment struct {
	Phase     string     `json:"phase"`
	Score     int        `json:"score"`
	Practices []Practice `json:"practices"`
}

// Practice is one MLOps practice (data versioning, experiment tracking, …)
// and the evidence that the repository has it.
type Practice struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Present  bool       `json:"present"`
	Weight   int        `json:"weight"` // its share of the phase's score
	Evidence []Evidence `json:"evidence,omitempty"`
}

// MaturityLevel is the level on one maturity scale, why, and what the next
// level needs.
type MaturityLevel struct {
	Scale    string     `json:"scale"` // "ml-ops.org", "google", "microsoft"
	Level    int        `json:"level"`
	Name     string     `json:"name"`
	Evidence []Evidence `json:"evidence,omitempty"`
	Missing  []string   `json:"missing,omitempty"` // what the next level needs
}

// Mitigation statuses.
const (
	MitigationPresent       = "present"
	MitigationMissing       = "missing"
	MitigationNotApplicable = "not-applicable"
)

// MitigationStatus says whether an ATLAS mitigation is in place.
type MitigationStatus struct {
	ID       string     `json:"id"` // AML.M0014
	Name     string     `json:"name"`
	Status   string     `json:"status"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// Counters lists the techniques among the scan's findings that the
	// mitigation would counter: what decides a missing one's priority.
	Counters []string `json:"counters,omitempty"`
}

// Evidence is one place that shows a practice or mitigation.
type Evidence struct {
	Location finding.Location `json:"location"`
	What     string           `json:"what"`
}
