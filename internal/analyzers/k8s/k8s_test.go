package k8s

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

// TestGraph pins every asset and edge of one InferenceService's graph.
func TestGraph(t *testing.T) { analysistest.Run(t, "testdata/graph", Analyzer) }
