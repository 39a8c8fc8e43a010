// Package reporttest validates reports against their schemas in tests: the
// SARIF 2.1.0 JSON schema (sarif-2.1.0.json beside this file, see
// SARIF-SCHEMA-SOURCE.md) and mlsec's own JSON schema
// (docs/schema/mlsec-v1.schema.json). Only tests import it.
package reporttest

import (
	"bytes"
	_ "embed"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed sarif-2.1.0.json
var sarifSchema []byte

var (
	once          sync.Once
	sarifS, jsonS *jsonschema.Schema
	compileErr    error
)

func compile() {
	c := jsonschema.NewCompiler()
	add := func(name string, b []byte) {
		if compileErr != nil {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			compileErr = err
			return
		}
		compileErr = c.AddResource(name, doc)
	}
	_, here, _, _ := runtime.Caller(0)
	mlsecSchema, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "..", "docs", "schema", "mlsec-v1.schema.json"))
	if err != nil {
		compileErr = err
		return
	}
	add("sarif-2.1.0.json", sarifSchema)
	add("mlsec-v1.schema.json", mlsecSchema)
	if compileErr != nil {
		return
	}
	if sarifS, compileErr = c.Compile("sarif-2.1.0.json"); compileErr != nil {
		return
	}
	jsonS, compileErr = c.Compile("mlsec-v1.schema.json")
}

func validate(t testing.TB, s **jsonschema.Schema, what string, b []byte) {
	t.Helper()
	once.Do(compile)
	if compileErr != nil {
		t.Fatal(compileErr)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s is not JSON: %v", what, err)
	}
	if err := (*s).Validate(v); err != nil {
		t.Fatalf("%s does not validate against its schema: %v", what, err)
	}
}

// SARIF fails the test unless b is a valid SARIF 2.1.0 log.
func SARIF(t testing.TB, b []byte) { t.Helper(); validate(t, &sarifS, "SARIF", b) }

// JSON fails the test unless b is a valid mlsec/v1 JSON report.
func JSON(t testing.TB, b []byte) { t.Helper(); validate(t, &jsonS, "JSON report", b) }
