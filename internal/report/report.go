// Package report writes a finished scan for people and machines: text for
// terminals, JSON (schema mlsec/v1) for pipelines, SARIF 2.1.0 for code
// scanning. Writers only format; they never re-analyze.
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/atlas"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

// Writer renders a finished scan in one format. Each format is one file of
// this package that registers its writer; nothing else needs to change.
type Writer func(w io.Writer, r *Report) error

var writers = map[string]Writer{}

// register adds a format. Formats register from their own file's init, so
// that a new format is one new file.
func register(name string, w Writer) {
	if _, dup := writers[name]; dup {
		panic("report: format " + name + " registered twice")
	}
	writers[name] = w
}

// Formats lists the output formats, text first, then by name, for help text
// and validation.
func Formats() []string {
	out := make([]string, 0, len(writers))
	for name := range writers {
		out = append(out, name)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == "text") != (out[j] == "text") {
			return out[i] == "text"
		}
		return out[i] < out[j]
	})
	return out
}

// Report is everything a writer needs.
type Report struct {
	Result  *result.Result
	Rules   []*rule.Rule // every rule the scan could report, for SARIF metadata
	Version string
	// SemanticVersion is Version as SemVer ("1.4.0", "0.0.0-devel+abc1234").
	SemanticVersion string
	FailOn          rule.Severity
	NoFail          bool // --fail-on none
	// Strict makes files that were not analyzed (text that does not parse,
	// Git LFS pointers) fail the scan as unreadable files do.
	Strict bool
	// WritingBaseline: the scan records a baseline and exits 0 on findings.
	WritingBaseline bool
	// TechniqueName resolves an ATLAS ID to its name; nil prints IDs alone.
	TechniqueName func(id string) string
	// Catalog is the ATLAS catalog the scan used (--atlas-data or the
	// embedded one), for the HTML matrix and the Navigator layer; nil
	// means the embedded one.
	Catalog *atlas.Catalog
	// Baseline is the baseline file findings were compared with ("" when
	// none): with one, every finding in Result is new since it.
	Baseline string
	Color    bool // text only: ANSI colours
	Compact  bool // text only: one line per finding
	Width    int  // text only: wrap at this many columns; 0 does not wrap
}

// Write renders r in the named format ("" is text).
func Write(w io.Writer, format string, r *Report) error {
	if format == "" {
		format = "text"
	}
	wr, ok := writers[format]
	if !ok {
		return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats(), ", "))
	}
	return wr(w, r)
}

// Counts tallies findings by severity.
func Counts(r *result.Result) map[rule.Severity]int {
	m := map[rule.Severity]int{}
	for _, f := range r.Findings {
		m[f.Severity]++
	}
	return m
}

// Exit codes.
const (
	ExitClean      = 0 // no finding at or above --fail-on
	ExitFindings   = 1 // findings at or above --fail-on
	ExitIncomplete = 2 // usage error, or a file that should have been analyzed could not be
)

// Incomplete reports whether the verdict is incomplete: a file that should
// have been analyzed could not be (with Strict, or was not analyzed).
func (r *Report) Incomplete() bool {
	return r.Result.Incomplete() || r.Strict && len(r.Result.NotAnalyzed) > 0
}

// ExitCode is the exit code the scan ends with.
func (r *Report) ExitCode() int {
	switch {
	case r.Incomplete():
		return ExitIncomplete
	case r.WritingBaseline:
		return ExitClean
	case r.Failing():
		return ExitFindings
	}
	return ExitClean
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
func skipReasons(r *result.Result) []reasonCount {
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
