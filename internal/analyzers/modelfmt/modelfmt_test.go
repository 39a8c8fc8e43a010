package modelfmt

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/hdf5"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// Benign files written by real libraries (h5py, onnx) or to the published
// specifications must give no finding; see testdata/gen/gen.py.
func TestBenign(t *testing.T) {
	analysistest.Run(t, "testdata/ok", Analyzer, ConfigAnalyzer)
}

// Every technique's malicious fixture, with its exact findings in the
// .want sidecars and want comments.
func TestMalicious(t *testing.T) {
	analysistest.Run(t, "testdata/bad", Analyzer, ConfigAnalyzer)
}

// An external data file that is a symbolic link (never followed, only
// seen with Lstat) makes onnx.load read wherever it points.
func TestExternalDataSymlink(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/ok/external/linear_ext.onnx")
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "linear_ext.onnx"), b, 0o644))
	must(os.Symlink("/etc/hostname", filepath.Join(dir, "linear_ext.onnx.data")))
	must(os.WriteFile(filepath.Join(dir, "linear_ext.onnx.want"),
		[]byte(`model/onnx-external-data severity=high message="\"linear_ext\.onnx\.data\", a symbolic link"`+"\n"), 0o644))
	analysistest.Run(t, dir, Analyzer)
}

// A Keras .h5 whose model_config lies past the scanned window is reported
// as not fully analyzed; a plain HDF5 data file of the same size is not.
func TestH5PastWindow(t *testing.T) {
	dir := t.TempDir()
	write := func(name, marker string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(hdf5.Signature + strings.Repeat("\x00", 24) + marker); err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(hdf5.MaxScan + 1<<20); err != nil { // sparse
			t.Fatal(err)
		}
	}
	write("keras_model.h5", "model_weights\x00layer_names\x00")
	write("features.h5", "train\x00labels\x00")
	// Sidecars for both, so the harness does not read 65 MiB looking for
	// want comments; the empty one expects no finding.
	if err := os.WriteFile(filepath.Join(dir, "features.h5.want"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "keras_model.h5.want"),
		[]byte("model/scan-limit severity=medium message=\"no Keras model_config in the first 64 MiB\"\nfailed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, Analyzer)
}

// TestSkopsModelAllow: the user's model.allow from .mlsec.yaml covers the
// types a skops schema names, as it covers pickle globals; it never
// silences a dangerous callable.
func TestSkopsModelAllow(t *testing.T) {
	run := func(file string, allow ...string) []finding.Finding {
		t.Helper()
		res, err := engine.Run(context.Background(), engine.Options{Paths: []string{filepath.Join("testdata", "bad", file)},
			Analyzers: []*analysis.Analyzer{Analyzer}, Settings: analysis.Settings{ModelAllow: allow}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Findings
	}
	if fs := run("custom_class.skops"); len(fs) != 1 || fs[0].RuleID != rules.SkopsUntrustedType.ID {
		t.Fatalf("without allowlist: %+v", fs)
	}
	if fs := run("custom_class.skops", "acme_fraud.models.*"); len(fs) != 0 {
		t.Errorf("with acme_fraud.models.* allowed: %+v", fs)
	}
	if fs := run("function_transformer_system.skops", "os.*"); len(fs) != 1 || fs[0].Severity != rule.Critical {
		t.Errorf("allowing os.* must not silence os.system: %+v", fs)
	}
}
