package code

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/python"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Keras' safe_mode is what stands between load_model and a Lambda layer's
// marshalled bytecode, and whether it holds depends on the version the
// project installs: it did not exist before Keras 2.13 (and TensorFlow 2.13's
// tf.keras), and until 3.14 crafted files got past it (CVE-2025-1550: a
// config.json naming any module function, fixed in 3.9; CVE-2025-9905: HDF5
// files ignore it, CVE-2025-8747/9906: get_file and re-enabling unsafe mode
// from the config, fixed in 3.11.3; CVE-2026-1462: TFSMLayer, fixed in 3.14).
// So a load_model that keeps the default safe_mode is reported only when the
// project's own dependency files pin a version below 3.14; with no pin, or a
// floor only, the installed version is unknown and nothing is claimed.

// kerasBand is a range of Keras versions and what safe_mode does in it.
type kerasBand struct {
	below ver // the band is every version < below
	what  string
}

var kerasBands = []kerasBand{
	{ver{2, 13, 0}, "predates safe_mode: load_model rebuilds Lambda layers from the marshalled bytecode a model file carries"},
	{ver{3, 9, 0}, "has a safe_mode that a crafted config.json gets past by naming any module function (CVE-2025-1550, fixed in Keras 3.9)"},
	{ver{3, 11, 3}, "ignores safe_mode for HDF5 files and lets a crafted config turn it off (CVE-2025-9905, CVE-2025-9906; fixed in Keras 3.11.3)"},
	{ver{3, 14, 0}, "has a safe_mode that a TFSMLayer in the model gets past (CVE-2026-1462, fixed in Keras 3.14)"},
}

// ver is a release number; missing parts are zero.
type ver [3]int

func parseVer(s string) (ver, bool) {
	var v ver
	parts := strings.Split(s, ".")
	if len(parts) == 0 || parts[0] == "" {
		return v, false
	}
	for i := 0; i < len(parts) && i < 3; i++ {
		n, err := strconv.Atoi(parts[i])
		if err != nil {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

func (v ver) less(w ver) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}

func (v ver) String() string {
	if v[2] == 0 {
		return fmt.Sprintf("%d.%d", v[0], v[1])
	}
	return fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2])
}

// kerasPin is the highest Keras a project's pins allow, and where it is pinned.
type kerasPin struct {
	max       ver  // the highest version the pin allows (exclusive when strict)
	strict    bool // "<max"
	pkg, spec string
	at        finding.Location
}

// pinLine matches one requirement of Keras or TensorFlow as written in
// requirements files ("keras>=2.10,<2.13"), PEP 621 arrays
// ("tensorflow~=2.11.0",), conda ("- keras=2.12") and Poetry tables
// (keras = "^2.12"); group 2 is its specifier list.
var pinLine = regexp.MustCompile(`(?m)^[ \t\-"']*(keras|tf[-_]keras|tensorflow(?:-cpu|-gpu|-macos|-intel)?)(?:\[[^\]\n]*\])?["']?[ \t]*((?:=[ \t]*["'])?[^\n"';#]*)`)

// poetryValue is the start of a Poetry table value: keras = "^2.12".
var poetryValue = regexp.MustCompile(`^=[ \t]*["']`)

// specItem is one specifier of a list.
var specItem = regexp.MustCompile(`^(===|==|~=|<=|<|>=|>|!=|=|\^|~)?\s*v?([0-9]+(?:\.[0-9]+)*)(\.\*)?$`)

// kerasPinOf reads the nearest dependency files for a Keras or TensorFlow
// pin with an upper bound; the nearest file that pins one wins, Keras over
// TensorFlow within a file. TensorFlow 2.16 and later take Keras 3 from its
// own pin; before that, tf.keras is Keras 2 of TensorFlow's version.
func kerasPinOf(pass *analysis.Pass) (kerasPin, bool) {
	for _, f := range pass.Ancestors(source.Requirements, source.Pyproject, source.CondaEnv, source.SetupCfg) {
		var best kerasPin
		found := false
		for _, m := range pinLine.FindAllSubmatchIndex(f.Content, -1) {
			pkg := strings.ToLower(string(f.Content[m[2]:m[3]]))
			spec := strings.TrimSpace(string(f.Content[m[4]:m[5]]))
			poetry := poetryValue.MatchString(spec)
			if poetry {
				spec = poetryValue.ReplaceAllString(spec, "")
			}
			p, ok := upperBound(spec, poetry, f.Kind)
			if !ok {
				continue
			}
			isTF := strings.HasPrefix(pkg, "tensorflow")
			if isTF && !p.max.less(ver{2, 16, 0}) {
				continue
			}
			if found && isTF {
				continue // Keras' own pin wins
			}
			p.pkg = pkg
			p.spec = strings.TrimSpace(strings.NewReplacer(`"`, "", "'", "").Replace(string(f.Content[m[2]:m[5]])))
			p.at = finding.Location{Path: f.Path, Line: 1 + bytes.Count(f.Content[:m[0]], []byte("\n"))}
			best, found = p, true
		}
		if found {
			return best, true
		}
	}
	return kerasPin{}, false
}

