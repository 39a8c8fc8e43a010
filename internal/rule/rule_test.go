package rule

import "testing"

func TestSeverityRoundTrip(t *testing.T) {
	for _, s := range Severities() {
		got, err := ParseSeverity(s.String())
		if err != nil || got != s {
			t.Errorf("%v: %v %v", s, got, err)
		}
	}
	if s, err := ParseSeverity("HIGH"); err != nil || s != High {
		t.Errorf("case-insensitive: %v %v", s, err)
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("unknown severity accepted")
	}
	if !(Critical > High && High > Medium && Medium > Low && Low > Info) {
		t.Error("severities out of order")
	}
	if !(HighConfidence > MediumConfidence && MediumConfidence > LowConfidence) {
		t.Error("confidences out of order")
	}
}

func TestValidate(t *testing.T) {
	good := Rule{ID: "code/x", Title: "t", Summary: "s", Fix: "f", Phase: Development, Techniques: []string{"AML.T0011.000"}, Severity: High}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Rule){
		"no slash":     func(r *Rule) { r.ID = "codex" },
		"two slashes":  func(r *Rule) { r.ID = "a/b/c" },
		"no title":     func(r *Rule) { r.Title = "" },
		"no fix":       func(r *Rule) { r.Fix = "" },
		"bad phase":    func(r *Rule) { r.Phase = "testing" },
		"no technique": func(r *Rule) { r.Techniques = nil },
	} {
		r := good
		mutate(&r)
		if r.Validate() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	note := good
	note.Techniques, note.Severity = nil, Info
	if err := note.Validate(); err != nil {
		t.Errorf("info note without technique: %v", err)
	}
}
