// Package keras walks a Keras model config (the config.json of a .keras
// zip, or the model_config attribute of a legacy .h5 file) for what makes
// load_model import or run code: Lambda layers and their marshalled
// bytecode, TFOpLambda layers that call TensorFlow file or Python ops,
// functions and objects whose module lies outside Keras, calls to
// enable_unsafe_deserialization embedded in the config, and Keras versions
// whose safe_mode is known to be bypassable. It never loads anything.
package keras

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Kind classifies a finding.
type Kind int

// Kinds.
const (
	Lambda        Kind = iota + 1 // Lambda layer: marshalled bytecode
	ForeignModule                 // module outside Keras
	TFOpLambda                    // TFOpLambda calling a file or Python op
	UnsafeCall                    // enable_unsafe_deserialization or a builtin callable named in the config
	Version                       // a Keras version with known safe_mode bypasses
)

// Finding is one construct that makes loading run or import code.
type Finding struct {
	Kind     Kind
	Critical bool   // direct code execution, not only a precondition
	Path     string // JSON path in the config, e.g. config.layers[2].config.layer
	Msg      string
	Evidence string
}

// MaxDepth bounds recursion in hostile, deeply nested configs.
const MaxDepth = 256

// Walk parses a config and returns its findings, at most one per kind and
// message, in a deterministic order.
func Walk(config []byte) ([]Finding, error) {
	var v any
	if err := json.Unmarshal(config, &v); err != nil {
		return nil, err
	}
	w := &walker{seen: map[string]bool{}}
	w.walk(v, "", 0)
	return w.out, nil
}

type walker struct {
	out  []Finding
	seen map[string]bool
}

func (w *walker) add(f Finding) {
	k := strconv.Itoa(int(f.Kind)) + f.Msg
	if w.seen[k] {
		return
	}
	w.seen[k] = true
	if len(f.Evidence) > 200 {
		f.Evidence = f.Evidence[:200] + "…"
	}
	w.out = append(w.out, f)
}