// upperBound is the highest version a specifier list allows, or false when
// it has none (a floor alone says nothing about the installed version).
// poetry is set for a Poetry table value, where a bare version is exact.
func upperBound(spec string, poetry bool, kind source.Kind) (kerasPin, bool) {
	var best kerasPin
	found := false
	for _, item := range strings.Split(spec, ",") {
		m := specItem.FindStringSubmatch(strings.TrimSpace(item))
		if m == nil {
			continue
		}
		v, ok := parseVer(m[2])
		if !ok {
			continue
		}
		var p kerasPin
		switch op, wild := m[1], m[3] != ""; {
		case (op == "==" || op == "===") && wild, op == "=" && kind == source.CondaEnv:
			// "==2.12.*" and conda's "=2.12" pin a prefix: below the next release of it.
			p = kerasPin{max: next(m[2], v), strict: true}
		case op == "==" || op == "===" || op == "<=" || (op == "" && poetry && kind == source.Pyproject):
			p = kerasPin{max: v}
		case op == "<":
			p = kerasPin{max: v, strict: true}
		case op == "~=" && strings.Contains(m[2], "."):
			// ~=2.12 allows 2.*, ~=2.12.1 allows 2.12.*.
			prefix := m[2][:strings.LastIndexByte(m[2], '.')]
			pv, _ := parseVer(prefix)
			p = kerasPin{max: next(prefix, pv), strict: true}
		case op == "^" && poetry:
			p = kerasPin{max: ver{v[0] + 1, 0, 0}, strict: true}
			if v[0] == 0 {
				p.max = ver{0, v[1] + 1, 0}
			}
		case op == "~" && poetry:
			p = kerasPin{max: ver{v[0], v[1] + 1, 0}, strict: true}
		default:
			continue
		}
		if !found || p.max.less(best.max) || (p.max == best.max && p.strict) {
			best, found = p, true
		}
	}
	return best, found
}

// next is the first version after every version that starts with the
// release s: next("2.12") is 2.13, next("2") is 3.
func next(s string, v ver) ver {
	n := strings.Count(s, ".")
	if n > 2 {
		n = 2
	}
	w := v
	w[n]++
	for i := n + 1; i < 3; i++ {
		w[i] = 0
	}
	return w
}

// bandOf is what safe_mode does under the pin, or "" when the pin allows
// only versions from 3.14 on.
func (p kerasPin) band() string {
	for _, b := range kerasBands {
		if p.max.less(b.below) || (p.strict && p.max == b.below) {
			return b.what
		}
	}
	return ""
}

// kerasDefaultLoad reports a load_model that keeps safe_mode (by default or
// explicitly) when the project pins a Keras whose safe mode does not hold.
func (t *target) kerasDefaultLoad(c *python.Call) {
	if a := argAt(c, "safe_mode", 3); a != nil && !a.IsTrue() {
		return // safe_mode=False and unknown values are reported by flagArg
	}
	if !t.kerasPinRead {
		t.kerasPin, t.kerasPinned = kerasPinOf(t.pass)
		t.kerasPinRead = true
	}
	if !t.kerasPinned {
		return
	}
	what := t.kerasPin.band()
	if what == "" {
		return
	}
	p := t.kerasPin
	name := "Keras"
	if strings.HasPrefix(p.pkg, "tensorflow") {
		name = "the tf.keras of TensorFlow"
	}
	bound := "up to " + p.max.String()
	if p.strict {
		bound = "below " + p.max.String()
	}
	d := analysis.Diagnostic{Rule: rules.KerasUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
		Message:  fmt.Sprintf("load_model relies on safe_mode, but %s %s pinned in %s %s", name, bound, p.at.Path, what),
		Severity: rule.Medium, SeverityReason: "the pinned Keras does not enforce safe_mode; where the model file comes from is not known",
		Confidence: rule.MediumConfidence, ConfidenceReason: "the version is read from the project's pins (" + p.spec + "); the installed one may differ",
		Related: []finding.Related{{Location: p.at, Message: "the pin: " + p.spec}}}
	if k := t.argProv(loadSource(c), 0).kind; k == provDownload || k == provCaller {
		d.Severity, d.SeverityReason = rule.High, "the pinned Keras does not enforce safe_mode and the model file comes from outside the project"
	}
	t.sourced(c, &d)
	t.pass.Report(d)
}
