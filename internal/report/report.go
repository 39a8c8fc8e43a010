// Package report writes a finished scan for people and machines: text for
// terminals, JSON (schema mlsec/v1) for pipelines, SARIF 2.1.0 for code
// scanning. Writers only format; they never re-analyze.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/rule"
)

// Formats lists the output formats, for help text and validation.
var Formats = []string{"text", "json", "sarif"}

// Report is everything a writer needs.
type Report struct {
	Result  *engine.Result
	Rules   []*rule.Rule // every rule the scan could report, for SARIF metadata
	Version string
	FailOn  rule.Severity
	NoFail  bool // --fail-on none
	// TechniqueName resolves an ATLAS ID to its name; nil prints IDs alone.
	TechniqueName func(id string) string
	Color         bool // text only: ANSI colours
}

// Write renders r in the named format.
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case "text", "":
		return WriteText(w, r)
	case "json":
		return WriteJSON(w, r)
	case "sarif":
		return WriteSARIF(w, r)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Counts tallies findings by severity.
func Counts(r *engine.Result) map[rule.Severity]int {
	m := map[rule.Severity]int{}
	for _, f := range r.Findings {
		m[f.Severity]++
	}
	return m
}

// Failing reports whether any finding is at or above the fail-on threshold.
func (r *Report) Failing() bool {
	if r.NoFail {
		return false
	}
	for _, f := range r.Result.Findings {
		if f.Severity >= r.FailOn {
			return true
		}
	}
	return false
}

// skipReasons groups skipped files by reason, most common first, with the
// variable part of reasons left in: it is what a user needs to act on.
func skipReasons(r *engine.Result) []reasonCount {
	m := map[string]int{}
	for _, s := range r.Skipped {
		m[s.Reason]++
	}
	out := make([]reasonCount, 0, len(m))
	for k, v := range m {
		out = append(out, reasonCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].reason < out[j].reason
	})
	return out
}

type reasonCount struct {
	reason string
	n      int
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
