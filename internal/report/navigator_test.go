package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/mlsec/mlsec/internal/atlas"
)

// validateLayer checks a Navigator layer against the layer format's
// required fields and types (ATT&CK Navigator layer format 4.x: name,
// domain, versions.layer and versions.navigator, techniqueID per
// technique, gradient colors/minValue/maxValue, legend label/color), and
// what the ATLAS Navigator needs on top: domain atlas-atlas and technique
// IDs it knows.
func validateLayer(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("layer is not JSON: %v", err)
	}
	str := func(m map[string]any, key, where string, required bool) string {
		v, ok := m[key]
		if !ok {
			if required {
				t.Errorf("%s: required field %q missing", where, key)
			}
			return ""
		}
		s, ok := v.(string)
		if !ok {
			t.Errorf("%s.%s is %T, want string", where, key, v)
		}
		return s
	}
	num := func(m map[string]any, key, where string, required bool) (float64, bool) {
		v, ok := m[key]
		if !ok {
			if required {
				t.Errorf("%s: required field %q missing", where, key)
			}
			return 0, false
		}
		n, ok := v.(float64)
		if !ok {
			t.Errorf("%s.%s is %T, want number", where, key, v)
		}
		return n, ok
	}
	obj := func(v any, where string) map[string]any {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s is %T, want object", where, v)
		}
		return m
	}
	arr := func(v any, where string) []any {
		a, ok := v.([]any)
		if !ok {
			t.Fatalf("%s is %T, want array", where, v)
		}
		return a
	}
	hex := regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

	if str(doc, "name", "layer", true) == "" {
		t.Error("layer name is empty")
	}
	if d := str(doc, "domain", "layer", true); d != "atlas-atlas" {
		t.Errorf("domain %q, want atlas-atlas", d)
	}
	str(doc, "description", "layer", false)
	versions := obj(doc["versions"], "versions")
	if l := str(versions, "layer", "versions", true); !regexp.MustCompile(`^4\.\d+$`).MatchString(l) {
		t.Errorf("versions.layer %q is not a 4.x layer format", l)
	}
	if n := str(versions, "navigator", "versions", true); !regexp.MustCompile(`^4\.\d+(\.\d+)?$`).MatchString(n) {
		t.Errorf("versions.navigator %q", n)
	}
	if s, ok := num(doc, "sorting", "layer", false); ok && (s < 0 || s > 3 || s != float64(int(s))) {
		t.Errorf("sorting %v is not 0-3", s)
	}
	if v, ok := doc["hideDisabled"]; ok {
		if _, isBool := v.(bool); !isBool {
			t.Errorf("hideDisabled is %T", v)
		}
	}
	g := obj(doc["gradient"], "gradient")
	colors := arr(g["colors"], "gradient.colors")
	if len(colors) < 2 {
		t.Errorf("gradient has %d colours, want at least 2", len(colors))
	}
	for _, c := range colors {
		if s, _ := c.(string); !hex.MatchString(s) {
			t.Errorf("gradient colour %v", c)
		}
	}
	lo, _ := num(g, "minValue", "gradient", true)
	hi, _ := num(g, "maxValue", "gradient", true)
	if hi <= lo {
		t.Errorf("gradient maxValue %v not above minValue %v", hi, lo)
	}
	for i, li := range arr(doc["legendItems"], "legendItems") {
		m := obj(li, "legendItem")
		str(m, "label", "legendItems", true)
		if c := str(m, "color", "legendItems", true); !hex.MatchString(c) {
			t.Errorf("legend item %d colour %q", i, c)
		}
	}
	if md, ok := doc["metadata"]; ok {
		for _, e := range arr(md, "metadata") {
			m := obj(e, "metadata")
			str(m, "name", "metadata", true)
			str(m, "value", "metadata", true)
		}
	}
	cat := atlas.Default()
	for _, te := range arr(doc["techniques"], "techniques") {
		m := obj(te, "technique")
		id := str(m, "techniqueID", "technique", true)
		if cat.Technique(id) == nil {
			t.Errorf("technique %q is not in the ATLAS catalog: the Navigator would reject it", id)
		}
		if s, ok := num(m, "score", id, false); ok && (s < lo || s > hi) {
			t.Errorf("%s: score %v outside the gradient", id, s)
		}
		if _, ok := m["color"]; ok {
			if c := str(m, "color", id, false); !hex.MatchString(c) {
				t.Errorf("%s: colour %q", id, c)
			}
		}
		str(m, "comment", id, false)
		str(m, "tactic", id, false)
		for _, k := range []string{"enabled", "showSubtechniques"} {
			if v, ok := m[k]; ok {
				if _, isBool := v.(bool); !isBool {
					t.Errorf("%s.%s is %T", id, k, v)
				}
			}
		}
		if links, ok := m["links"]; ok {
			for _, l := range arr(links, "links") {
				lm := obj(l, "link")
				str(lm, "label", "link", true)
				if u := str(lm, "url", "link", true); !regexp.MustCompile(`^https://`).MatchString(u) {
					t.Errorf("link URL %q has no protocol", u)
				}
			}
		}
	}
	return doc
}

func TestNavigatorLayer(t *testing.T) {
	r := sample()
	r.Result.Findings[0].Techniques = append(r.Result.Findings[0].Techniques, "AML.T9999") // not in ATLAS
	var b bytes.Buffer
	if err := Write(&b, "navigator", r); err != nil {
		t.Fatal(err)
	}
	doc := validateLayer(t, b.Bytes())
	got := map[string]map[string]any{}
	for _, te := range doc["techniques"].([]any) {
		m := te.(map[string]any)
		got[m["techniqueID"].(string)] = m
	}
	// AML.T0011.000 (critical and high findings) and AML.T0010.003
	// (critical) are scored; their parents are there to open them.
	if len(got) != 4 {
		t.Fatalf("techniques %v, want AML.T0010, AML.T0010.003, AML.T0011, AML.T0011.000", got)
	}
	if s := got["AML.T0011.000"]["score"]; s != 100.0 {
		t.Errorf("AML.T0011.000 score %v, want 100 (critical)", s)
	}
	if c := got["AML.T0011.000"]["comment"]; c != "CRITICAL model/pickle-dangerous-call proj/model.pt!archive/data.pkl@0x1f: calls os.system\nHIGH code/pickle-load proj/nb.ipynb:33:16 (cell 2, line 2): pickle.load of a file" {
		t.Errorf("comment %q", c)
	}
	if got["AML.T0011"]["showSubtechniques"] != true || got["AML.T0011"]["score"] != nil {
		t.Errorf("parent entry %v: want showSubtechniques and no score", got["AML.T0011"])
	}
	if _, ok := got["AML.T9999"]; ok {
		t.Error("unknown technique written to the layer")
	}
	if d := doc["description"].(string); !regexp.MustCompile(`left out: AML\.T9999`).MatchString(d) {
		t.Errorf("description does not name the unknown technique: %q", d)
	}
}

func TestNavigatorEmptyScan(t *testing.T) {
	r := sample()
	r.Result.Findings = nil
	var b bytes.Buffer
	if err := Write(&b, "navigator", r); err != nil {
		t.Fatal(err)
	}
	doc := validateLayer(t, b.Bytes())
	if n := len(doc["techniques"].([]any)); n != 0 {
		t.Errorf("%d techniques for a clean scan", n)
	}
}
