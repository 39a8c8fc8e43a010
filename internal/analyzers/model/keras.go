package model

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/archive"
	"github.com/mlsec/mlsec/internal/rules"
)

// maxKerasConfig bounds the config.json a .keras file may carry.
const maxKerasConfig = 32 << 20

// scanKerasConfig looks in a .keras config for Lambda layers and objects
// whose module lies outside Keras: both make load_model run or import code.
func (s *scanner) scanKerasConfig(z *archive.Zip, e *archive.Entry, name string) {
	m, err := z.Open(e)
	if err != nil {
		s.inconclusive(name, "Keras config not scanned: "+err.Error())
		return
	}
	csize := int64(e.CompressedSize)
	g := &archive.Guard{R: m, In: func() int64 { return csize }, Budget: s.budget, MaxRatio: bombRatio, MinSize: bombMinSize}
	b, err := io.ReadAll(io.LimitReader(g, maxKerasConfig+1))
	if err != nil || len(b) > maxKerasConfig {
		s.inconclusive(name, "Keras config too large or unreadable; not scanned")
		return
	}
	var cfg any
	if err := json.Unmarshal(b, &cfg); err != nil {
		s.inconclusiveLow(name, "load_model refuses a config that is not JSON",
			"Keras config is not valid JSON: "+err.Error())
		return
	}
	// A config may hold thousands of Lambda layers: each kind (Lambda,
	// foreign module) is one finding, with the count (see folds).
	seen := map[string]bool{}
	report := func(msg, ev string) {
		if seen[msg] {
			return
		}
		seen[msg] = true
		s.folds.add(analysis.Diagnostic{Rule: rules.KerasCode, Location: s.at(name), Message: msg, Evidence: ev, Assets: []string{s.assetID}})
	}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 200 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			cls, _ := v["class_name"].(string)
			mod, _ := v["module"].(string)
			cfgName := ""
			if c, ok := v["config"].(map[string]any); ok {
				cfgName, _ = c["name"].(string)
			}
			if cls == "Lambda" {
				report(fmt.Sprintf("Lambda layer %q stores Python bytecode that runs when the model is loaded with safe_mode=False", cfgName),
					"class_name: Lambda, name: "+cfgName)
			}
			if mod != "" && !kerasModule(mod) {
				report(fmt.Sprintf("object %q names module %q: load_model imports it", cls, mod), "module: "+mod+", class_name: "+cls)
			}
			// In key order: the first of a kind is the one a folded
			// finding shows, and must not change from run to run.
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(v[k], depth+1)
			}
		case []any:
			for _, x := range v {
				walk(x, depth+1)
			}
		}
	}
	walk(cfg, 0)
}

// kerasModule reports whether a config "module" is Keras itself or a
// module Keras configs routinely name for plain data.
func kerasModule(m string) bool {
	root, _, _ := strings.Cut(m, ".")
	switch root {
	case "keras", "keras_core", "keras_nlp", "keras_hub", "keras_cv", "tf_keras", "builtins", "numpy":
		return true
	}
	return false
}
