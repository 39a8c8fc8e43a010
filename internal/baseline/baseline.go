// Package baseline records the findings a team has accepted, so that a scan
// in CI fails only on new ones. A baseline is a JSON list of fingerprints;
// fingerprints leave out line numbers, so editing above a finding does not
// make it new again.
package baseline

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/mlsec/mlsec/internal/finding"
)

// Schema identifies the file format.
const Schema = "mlsec-baseline/v1"

// Entry is one accepted finding. Rule and location are kept for people
// reading the file; only the fingerprint is matched.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Location    string `json:"location"`
}

// File is the baseline file's content.
type File struct {
	Schema   string  `json:"schema"`
	Findings []Entry `json:"findings"`
}

// Set is a loaded baseline.
type Set map[string]bool

// Load reads a baseline file.
func Load(path string) (Set, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("baseline %s: not a baseline file: %w", path, err)
	}
	if f.Schema != Schema {
		return nil, fmt.Errorf("baseline %s: schema %q, want %q", path, f.Schema, Schema)
	}
	s := Set{}
	for _, e := range f.Findings {
		s[e.Fingerprint] = true
	}
	return s, nil
}

// Filter drops the findings in the baseline and returns the rest and how
// many were dropped.
func (s Set) Filter(fs []finding.Finding) ([]finding.Finding, int) {
	if len(s) == 0 {
		return fs, 0
	}
	out := make([]finding.Finding, 0, len(fs))
	for _, f := range fs {
		if !s.has(f) {
			out = append(out, f)
		}
	}
	return out, len(fs) - len(out)
}

// has reports whether the baseline holds f, under its fingerprint or one it
// had under a former ID of its rule.
func (s Set) has(f finding.Finding) bool {
	if s[f.Fingerprint] {
		return true
	}
	for _, fp := range f.FormerFingerprints {
		if s[fp] {
			return true
		}
	}
	return false
}

// Write saves the findings as a baseline.
func Write(path string, fs []finding.Finding) error {
	f := File{Schema: Schema, Findings: make([]Entry, 0, len(fs))}
	for _, x := range fs {
		f.Findings = append(f.Findings, Entry{Fingerprint: x.Fingerprint, Rule: x.RuleID, Location: x.Location.String()})
	}
	sort.Slice(f.Findings, func(i, j int) bool { return f.Findings[i].Fingerprint < f.Findings[j].Fingerprint })
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
