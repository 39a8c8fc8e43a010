package code

import (
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/finding"
)

func TestPositives(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestNegatives(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

func TestInvalidNotebook(t *testing.T) {
	res := analysistest.Run(t, "testdata/bad", Analyzer)
	if len(res.NotAnalyzed) != 1 || res.NotAnalyzed[0].Reason != "could not be parsed: invalid notebook JSON at line 5: invalid character 'o' after array element" {
		t.Errorf("not analyzed = %+v", res.NotAnalyzed)
	}
}

// TestNotebookLocations checks the cell, the line in the cell and the file
// column that notebook findings carry.
func TestNotebookLocations(t *testing.T) {
	res := analysistest.Run(t, "testdata/err", Analyzer)
	want := map[string]finding.Location{
		"code/pandas-read-pickle": {Line: 28, Column: 11, Cell: 3, CellLine: 2},
		"code/pickle-load":        {Line: 49, Column: 18, Cell: 5, CellLine: 2},
		"code/torch-load-unsafe":  {Line: 59, Column: 14, Cell: 6, CellLine: 1},
		"code/joblib-load":        {Line: 81, Column: 73, Cell: 8, CellLine: 3},
	}
	n := 0
	for _, f := range res.Findings {
		if f.Location.Path != "testdata/err/explore_churn.ipynb" {
			continue
		}
		n++
		w, ok := want[f.RuleID]
		if !ok {
			continue
		}
		got := f.Location
		if got.Line != w.Line || got.Column != w.Column || got.Cell != w.Cell || got.CellLine != w.CellLine {
			t.Errorf("%s at %s, want line %d col %d cell %d line %d", f.RuleID, got, w.Line, w.Column, w.Cell, w.CellLine)
		}
	}
	if n != 6 {
		t.Errorf("%d findings in the notebook, want 6", n)
	}
}

// TestVerdicts checks severities, confidences and assets that depend on the
// arguments rather than on the rule.
func TestVerdicts(t *testing.T) {
	res := analysistest.Run(t, "testdata/err", Analyzer)
	type want struct {
		sev, conf string
		asset     string
	}
	cases := map[string]want{
		`T.load("ckpt/last.pt")`: {"high", "medium", ""},
		`T.load("ckpt/last.pt", map_location="cpu", weights_only=False,)`: {"high", "high", ""},
		`yaml.load(f, Loader=yaml.FullLoader)`:                            {"medium", "high", ""},
		`yaml.load(f)`:                                                    {"high", "medium", ""},
		`AutoModelForCausalLM.from_pretrained("acme-labs/falcon-ft", trust_remote_code=True,)`:             {"high", "high", "external:hf://acme-labs/falcon-ft"},
		`load_dataset("acme-labs/tickets", trust_remote_code=True)`:                                        {"high", "high", "external:hf://datasets/acme-labs/tickets"},
		`torch.hub.load("intel-isl/MiDaS:v3_1", "DPT_Large")`:                                              {"high", "high", "external:github:intel-isl/midas"},
		`AutoModelForCausalLM.from_pretrained("acme-labs/gpt-small", use_safetensors=False)`:               {"medium", "medium", "external:hf://acme-labs/gpt-small"},
		`AutoModelForCausalLM.from_pretrained("acme-labs/falcon-ft", trust_remote_code=True, revision="3f`: {"medium", "high", "external:hf://acme-labs/falcon-ft"},
		`pd.read_pickle("S3://Acme-Features/baseline.pkl")`:                                                {"high", "high", "data-store:s3://acme-features"},
		`joblib.load("https://acmeml.blob.core.windows.net/calibration/iso.joblib")`:                       {"high", "high", "data-store:az://acmeml/calibration"},
	}
	seen := map[string]bool{}
	for _, f := range res.Findings {
		key := ""
		for k := range cases {
			if strings.HasPrefix(f.Evidence, k) {
				key = k
			}
		}
		if key == "" {
			continue
		}
		w := cases[key]
		seen[key] = true
		if f.Severity.String() != w.sev || f.Confidence.String() != w.conf {
			t.Errorf("%s: severity %s confidence %s, want %s %s", f.Evidence, f.Severity, f.Confidence, w.sev, w.conf)
		}
		if w.asset != "" && (len(f.Assets) != 1 || f.Assets[0] != w.asset) {
			t.Errorf("%s: assets %v, want %s", f.Evidence, f.Assets, w.asset)
		}
	}
	for e := range cases {
		if !seen[e] {
			t.Errorf("no finding with evidence %s", e)
		}
	}
	assets := map[string]bool{}
	for _, a := range res.Assets {
		assets[a.ID] = true
	}
	for _, id := range []string{"external:hf://acme-labs/falcon-ft", "external:hf://datasets/acme-labs/tickets", "external:hf://acme-labs/enc"} {
		if !assets[id] {
			t.Errorf("asset %s not recorded; have %v", id, assets)
		}
	}
}

func TestNegativesSuppressed(t *testing.T) {
	res := analysistest.Run(t, "testdata/ok", Analyzer)
	if res.Suppressed != 2 {
		t.Errorf("suppressed %d findings, want the 2 inline-ignored pickle loads", res.Suppressed)
	}
}
