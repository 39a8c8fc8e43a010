package atlas

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

// testRules stand in for mlsec's rules.
var testRules = []*rule.Rule{
	{ID: "supply/hub-model-unpinned", Title: "Hub model without a pinned revision", Techniques: []string{"AML.T0010"}, Mitigations: []string{"AML.M0014"}},
	{ID: "supply/requirement-unpinned", Title: "Python requirement without a pinned version", Techniques: []string{"AML.T0010.001"}, Mitigations: []string{"AML.M0013"}},
	{ID: "model/pickle-load", Title: "Model loaded with pickle", Techniques: []string{"AML.T0011.000", "AML.T0010.003"}},
	{ID: "ci/secret-in-log", Title: "Secret printed to a CI log", Techniques: []string{"AML.T0055"}},
}

func render(t *testing.T, id string, rules []*rule.Rule) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteObject(&b, Default(), id, rules); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestWriteObjectTechnique(t *testing.T) {
	out := render(t, "AML.T0010", testRules)
	wantLines(t, out,
		"AML.T0010  AI Supply Chain Compromise\n",
		"  URL             https://atlas.mitre.org/techniques/AML.T0010\n",
		"  Former name     ML Supply Chain Compromise\n",
		"  Sub-techniques  AML.T0010.000  Hardware\n",
		"                  AML.T0010.001  AI Software\n",
		"  Tactics         AML.TA0004  Initial Access\n",
		"  MLOps phases    design, development, operations\n",
		"AML.M0014  Verify AI Artifacts\n",
		"\nDetected by mlsec rules:\n",
		// Direct detectors first, then those through a sub-technique.
		"  supply/hub-model-unpinned    Hub model without a pinned revision\n"+
			"  model/pickle-load            Model loaded with pickle  (via AML.T0010.003)\n"+
			"  supply/requirement-unpinned  Python requirement without a pinned version  (via AML.T0010.001)\n",
	)
	if strings.Contains(out, "ci/secret-in-log") {
		t.Errorf("unrelated rule listed:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " ") {
			t.Errorf("trailing space in %q", line)
		}
	}
}

func TestWriteObjectSubtechnique(t *testing.T) {
	out := render(t, "aml.t0010.001", testRules)
	wantLines(t, out,
		"AML.T0010.001  AI Supply Chain Compromise: AI Software\n",
		"sub-technique, MITRE ATLAS 5.6.0",
		"  Parent        AML.T0010  AI Supply Chain Compromise\n",
		"  Tactics       AML.TA0004  Initial Access\n",
		"  MLOps phases  design, development\n",
		"AML.M0013  Code Signing",
		"  supply/requirement-unpinned  Python requirement without a pinned version\n",
	)
}

func TestWriteObjectNoDetector(t *testing.T) {
	out := render(t, "AML.T0000", testRules)
	wantLines(t, out, "no mlsec rule detects this technique yet", "MLOps phases    design\n")
	out = render(t, "AML.T0000.000", nil)
	wantLines(t, out, "no mlsec rule detects this technique yet")
}

func TestWriteObjectMitigationAndTactic(t *testing.T) {
	out := render(t, "AML.M0013", testRules)
	wantLines(t, out,
		"AML.M0013  Code Signing\n",
		"  Techniques  AML.T0010.001  AI Supply Chain Compromise: AI Software\n",
		"              AML.T0018      Manipulate AI Model\n",
		"mlsec rules that point to this mitigation:\n  supply/requirement-unpinned",
	)
	out = render(t, "AML.TA0004", testRules)
	wantLines(t, out,
		"AML.TA0004  Initial Access\n",
		"  * AML.T0010        AI Supply Chain Compromise\n",
		"      AML.T0010.000  Hardware\n",
		"  *   AML.T0010.001  AI Software\n",
		"    AML.T0049        Exploit Public-Facing Application\n",
	)
	out = render(t, "AML.TA0000", nil)
	wantLines(t, out, "Former name  ML Model Access\n", "AML.T0040  AI Model Inference API Access")
}

func TestWriteObjectUnknown(t *testing.T) {
	err := WriteObject(&bytes.Buffer{}, Default(), "AML.T9999", nil)
	if err == nil || !strings.Contains(err.Error(), `"AML.T9999"`) {
		t.Fatalf("WriteObject(unknown) = %v", err)
	}
}

func TestWriteSearch(t *testing.T) {
	c := Default()
	var b bytes.Buffer
	WriteSearch(&b, c, c.Search("ML supply chain"), nil)
	got := b.String()
	want := `AML.T0010  technique  AI Supply Chain Compromise  (formerly "ML Supply Chain Compromise")` + "\n"
	if !strings.HasPrefix(got, want) || strings.Count(got, "\n") != 3 {
		t.Errorf("WriteSearch =\n%s\nwant 3 lines starting\n%s", got, want)
	}
	// Techniques some rule detects are marked, with a legend.
	b.Reset()
	r := &rule.Rule{ID: "model/x", Techniques: []string{"AML.T0010"}}
	WriteSearch(&b, c, c.Search("ML supply chain"), []*rule.Rule{r, {ID: "model/y", Techniques: []string{"AML.T0010"}}})
	if got := b.String(); !strings.HasPrefix(got, `AML.T0010  technique  2 rules  AI Supply Chain Compromise`) || !strings.Contains(got, "N mlsec rules detect") {
		t.Errorf("marked WriteSearch =\n%s", got)
	}
	b.Reset()
	WriteSearch(&b, c, c.Search("zebra"), nil)
	if b.String() != "No ATLAS tactic, technique or mitigation matches.\n" {
		t.Errorf("WriteSearch(none) = %q", b.String())
	}
}

func TestWriteSummary(t *testing.T) {
	var b bytes.Buffer
	WriteSummary(&b, Default(), testRules)
	out := b.String()
	wantLines(t, out,
		"MITRE ATLAS 5.6.0: 16 tactics, 170 techniques (101 top-level, 69 sub-techniques), 35 mitigations\n",
		"mlsec rules cover 6 of the 170 techniques and sub-techniques (5 named by a rule, 1 through a sub-technique)\n",
		"\nInitial Access (AML.TA0004)\n"+
			"  AML.T0010      AI Supply Chain Compromise               supply/hub-model-unpinned\n"+
			"  AML.T0010.001  AI Supply Chain Compromise: AI Software  supply/requirement-unpinned\n"+
			"  AML.T0010.003  AI Supply Chain Compromise: Model        model/pickle-load\n",
		"\nCredential Access (AML.TA0013)\n  AML.T0055  Unsecured Credentials  ci/secret-in-log\n",
		"Tactics no rule covers yet:\n  Reconnaissance, Resource Development,",
	)
	// Tactics appear in matrix order.
	if strings.Index(out, "Initial Access (") > strings.Index(out, "Execution (") {
		t.Errorf("tactics out of matrix order:\n%s", out)
	}
}

func TestWrapList(t *testing.T) {
	got := wrapList([]string{"aaaa", "bbbb", "cccc", "dd"}, 10)
	want := []string{"aaaa, bbbb,", "cccc, dd"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrapList = %q, want %q", got, want)
	}
}
