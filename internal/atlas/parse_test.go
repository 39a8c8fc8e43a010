package atlas

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// realYAML is the ATLAS.yaml the embedded catalog is generated from, when the
// shared data folder is present next to the repository.
const realYAML = "../../../shared/atlas/ATLAS.yaml"

// loadReal parses the real ATLAS.yaml, or skips the test without it.
func loadReal(t *testing.T) *Catalog {
	t.Helper()
	if _, err := os.Stat(realYAML); err != nil {
		t.Skipf("ATLAS.yaml not available: %v", err)
	}
	c, err := Load(realYAML)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseRealFile(t *testing.T) {
	c := loadReal(t)
	if c.Version != "5.6.0" {
		t.Errorf("Version = %q, want 5.6.0", c.Version)
	}
	if len(c.Tactics) != 16 || len(c.Techniques) != 170 || len(c.Mitigations) != 35 {
		t.Errorf("got %d tactics, %d techniques, %d mitigations; want 16, 170, 35",
			len(c.Tactics), len(c.Techniques), len(c.Mitigations))
	}
	subs := 0
	for _, tech := range c.Techniques {
		if tech.Parent != "" {
			subs++
		}
		if len(tech.Tactics) == 0 {
			t.Errorf("%s has no tactic", tech.ID)
		}
	}
	if subs != 69 {
		t.Errorf("%d sub-techniques, want 69", subs)
	}

	sc := c.Technique("AML.T0010")
	if sc == nil || sc.Name != "AI Supply Chain Compromise" || sc.URL != "https://atlas.mitre.org/techniques/AML.T0010" {
		t.Fatalf("AML.T0010 = %+v", sc)
	}
	if !slices.Equal(sc.Tactics, []string{"AML.TA0004"}) {
		t.Errorf("AML.T0010 tactics = %v, want [AML.TA0004]", sc.Tactics)
	}
	if !slices.Equal(sc.Aliases, []string{"ML Supply Chain Compromise"}) {
		t.Errorf("AML.T0010 aliases = %v", sc.Aliases)
	}
	want := []string{"AML.T0010.000", "AML.T0010.001", "AML.T0010.002", "AML.T0010.003", "AML.T0010.004", "AML.T0010.005"}
	if !slices.Equal(sc.Subtechniques, want) {
		t.Errorf("AML.T0010 sub-techniques = %v, want %v", sc.Subtechniques, want)
	}
	if !slices.Equal(sc.Mitigations, []string{"AML.M0014", "AML.M0020", "AML.M0023"}) {
		t.Errorf("AML.T0010 mitigations = %v, want AML.M0014, AML.M0020, AML.M0023", sc.Mitigations)
	}
	if !slices.Contains(c.Technique("AML.T0010.001").Mitigations, "AML.M0013") { // Code Signing
		t.Errorf("AML.T0010.001 mitigations %v lack AML.M0013", c.Technique("AML.T0010.001").Mitigations)
	}
	sw := c.Technique("AML.T0010.001")
	if sw.Parent != "AML.T0010" || !slices.Equal(sw.Tactics, []string{"AML.TA0004"}) || sw.Kind() != "sub-technique" {
		t.Errorf("AML.T0010.001 = %+v, want parent AML.T0010 and inherited tactic AML.TA0004", sw)
	}
	// Tactics keep their matrix order, whatever their IDs.
	if tac := c.TacticsInMatrixOrder(); tac[0].Name != "Reconnaissance" || tac[15].Name != "Impact" {
		t.Errorf("matrix order starts %s, ends %s", tac[0].Name, tac[15].Name)
	}
	if tac := c.Tactic("AML.TA0000"); tac.Name != "AI Model Access" || !slices.Equal(tac.Aliases, []string{"ML Model Access"}) ||
		!slices.Contains(tac.Techniques, "AML.T0040") || tac.URL != "https://atlas.mitre.org/tactics/AML.TA0000" {
		t.Errorf("AML.TA0000 = %+v", tac)
	}
	if m := c.Mitigation("AML.M0013"); m.URL != "https://atlas.mitre.org/mitigations/AML.M0013" {
		t.Errorf("AML.M0013 URL = %q", m.URL)
	}
	// The "AI Artifacts" rename, in a sub-technique and a mitigation.
	if a := c.Technique("AML.T0112.001").Aliases; !slices.Equal(a, []string{"ML Artifacts"}) {
		t.Errorf("AML.T0112.001 aliases = %v, want [ML Artifacts]", a)
	}
	if a := c.Technique("AML.T0047").Aliases; !slices.Equal(a, []string{"ML-Enabled Product or Service"}) {
		t.Errorf("AML.T0047 aliases = %v", a)
	}
	if a := c.Technique("AML.T0000").Aliases; a != nil {
		t.Errorf("AML.T0000 has no AI in its name but aliases %v", a)
	}
}

// In 5.6.0 the last technique link of AML.M0018 and AML.M0034 sits under
// ml-lifecycle, after the lifecycle phase names.
func TestMisplacedMitigationLinks(t *testing.T) {
	c := loadReal(t)
	for _, tc := range []struct{ mit, tech string }{
		{"AML.M0018", "AML.T0052.001"},
		{"AML.M0034", "AML.T0052.001"},
		{"AML.M0018", "AML.T0011"}, // a regular link, for contrast
		{"AML.M0034", "AML.T0088"},
	} {
		m := c.Mitigation(tc.mit)
		if m == nil || !slices.Contains(m.Techniques, tc.tech) {
			t.Errorf("%s techniques = %v, want %s among them", tc.mit, m.Techniques, tc.tech)
		}
		if !slices.Contains(c.Technique(tc.tech).Mitigations, tc.mit) {
			t.Errorf("%s mitigations = %v, want %s among them", tc.tech, c.Technique(tc.tech).Mitigations, tc.mit)
		}
	}
	// Lifecycle phase names are not technique links.
	for _, m := range c.Mitigations {
		for _, id := range m.Techniques {
			if c.Technique(id) == nil {
				t.Errorf("%s links unknown %q", m.ID, id)
			}
		}
	}
}

func TestEmbeddedMatchesFreshParse(t *testing.T) {
	fresh := loadReal(t)
	emb := Default()
	if !reflect.DeepEqual(emb, fresh) {
		var a, b bytes.Buffer
		WriteJSON(&a, emb)
		WriteJSON(&b, fresh)
		t.Fatalf("embedded catalog.json differs from a fresh parse of %s (%d vs %d bytes of JSON); run go generate ./internal/atlas",
			realYAML, a.Len(), b.Len())
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, fresh); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), catalogJSON) {
		t.Error("catalog.json is not byte-for-byte what the generator writes; run go generate ./internal/atlas")
	}
}

