package container

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

func TestMalformed(t *testing.T) {
	res := analysistest.Run(t, "testdata/bad", Analyzer)
	for _, f := range res.Failed {
		if !strings.Contains(f.Reason, "line") {
			t.Errorf("%s: failure reason %q does not name a line", f.Path, f.Reason)
		}
	}
}

// TestAliasBomb checks that a billion-laughs compose file costs no more
// than its own text: the analyzer never expands aliases.
func TestAliasBomb(t *testing.T) {
	start := time.Now()
	analysistest.Run(t, "testdata/bomb", Analyzer)
	// A hang guard, not a speed target: expanded, the bomb is billions of nodes.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("alias bomb took %v", d)
	}
}

// TestTorchServeSeverity checks that a published management API is
// critical on a TorchServe release without authentication, high otherwise.
func TestTorchServeSeverity(t *testing.T) {
	res := analysistest.Run(t, "testdata/err", Analyzer)
	want := map[int]rule.Severity{10: rule.Critical, 16: rule.High}
	for _, f := range res.Findings {
		if filepath.Base(f.Location.Path) != "serving-compose.yaml" {
			continue
		}
		if sev, ok := want[f.Location.Line]; !ok || f.Severity != sev {
			t.Errorf("line %d: severity %s, want %s", f.Location.Line, f.Severity, sev)
		}
		delete(want, f.Location.Line)
	}
	if len(want) > 0 {
		t.Errorf("missing findings at %v", want)
	}
}

// TestSharedImageOneFinding checks that an image used by several compose
// services is one finding whose other uses are related locations, and that
// a raised severity says why.
func TestSharedImageOneFinding(t *testing.T) {
	res := analysistest.Run(t, "testdata/err", Analyzer)
	var shared, raised bool
	for _, f := range res.Findings {
		if filepath.Base(f.Location.Path) != "shared-image-compose.yaml" || f.RuleID != rules.ImageNotPinned.ID {
			continue
		}
		switch f.Location.Line {
		case 6:
			shared = true
			if len(f.Related) != 1 || f.Related[0].Location.Line != 9 || !strings.Contains(f.Related[0].Message, `"worker-b"`) {
				t.Errorf("shared image: related %+v, want worker-b at line 9", f.Related)
			}
		case 12:
			raised = true
			if !strings.Contains(f.SeverityReason, "vLLM") {
				t.Errorf("vLLM image: severity reason %q does not name the server", f.SeverityReason)
			}
		}
	}
	if !shared || !raised {
		t.Errorf("findings missing: shared %v, raised %v", shared, raised)
	}
}

// TestGenAI covers inference servers, vector stores, compute schedulers and
// orchestrators published by compose, with the settings that close them.
func TestGenAI(t *testing.T) { analysistest.Run(t, "testdata/genai", Analyzer) }

// TestEnvDefault checks credential-like variables set to ${VAR:-default}:
// a real-looking default is high on a published service and medium
// otherwise; a placeholder default is nothing.
func TestEnvDefault(t *testing.T) {
	for _, dir := range []string{"published", "internal", "placeholder"} {
		t.Run(dir, func(t *testing.T) { analysistest.Run(t, "testdata/envdefault/"+dir, Analyzer) })
	}
}
