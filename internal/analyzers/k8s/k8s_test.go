package k8s

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }
