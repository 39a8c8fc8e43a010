package config

import (
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

func TestMalformed(t *testing.T) {
	res := analysistest.Run(t, "testdata/bad", Analyzer)
	for _, f := range res.Failed {
		if !strings.Contains(f.Reason, "line") && !strings.Contains(f.Reason, ":") {
			t.Errorf("%s: failure reason %q does not name a line", f.Path, f.Reason)
		}
	}
}

func TestAliasBomb(t *testing.T) {
	start := time.Now()
	analysistest.Run(t, "testdata/bomb", Analyzer)
	// A hang guard, not a speed target: expanded, the bomb is billions of nodes.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("alias bomb took %v", d)
	}
}
