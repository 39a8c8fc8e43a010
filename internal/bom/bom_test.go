package bom_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mlsec/mlsec/internal/analyzers"
	"github.com/mlsec/mlsec/internal/bom"
	"github.com/mlsec/mlsec/internal/engine"
)

const example = "../../examples/credit-risk"

func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, n := range []string{"bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "schema", n))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource("http://cyclonedx.org/schema/"+n, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func build(t *testing.T, root string) []byte {
	t.Helper()
	reader, deps := bom.DepsReader()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{root}, Analyzers: append(analyzers.All(), reader), Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bom.Build(context.Background(), bom.Input{Root: root, Result: res, Deps: deps(), Version: "v0.0.0-test",
		Now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := bom.Encode(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type component struct {
	Type               string `json:"type"`
	BOMRef             string `json:"bom-ref"`
	Name               string `json:"name"`
	Version            string `json:"version"`
	PURL               string `json:"purl"`
	Hashes             []struct{ Alg, Content string }
	ModelCard          *json.RawMessage
	Properties         []struct{ Name, Value string }
	ExternalReferences []struct{ Type, URL string }
}

func (c component) prop(name string) string {
	for _, p := range c.Properties {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// TestExampleBOM builds the ML-BOM of the example project, validates it
// against the CycloneDX 1.6 JSON schema and checks what it lists.
func TestExampleBOM(t *testing.T) {
	out := build(t, example)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema(t).Validate(doc); err != nil {
		t.Fatalf("the BOM does not validate against CycloneDX 1.6: %v", err)
	}
	if again := build(t, example); !bytes.Equal(out, again) {
		t.Error("two builds of one project differ")
	}
	var b struct {
		BOMFormat, SpecVersion, SerialNumber string
		Version                              int
		Components                           []component
		ExternalReferences                   []struct{ Type, URL string }
		Formulation                          []struct {
			Workflows []struct{ UID string }
		}
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	if b.BOMFormat != "CycloneDX" || b.SpecVersion != "1.6" || b.Version != 1 {
		t.Errorf("header: %s %s %d", b.BOMFormat, b.SpecVersion, b.Version)
	}
	byRef := map[string]component{}
	for _, c := range b.Components {
		byRef[c.BOMRef] = c
	}
	for file, verdict := range map[string]string{
		"models/scorer-v2-from-hub.pt": "critical", // a pickle that runs code when loaded
		"models/reference.npy":         "critical",
	} {
		c, ok := byRef["model:"+example+"/"+file]
		if !ok {
			t.Errorf("%s: no component", file)
			continue
		}
		raw, _ := os.ReadFile(filepath.Join(example, file))
		sum := sha256.Sum256(raw)
		if c.Type != "machine-learning-model" || c.ModelCard == nil || len(c.Hashes) != 1 || c.Hashes[0].Alg != "SHA-256" ||
			c.Hashes[0].Content != hex.EncodeToString(sum[:]) || c.prop(bom.PropPath) != file || c.prop(bom.PropVerdict) != verdict {
			t.Errorf("%s: %+v", file, c)
		}
	}
	if c := byRef["model:"+example+"/models/scorer-v1.pt"]; c.prop(bom.PropFormat) != "pytorch-zip" {
		t.Errorf("scorer-v1.pt format: %+v", c)
	}
	if c := byRef["pkg:pypi/transformers@4.44.2"]; c.Type != "library" || c.Version != "4.44.2" || c.prop(bom.PropLocation) != "requirements.txt" {
		t.Errorf("transformers: %+v", c)
	}
	if c := byRef["pkg:pypi/torch"]; c.Version != "" || c.prop(bom.PropSpec) != "torch>=2.1" {
		t.Errorf("torch (a range, not pinned): %+v", c)
	}
	if c := byRef["external:hf://example-bank/credit-bert"]; c.Type != "machine-learning-model" || len(c.ExternalReferences) != 1 ||
		c.ExternalReferences[0].URL != "https://huggingface.co/example-bank/credit-bert" {
		t.Errorf("hub model: %+v", c)
	}
	if c := byRef["data-store:s3://example-bank-credit-training"]; c.Type != "data" {
		t.Errorf("training data: %+v", c)
	}
	if _, ok := byRef["data-store:compose:db"]; ok {
		t.Error("a database service listed as a dataset")
	}
	var uids []string
	for _, w := range b.Formulation[0].Workflows {
		uids = append(uids, w.UID)
	}
	if !slices.Contains(uids, "pipeline-step:dvc:train") || !slices.Contains(uids, "workflow:github:.github/workflows/train-on-pr.yml") {
		t.Errorf("formulation: %v", uids)
	}
	if len(b.ExternalReferences) != 1 || b.ExternalReferences[0].URL != "https://pypi.internal.example-bank.com/simple" {
		t.Errorf("external references: %+v", b.ExternalReferences)
	}
}

// TestSchemaRejects makes sure the validator is not vacuous.
func TestSchemaRejects(t *testing.T) {
	s := schema(t)
	for _, bad := range []string{
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"ai-model","name":"x"}]}`,
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library"}]}`,
		`{"bomFormat":"SPDX","specVersion":"1.6"}`,
	} {
		doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(bad)))
		if s.Validate(doc) == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestRequirements(t *testing.T) {
	in := "# pinned\ntorch==2.3.1 --hash=sha256:abc\nNumPy>=1.26 ; python_version>'3.9'\n-r base.txt\n--index-url https://x/simple\n" +
		"Scikit_Learn[alldeps]==1.5.1\ncredit-features @ git+https://github.com/example-bank/credit-features@v1\n./local/pkg\n" +
		"https://example.com/pkg.whl\nfoo \\\n  ==1.0\n"
	var got []string
	for _, d := range bom.ParseRequirements("requirements.txt", []byte(in)) {
		got = append(got, d.Name+"|"+d.Version+"|"+d.Source)
	}
	want := []string{"torch|2.3.1|", "numpy||", "scikit-learn|1.5.1|", "credit-features||git+https://github.com/example-bank/credit-features@v1", "foo|1.0|"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestPyproject(t *testing.T) {
	in := `[project]
name = "scorer"
dependencies = ["transformers==4.44.2", "safetensors>=0.4"]
[project.optional-dependencies]
serve = ["fastapi==0.112.2"]
[tool.poetry.dependencies]
python = "^3.11"
xgboost = "2.1.1"
lightgbm = "^4.5"
feats = { git = "https://github.com/example-bank/feats.git" }
`
	var got []string
	for _, d := range bom.ParsePyproject("pyproject.toml", []byte(in)) {
		got = append(got, d.Name+"|"+d.Version+"|"+d.Source)
	}
	want := []string{"transformers|4.44.2|", "safetensors||", "fastapi|0.112.2|", "feats||git+https://github.com/example-bank/feats.git", "lightgbm||", "xgboost|2.1.1|"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if bom.ParsePyproject("pyproject.toml", []byte("[project\n")) != nil {
		t.Error("invalid TOML gave dependencies")
	}
}

// TestCheck: a BOM written by mlsec, then the files change under it.
func TestCheck(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "models"), 0o755)
	os.WriteFile(filepath.Join(dir, "models", "a.pt"), []byte("weights a"), 0o644)
	sum := sha256.Sum256([]byte("weights a"))
	doc := `{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"type": "machine-learning-model", "name": "a.pt", "hashes": [{"alg": "SHA-256", "content": "` + hex.EncodeToString(sum[:]) + `"}],
   "properties": [{"name": "mlsec:path", "value": "models/a.pt"}]},
  {"type": "machine-learning-model", "name": "x", "hashes": [{"alg": "SHA-256", "content": "00"}],
   "properties": [{"name": "mlsec:path", "value": "../../etc/passwd"}]}]}`
	ms, ok, err := bom.Check(context.Background(), dir, []byte(doc), []string{"models/a.pt", "models/b.safetensors"})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.Kind+" "+m.Path)
	}
	if want := []string{"not-a-file ../../etc/passwd", "unlisted models/b.safetensors"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// Another tool's BOM (no mlsec:path) is not judged.
	if _, ok, _ := bom.Check(context.Background(), dir, []byte(`{"bomFormat":"CycloneDX","components":[{"type":"library","name":"x"}]}`), []string{"models/a.pt"}); ok {
		t.Error("judged a BOM without mlsec components")
	}
}