// tolerant is a hand-written legacy file with the quirks ParseYAML must
// survive: unknown keys, links as strings or maps, malformed entries,
// duplicates, links to nowhere and top-level sections.
const tolerant = `
id: ATLAS
version: 9.9.9
future-key: {anything: [1, 2]}
matrices:
- id: ATLAS
  tactics:
  - id: AML.TA0004
    name: Initial Access
  - id: AML.TA0002
    name: Reconnaissance
  - name: no id
  - id: AML.TA0004
    name: Duplicate
  - just a string
  techniques:
  - id: AML.T0010
    name: AI Supply Chain Compromise
    tactics: [AML.TA0004, {id: AML.TA0002}, AML.TA9999]
  - id: AML.T0010.001
    name: AI Software
    subtechnique-of: {id: AML.T0010}
  - id: AML.T0010.002
    name: Data
  - id: AML.T0010.003
    name: Model
    subtechnique-of: AML.T9999
    tactics: [AML.TA0002]
  - id: not-an-id
    name: Broken
  - id: AML.T0011
  - [1, 2]
  mitigations:
  - id: AML.M0013
    name: Code Signing
    techniques:
    - id: AML.T0010
      use: text
    - AML.T0010.001
    - {use: no id}
    - 42
    - id: AML.T4242
    ml-lifecycle:
    - Deployment
    - id: AML.T0010.002
    - AML.T0010.003
techniques:
- id: AML.T0049
  name: Exploit Public-Facing Application
  tactics: AML.TA0004
`

