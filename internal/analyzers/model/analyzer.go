// Package model is the analyzer for model files: the pickle family
// (pickle, PyTorch .pt/.pth/.bin in both the zip and the legacy layout,
// joblib, NumPy object arrays), the containers they come in (zip, tar, gzip,
// 7z, nested to a bounded depth) and the safe tensor formats, which it only
// classifies.
//
// Every file is read through an io.ReaderAt: members are sniffed by content,
// pickle members are streamed through the symbolic pickle machine, and
// tensor data is skipped by length, so memory stays flat whatever the size
// of the checkpoint. Nothing is ever unpickled.
package model

import (
	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/pickle"
	"github.com/mlsec/mlsec/internal/source"
)

// Analyzer finds code execution hidden in model files.
var Analyzer = &analysis.Analyzer{
	Name: "model",
	Doc: "Reads pickle, PyTorch (zip and legacy), joblib, NumPy, Keras and archive files without loading them, " +
		"and reports the callables they would import or run, gadget chains, container tricks that hide members " +
		"from scanners, and whatever could not be fully checked.",
	Kinds:  []source.Kind{source.Model, source.Archive},
	Rules:  Rules,
	Binary: true,
	Run:    run,
}

func run(pass *analysis.Pass) error {
	policy := pickle.UserPolicy(pass.Settings.ModelAllow) // nil: the default policy, built once per process
	a := asset.New(finding.AssetModel, pass.File.Path)
	s := &scanner{
		pass:    pass,
		policy:  policy,
		budget:  newBudget(),
		assetID: a.ID,
	}
	s.scanFile()
	a.Attrs = s.attrs()
	pass.AddAsset(a)
	return nil
}