func (w *walker) walk(v any, path string, depth int) {
	if depth > MaxDepth {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		w.object(v, path)
		for _, k := range slices.Sorted(maps.Keys(v)) {
			w.walk(v[k], join(path, k), depth+1)
		}
	case []any:
		for i, x := range v {
			w.walk(x, fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	case string:
		if strings.Contains(v, "enable_unsafe_deserialization") {
			w.add(Finding{Kind: UnsafeCall, Critical: true, Path: path,
				Msg:      "config calls keras.config.enable_unsafe_deserialization, switching safe_mode off while the model loads (CVE-2025-1550, CVE-2025-9906)",
				Evidence: path + ": " + v})
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// dangerousCallables are Python callables a config must never name as a
// function: they run code or touch the system when the "function" is
// rebuilt or applied.
var dangerousCallables = map[string]bool{
	"eval": true, "exec": true, "compile": true, "__import__": true, "open": true, "getattr": true,
	"setattr": true, "system": true, "popen": true, "run": true, "call": true, "check_output": true,
	"Popen": true, "import_module": true, "load": true, "loads": true, "input": true, "breakpoint": true,
}

func (w *walker) object(v map[string]any, path string) {
	cls, _ := v["class_name"].(string)
	mod, _ := v["module"].(string)
	reg, _ := v["registered_name"].(string)
	cfg, _ := v["config"].(map[string]any)
	name := ""
	if cfg != nil {
		name, _ = cfg["name"].(string)
	}
	where := path
	if where == "" {
		where = "(root)"
	}
	switch cls {
	case "Lambda":
		f := Finding{Kind: Lambda, Path: where, Evidence: fmt.Sprintf("%s: class_name Lambda, name %q", where, name)}
		f.Msg = fmt.Sprintf("Lambda layer %q stores Python bytecode that runs when the model is loaded", name)
		if names := lambdaNames(cfg); len(names) > 0 {
			f.Critical = true
			f.Msg = fmt.Sprintf("Lambda layer %q carries bytecode naming %s", name, strings.Join(names, ", "))
		}
		w.add(f)
	case "TFOpLambda", "SlicingOpLambda":
		fn := ""
		if cfg != nil {
			fn, _ = cfg["function"].(string)
		}
		if tfOpDangerous(fn) {
			w.add(Finding{Kind: TFOpLambda, Critical: strings.Contains(fn, "py_func") || strings.Contains(fn, "numpy_function") || strings.Contains(fn, "py_function"), Path: where,
				Msg:      fmt.Sprintf("TFOpLambda layer %q calls tf.%s, which reaches the file system or Python", name, fn),
				Evidence: fmt.Sprintf("%s: function %s", where, fn)})
		}
	case "function":
		// Keras 3 serialises a plain function as its module and name;
		// the name is in config as a string.
		fn, _ := v["config"].(string)
		if dangerousCallables[fn] || dangerousCallables[reg] {
			w.add(Finding{Kind: UnsafeCall, Critical: true, Path: where,
				Msg:      fmt.Sprintf("config names the callable %s.%s as a function: load_model resolves and later calls it", mod, fn),
				Evidence: fmt.Sprintf("%s: module %s, class_name function, config %s", where, mod, fn)})
			return
		}
	}
	// A Keras 2 Lambda config carries its function's "module" (usually
	// __main__) without a class_name: that is the Lambda's payload, reported
	// above, not an object to import.
	if mod != "" && cls != "" && !kerasModule(mod) {
		w.add(Finding{Kind: ForeignModule, Path: where,
			Msg:      fmt.Sprintf("object %q names module %q: load_model imports it", cls, mod),
			Evidence: fmt.Sprintf("%s: module %s, class_name %s", where, mod, cls)})
	}
}

// kerasModule: Keras itself, and the modules its configs name for data.
func kerasModule(m string) bool {
	root, _, _ := strings.Cut(m, ".")
	switch root {
	case "keras", "keras_core", "keras_nlp", "keras_hub", "keras_cv", "tf_keras", "builtins", "numpy":
		return true
	}
	return false
}

// tfOpDangerous: the TensorFlow APIs a TFOpLambda may name that read or
// write files, or run Python.
func tfOpDangerous(fn string) bool {
	for _, p := range []string{"io.", "compat.v1.io.", "compat.v1.py_func", "py_function", "numpy_function", "py_func", "debugging.experimental", "summary.", "saved_model.", "data.experimental.save", "compat.v1.gfile", "print"} {
		if strings.HasPrefix(fn, p) || fn == strings.TrimSuffix(p, ".") {
			return true
		}
	}
	// io.decode_* / io.parse_* are pure tensor ops.
	return false
}

var identRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_.]{1,40}`)

// suspiciousNames are identifiers whose presence in a Lambda's marshalled
// code object means it reaches the system, not only tensors.
var suspiciousNames = []string{"os", "system", "popen", "subprocess", "eval", "exec", "__import__", "__builtins__", "open", "socket", "urllib", "requests", "getattr", "compile", "shutil", "pty", "check_output"}

// lambdaNames decodes a Lambda's function payload (base64 of a marshalled
// code object, as Keras 2 and 3 write it) and returns the suspicious names
// its name and constant tables hold. Marshal stores names as plain
// strings, so no unmarshalling is needed.
func lambdaNames(cfg map[string]any) []string {
	var payloads []string
	var collect func(v any, depth int)
	collect = func(v any, depth int) {
		if depth > 6 {
			return
		}
		switch v := v.(type) {
		case string:
			if len(v) > 16 {
				payloads = append(payloads, v)
			}
		case []any:
			for _, x := range v {
				collect(x, depth+1)
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				collect(v[k], depth+1)
			}
		}
	}
	if cfg != nil {
		collect(cfg["function"], 0)
	}
	found := map[string]bool{}
	for _, p := range payloads {
		// Keras 2 wraps the base64 at 76 columns (codecs "base64").
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(p), ""))
		if err != nil {
			b = []byte(p) // source or an unknown encoding: look at it as is
		}
		for _, id := range identRE.FindAll(b, -1) {
			for part := range strings.SplitSeq(string(id), ".") {
				if slices.Contains(suspiciousNames, part) {
					found[part] = true
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(found))
}

// Bypass is a Keras release line with a published safe_mode bypass.
type Bypass struct {
	CVE   string
	Fixed [3]int
	What  string
}

// Bypasses lists the known safe_mode bypasses of Keras 3, by fixed version.
var Bypasses = []Bypass{
	{"CVE-2025-1550", [3]int{3, 9, 0}, "config.json can import and call arbitrary module functions despite safe_mode"},
	{"CVE-2025-9905", [3]int{3, 11, 3}, "safe_mode is ignored for legacy .h5 files, so their Lambda layers run"},
	{"CVE-2025-9906", [3]int{3, 11, 3}, "config.json can call enable_unsafe_deserialization and then load a Lambda"},
	{"CVE-2026-1462", [3]int{3, 14, 0}, "a further safe_mode bypass fixed in 3.14"},
}

// VulnerableVersion returns the bypasses that affect the Keras version v
// (as metadata.json or the .h5 keras_version attribute gives it). Keras 2
// before 2.13 has no safe_mode at all (CVE-2024-3660).
func VulnerableVersion(v string) []string {
	p, ok := parseVersion(v)
	if !ok {
		return nil
	}
	if p[0] < 2 || p[0] == 2 && p[1] < 13 {
		return []string{"CVE-2024-3660"}
	}
	if p[0] != 3 {
		return nil
	}
	var out []string
	for _, b := range Bypasses {
		if less(p, b.Fixed) {
			out = append(out, b.CVE)
		}
	}
	return out
}

func parseVersion(v string) ([3]int, bool) {
	var p [3]int
	parts := strings.SplitN(strings.TrimSpace(v), ".", 3)
	if len(parts) < 2 {
		return p, false
	}
	for i, s := range parts {
		// "3.11.0rc1", "2.15.0-tf": keep the leading digits.
		j := 0
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 0 {
			return p, false
		}
		p[i], _ = strconv.Atoi(s[:j])
	}
	return p, true
}

func less(a, b [3]int) bool {
	for i := range 3 {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