func TestParseTolerant(t *testing.T) {
	c, err := ParseYAML(strings.NewReader(tolerant))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range c.objects() {
		ids = append(ids, o.objectID())
	}
	want := []string{"AML.TA0002", "AML.TA0004", "AML.T0010", "AML.T0010.001", "AML.T0010.002", "AML.T0010.003", "AML.T0049", "AML.M0013"}
	if !slices.Equal(ids, want) {
		t.Errorf("objects = %v, want %v", ids, want)
	}
	if c.Version != "9.9.9" || c.Tactic("AML.TA0004").Name != "Initial Access" {
		t.Errorf("version %q, AML.TA0004 %q", c.Version, c.Tactic("AML.TA0004").Name)
	}
	// Matrix order, not ID order; the unknown tactic is dropped.
	if got := c.Technique("AML.T0010").Tactics; !slices.Equal(got, []string{"AML.TA0004", "AML.TA0002"}) {
		t.Errorf("AML.T0010 tactics = %v", got)
	}
	// Parent from subtechnique-of as a map, from the ID when missing or unknown.
	for _, id := range []string{"AML.T0010.001", "AML.T0010.002", "AML.T0010.003"} {
		if p := c.Technique(id).Parent; p != "AML.T0010" {
			t.Errorf("%s parent = %q, want AML.T0010", id, p)
		}
	}
	if got := c.Technique("AML.T0010.002").Tactics; !slices.Equal(got, []string{"AML.TA0004", "AML.TA0002"}) {
		t.Errorf("AML.T0010.002 inherited tactics = %v", got)
	}
	if got := c.Technique("AML.T0010.003").Tactics; !slices.Equal(got, []string{"AML.TA0002"}) {
		t.Errorf("AML.T0010.003 own tactics = %v", got)
	}
	if got := c.Tactic("AML.TA0004").Techniques; !slices.Equal(got, []string{"AML.T0010", "AML.T0049"}) {
		t.Errorf("AML.TA0004 techniques = %v", got)
	}
	wantLinks := []string{"AML.T0010", "AML.T0010.001", "AML.T0010.002", "AML.T0010.003"}
	if got := c.Mitigation("AML.M0013").Techniques; !slices.Equal(got, wantLinks) {
		t.Errorf("AML.M0013 techniques = %v, want %v", got, wantLinks)
	}
	if got := c.Technique("AML.T0010.003").Mitigations; !slices.Equal(got, []string{"AML.M0013"}) {
		t.Errorf("AML.T0010.003 mitigations = %v", got)
	}
	if c.Technique("AML.T0011") != nil {
		t.Error("technique without a name was kept")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"malformed", "version: 5.6.0\nmatrices:\n- id: ATLAS\n  techniques: [\n", "invalid YAML"},
		{"bad indentation", "version: 1\n  techniques:\n - id: x\n", "invalid YAML"},
		{"empty", "", "empty"},
		{"not a mapping", "- a\n- b\n", "not a mapping"},
		{"no techniques", "id: ATLAS\nversion: 5.6.0\nmatrices:\n- id: ATLAS\n  tactics:\n  - {id: AML.TA0002, name: Reconnaissance}\n  techniques: []\n", "no techniques"},
		{"only malformed techniques", "matrices:\n- techniques:\n  - {id: T0010, name: x}\n  - {name: y}\n", "no techniques"},
		{"format 6", "format: 6.0.0\nobjects: []\n", "no techniques"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseYAML(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ParseYAML = %v, %v; want error containing %q", c, err, tc.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yaml")
	if err == nil || !strings.Contains(err.Error(), "does-not-exist.yaml") {
		t.Fatalf("Load = %v, want an error naming the file", err)
	}
}

func TestAliasBomb(t *testing.T) {
	// Anchors and aliases must not be expanded into a blow-up.
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 30; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("matrices:\n- techniques:\n  - {id: AML.T0010, name: X, tactics: *a29}\n")
	c, err := ParseYAML(strings.NewReader(b.String()))
	if err != nil || len(c.Techniques) != 1 {
		t.Fatalf("ParseYAML = %v, %v", c, err)
	}
}
