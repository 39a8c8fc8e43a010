package atlas

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/mlsec/mlsec/internal/rule"
)

// phasesTxt maps each technique to its MLOps phases: one line a technique,
// "ID phase [phase…]  # name", blank lines and # comments ignored.
//
//go:embed phases.txt
var phasesTxt string

var (
	phasesOnce sync.Once
	phaseTable map[string][]rule.Phase
)

// Phases returns the MLOps phases in which technique id can be used, in
// pipeline order. A sub-technique without its own line gets its parent's
// phases, so that a newer ATLAS file loaded with --atlas-data still gets
// phases for new sub-techniques of known techniques. Unknown IDs give nil.
func Phases(id string) []rule.Phase {
	// A bad line is skipped here; the package tests fail on any.
	phasesOnce.Do(func() { phaseTable, _ = parsePhases(phasesTxt) })
	id = strings.ToUpper(strings.TrimSpace(id))
	if ps, ok := phaseTable[id]; ok {
		return append([]rule.Phase(nil), ps...)
	}
	if par := parentID(id); par != "" {
		return append([]rule.Phase(nil), phaseTable[par]...)
	}
	return nil
}

// parsePhases reads the phases file. It keeps every good line and returns an
// error naming the first bad one.
func parsePhases(text string) (map[string][]rule.Phase, error) {
	table := map[string][]rule.Phase{}
	var firstErr error
	fail := func(line int, format string, args ...any) {
		if firstErr == nil {
			firstErr = fmt.Errorf("phases.txt line %d: %s", line, fmt.Sprintf(format, args...))
		}
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		id := f[0]
		switch {
		case !techniqueID.MatchString(id):
			fail(n, "%q is not a technique ID", id)
			continue
		case table[id] != nil:
			fail(n, "%s listed twice", id)
			continue
		case len(f) == 1:
			fail(n, "%s has no phase", id)
			continue
		}
		set := map[rule.Phase]bool{}
		for _, w := range f[1:] {
			p := rule.Phase(w)
			if !p.Valid() {
				fail(n, "%s: %q is not design, development or operations", id, w)
				continue
			}
			set[p] = true
		}
		for _, p := range rule.Phases() {
			if set[p] {
				table[id] = append(table[id], p)
			}
		}
	}
	return table, firstErr
}
