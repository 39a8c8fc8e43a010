package analyzers

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/atlas"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Every rule is declared by an analyzer (or reported by the engine itself),
// every declared rule is in the registry, and no analyzer lists a rule twice.
func TestDeclaredRulesMatchTheRegistry(t *testing.T) {
	declared := map[*rule.Rule]bool{rules.UnusedIgnore: true}
	for _, r := range rules.ProbeRules {
		declared[r] = true // reported by mlsec probe, about live endpoints
	}
	for _, a := range All() {
		seen := map[*rule.Rule]bool{}
		for _, r := range a.Rules {
			if seen[r] {
				t.Errorf("analyzer %s lists %s twice", a.Name, r.ID)
			}
			seen[r], declared[r] = true, true
			if rules.Lookup(r.ID) != r {
				t.Errorf("analyzer %s declares %s, which is not in package rules", a.Name, r.ID)
			}
		}
	}
	for _, r := range rules.All() {
		if !declared[r] {
			t.Errorf("rule %s is declared by no analyzer", r.ID)
		}
	}
}

func TestAnalyzersAreWellFormed(t *testing.T) {
	names := map[string]bool{}
	for _, a := range All() {
		if a.Name == "" || a.Doc == "" || (a.Run == nil || len(a.Kinds) == 0) && a.Project == nil || len(a.Rules) == 0 {
			t.Errorf("analyzer %q is incomplete", a.Name)
		}
		if names[a.Name] {
			t.Errorf("two analyzers named %q", a.Name)
		}
		names[a.Name] = true
		for _, k := range a.Kinds {
			if k == source.Unknown {
				t.Errorf("analyzer %s reads Unknown files", a.Name)
			}
		}
	}
	// Analyzers sharing a kind must agree on how it is read.
	binary := map[source.Kind]bool{}
	seen := map[source.Kind]bool{}
	for _, a := range All() {
		for _, k := range a.Kinds {
			if seen[k] && binary[k] != a.Binary {
				t.Errorf("kind %s is read both as text and as binary", k)
			}
			seen[k], binary[k] = true, a.Binary
		}
	}
}

var wantRE = regexp.MustCompile(`\bwant(?:-next)?: ((?:[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9.-]*[ \t,]*)+)`)

// Every rule must have at least one positive fixture somewhere under a
// testdata folder: a want annotation or a sidecar line naming it.
func TestEveryRuleHasAPositiveFixture(t *testing.T) {
	covered := map[string]bool{}
	err := filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(p), "/testdata/") {
			return err
		}
		info, err := d.Info()
		if err != nil || info.Size() > 4<<20 {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".want") {
			for _, line := range strings.Split(string(b), "\n") {
				if f := strings.Fields(line); len(f) > 0 {
					covered[f[0]] = true
				}
			}
			return nil
		}
		for _, m := range wantRE.FindAllStringSubmatch(string(b), -1) {
			for _, id := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
				covered[id] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules.All() {
		if r.ID != "mlsec/unused-ignore" && !covered[r.ID] {
			t.Errorf("rule %s has no positive fixture (no want annotation or sidecar names it)", r.ID)
		}
	}
}

// A rule's MLOps phase must be one its ATLAS techniques belong to, per the
// project's phase map (internal/atlas/phases.txt), so the two cannot drift.
func TestRulePhaseMatchesTechniques(t *testing.T) {
	for _, r := range rules.All() {
		if len(r.Techniques) == 0 {
			continue
		}
		ok := false
		var all []string
		for _, id := range r.Techniques {
			for _, p := range atlas.Phases(id) {
				all = append(all, string(p))
				ok = ok || p == r.Phase
			}
		}
		if !ok {
			t.Errorf("rule %s has phase %s, but its techniques %v belong to %v", r.ID, r.Phase, r.Techniques, all)
		}
	}
}
