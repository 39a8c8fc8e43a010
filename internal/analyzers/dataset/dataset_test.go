package dataset

import (
	"testing"

	"github.com/mlsec/mlsec/internal/analysistest"
)

// testdata/err: mlsec.lock.json was written by `mlsec data lock
// data/train.csv data/ok.csv data/gone.csv` in that directory; then
// data/train.csv was edited (label renamed target, one label changed) and
// data/gone.csv deleted. (Files added to a locked directory are tested in
// package lock: here the sidecars would be added files themselves.) The
// sidecars NAME.want hold the findings expected at files that cannot
// carry comments. train.py reads datasets covered by the lock, by
// features.dvc and by a dvc.yaml output, and two that nothing covers.
func TestErr(t *testing.T) { analysistest.Run(t, "testdata/err", Analyzer) }

// testdata/ok: a lock file that matches its files, and code that reads
// only what the lock covers.
func TestOK(t *testing.T) { analysistest.Run(t, "testdata/ok", Analyzer) }

// testdata/tampered: the lock file's entries were edited without
// recomputing its root digest.
func TestTampered(t *testing.T) { analysistest.Run(t, "testdata/tampered", Analyzer) }

// testdata/bad: a lock file that is not JSON is reported as not analyzed
// (with --strict the scan fails): the integrity check could not be made.
func TestBad(t *testing.T) { analysistest.Run(t, "testdata/bad", Analyzer) }
