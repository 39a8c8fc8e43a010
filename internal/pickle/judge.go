package pickle

import (
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
)

// Verdict is what loading a named Python callable or class would do, as
// the pickle policy judges it.
type Verdict struct {
	Allowed bool          // on the default allowlist of the expected frameworks
	Danger  bool          // on the dangerous tier, hand-listed or derived
	Sev     rule.Severity // the danger's severity
	Why     string        // why it is dangerous
}

// Judge applies the pickle policy to "module" and "qualname" named by
// another format that rebuilds Python objects by name (a skops schema, a
// config-driven loader): the same dangerous tier (hand list first, then
// the tier derived from the libraries' sources) and the same default
// allowlists, so one gadget is judged alike whatever file names it.
func Judge(module, qualname string) Verdict { return defaultPolicy().Judge(module, qualname) }

// UserPolicy is the default policy with the user's allowlist entries
// ("module.name", "module.*") added, or nil (the default) when there are
// none: building one costs a thousand map inserts, so it is built once per
// file only when a user allowlist exists.
func UserPolicy(allow []string) *Policy {
	if len(allow) == 0 {
		return nil
	}
	p := NewPolicy(allProfiles...)
	p.Allow(allow...)
	return p
}

// Judge is the package-level Judge under this policy's allowlists (a nil
// policy is the default one).
func (pol *Policy) Judge(module, qualname string) Verdict {
	if pol == nil {
		pol = defaultPolicy()
	}
	full := module + "." + qualname
	if d, ok := lookupDanger(full); ok {
		return Verdict{Danger: true, Sev: d.sev, Why: d.why}
	}
	if pol.allows(module, full) || pyxUnpickleOf(pol, module, qualname) {
		return Verdict{Allowed: true}
	}
	if e, ok := lookupGen(full); ok {
		d, _ := derivedDanger(e)
		return Verdict{Danger: true, Sev: d.sev, Why: d.why}
	}
	// A class's method names the class's module too: sklearn.x.Cls.method.
	if i := strings.LastIndexByte(module, '.'); i > 0 && pol.allows(module[:i], module) {
		return Verdict{Allowed: true}
	}
	return Verdict{}
}
