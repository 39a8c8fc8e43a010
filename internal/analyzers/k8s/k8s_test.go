package k8s

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

// TestGraph pins every asset and edge of one InferenceService's graph.
func TestGraph(t *testing.T) { analysistest.Run(t, "testdata/graph", Analyzer) }

// TestInference covers inference servers, vector stores and compute
// schedulers, and the routes that publish them (Gateway API, Istio,
// OpenShift, KubeRay headService).
func TestInference(t *testing.T) { analysistest.Run(t, "testdata/inference", Analyzer) }

// TestRBAC covers the RBAC grants of ML workloads' service accounts.
func TestRBAC(t *testing.T) { analysistest.Run(t, "testdata/rbac", Analyzer) }
