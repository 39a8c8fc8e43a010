// Package dataset brings training-data integrity into the scan: a lock
// file written by `mlsec data lock` is verified against the files it
// records (a changed file is a finding), the datasets training code reads
// are recorded as assets, and a dataset read by code that no lock file,
// .dvc file or dvc.yaml output covers is a missing-mitigation finding
// (dataset provenance, ATLAS AML.M0025).
package dataset

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/pyparse"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/dataset/lock"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/objstore"
	"github.com/mlsec/mlsec/internal/python"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Analyzer is the dataset analyzer.
var Analyzer = &analysis.Analyzer{
	Name: "dataset",
	Doc: "Verifies dataset lock files (mlsec.lock.json, *.mlsec-lock) against the files they record, records the local " +
		"datasets Python code reads (pandas, numpy, Hugging Face datasets, polars, pyarrow), and reports those that no " +
		"lock file, .dvc file or dvc.yaml output covers.",
	Kinds: []source.Kind{source.DataLock, source.Python},
	// The data diff rules are reported by `mlsec data diff`, which
	// compares two files named on its command line and so has no place in
	// a scan; they are declared here, with the family's other rules, so
	// that every rule has one owner for --enable/--disable, SARIF
	// metadata and the docs.
	Rules: []*rule.Rule{rules.DatasetChanged, rules.SchemaChanged, rules.DatasetUnlocked,
		rules.DataDrift, rules.LabelShift, rules.PoisoningRowsChanged, rules.PoisoningLabelFlip, rules.PoisoningDuplicates,
		rules.PoisoningConcentration, rules.PoisoningOutOfRange, rules.PoisoningTrigger},
	Requires: []*analysis.Analyzer{pyparse.Analyzer},
	Run:      run,
	Project:  project,
}

// readAttr marks a dataset asset met as a read in code.
const readAttr = "read-by"

func run(p *analysis.Pass) error {
	switch p.Kind {
	case source.DataLock:
		return runLock(p)
	case source.Python:
		m, err := pyparse.Module(p)
		if err != nil {
			return err
		}
		runPython(p, m)
		return nil
	}
	return fmt.Errorf("dataset analyzer: unexpected file kind %q", p.Kind)
}

// runLock verifies a lock file. The dataset files are read from disk
// beside the lock file, not through the scan's index: datasets are
// usually .gitignored (DVC adds them there), and a lock exists exactly to
// check them. They are opened without following links, and hashing stops
// at the per-file time limit (the lock is then reported not fully analyzed).
func runLock(p *analysis.Pass) error {
	m, err := lock.Parse(p.File.Path, p.Content)
	if err != nil {
		return err
	}
	dir := finding.Dir(p.File.Path)
	at := func(rel string) string { return finding.Join(dir, rel) }
	for _, e := range m.Files {
		a := asset.New(finding.AssetDataset, "file:"+at(e.Path))
		a.Attrs = map[string]string{"locked-by": p.File.Path, "sha256": e.SHA256}
		p.AddAsset(a)
	}
	var changes []lock.Change
	if p.File.From != nil {
		// A lock file in a bucket: its dataset is the objects beside it.
		st, ok := objstore.StoreOf(p.File.From)
		if !ok {
			return fmt.Errorf("verifying the locked files: %s is not in an object store this scan reads", p.File.Path)
		}
		changes, _, err = lock.VerifyBeside(p.Context, st, path.Dir(p.File.OS), m, lock.Options{Jobs: 1})
	} else {
		changes, _, err = lock.Verify(p.Context, filepath.Dir(p.File.OS), m, lock.Options{Jobs: 1})
	}
	if err != nil {
		if p.Canceled() {
			return fmt.Errorf("verifying the locked files stopped at the per-file time limit (--file-timeout): %v", err)
		}
		return fmt.Errorf("verifying the locked files: %v", err)
	}
	for _, c := range changes {
		if c.Kind == lock.Tampered {
			p.Report(analysis.Diagnostic{Rule: rules.DatasetChanged, Location: finding.Location{Path: p.File.Path}, Message: c.Message, Evidence: "root digest mismatch"})
			continue
		}
		id := finding.AssetID(finding.AssetDataset, "file:"+at(c.Path))
		rel := []finding.Related{{Location: finding.Location{Path: p.File.Path}, Message: "the lock file that records it"}}
		p.Report(analysis.Diagnostic{Rule: rules.DatasetChanged, Location: finding.Location{Path: at(c.Path)},
			Message: c.Message, Evidence: string(c.Kind) + " " + c.Path, Assets: []string{id}, Related: rel})
		for _, s := range c.SchemaChanges {
			p.Report(analysis.Diagnostic{Rule: rules.SchemaChanged, Location: finding.Location{Path: at(c.Path)},
				Message: s + " since the lock was written", Evidence: s, Assets: []string{id}, Related: rel})
		}
	}
	return nil
}

// dataExts are the extensions of files read as training data.
var dataExts = []string{".csv", ".tsv", ".tab", ".jsonl", ".ndjson", ".parquet", ".pq", ".feather", ".arrow", ".orc", ".avro", ".xlsx", ".xls", ".npy", ".npz", ".txt", ".json", ".h5", ".hdf5", ".tfrecord", ".tfrecords"}

// readers are the last names of calls whose path argument is a dataset,
// with the keyword that names it.
var readers = map[string]string{
	"read_csv": "filepath_or_buffer", "read_table": "filepath_or_buffer", "read_parquet": "path", "read_json": "path_or_buf",
	"read_feather": "path", "read_excel": "io", "read_orc": "path", "read_hdf": "path_or_buf", "read_ndjson": "source",
	"scan_csv": "source", "scan_parquet": "source", "scan_ndjson": "source", "loadtxt": "fname", "genfromtxt": "fname",
	"load_dataset": "data_files", "TFRecordDataset": "filenames", "read_files": "path",
}

// runPython records each local dataset a call reads by a literal path.
func runPython(p *analysis.Pass, m *python.Module) {
	for i := range m.Calls {
		c := &m.Calls[i]
		name := c.Resolved
		if name == "" {
			name = c.Callee
		}
		last := name[strings.LastIndexByte(name, '.')+1:]
		kw, ok := readers[last]
		if !ok {
			continue
		}
		a := c.Arg(kw)
		if last == "load_dataset" {
			// load_dataset("csv", data_files="train.csv"): the builder's
			// name is the first argument, the files are data_files.
			if a == nil {
				continue
			}
		} else if a == nil {
			a = c.Positional(0)
		}
		if a == nil || a.Kind != python.StringLit {
			continue
		}
		v := a.Value
		if strings.Contains(v, "://") || strings.ContainsAny(v, "*?[{}$%") || path.IsAbs(v) || !hasDataExt(v) {
			continue
		}
		clean := path.Clean(v)
		if strings.HasPrefix(clean, "../") {
			continue // outside the project: nothing here could cover it
		}
		as := asset.New(finding.AssetDataset, "file:"+clean)
		as.Attrs = map[string]string{readAttr: p.File.Path}
		as.Locations = []finding.Location{p.Line(a.Line, a.Col)}
		p.AddAsset(as)
	}
}

func hasDataExt(v string) bool {
	return slices.Contains(dataExts, strings.ToLower(path.Ext(v)))
}
