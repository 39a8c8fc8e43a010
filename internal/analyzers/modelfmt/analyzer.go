// Package modelfmt is the analyzer for the model formats that run code
// without a pickle: safetensors and GGUF headers and metadata, GGUF and
// Hugging Face chat templates (Jinja), Keras .keras and legacy .h5
// configs, ONNX graphs and their external data, TensorFlow SavedModel and
// GraphDef ops, and Hydra / OmegaConf `_target_` configs.
//
// Binary files are read through an io.ReaderAt with bounded reads (headers
// only, tensor data is skipped by offset), so a file of any size is
// scanned in time and memory that depend on its header, not its weights.
// Nothing is loaded, rendered or imported.
package modelfmt

import (
	"fmt"
	"path"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/format"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Rules lists every rule the binary analyzer reports.
var Rules = []*rule.Rule{
	rules.ModelHeaderMalformed, rules.ModelMetadataCode, rules.ChatTemplateInjection, rules.KerasCode,
	rules.KerasUnsafeConfig, rules.KerasVulnerableVersion, rules.ONNXExternalData, rules.ONNXCustomOp,
	rules.TFGraphDangerousOp, rules.TorchScriptUnsafeOp, rules.ScanLimit, rules.SkopsUntrustedType,
}

// Analyzer reads model files of the non-pickle formats.
var Analyzer = &analysis.Analyzer{
	Name: "modelfmt",
	Doc: "Reads safetensors, GGUF, Keras (.keras, .h5), ONNX and TensorFlow SavedModel/GraphDef files without a framework " +
		"and reports malformed headers, code in metadata, Jinja sandbox escapes in chat templates, Keras configs that run code " +
		"or come from Keras releases with safe_mode bypasses, ONNX external data outside the model directory and custom " +
		"operator domains, and TensorFlow ops that touch files or call Python.",
	Kinds:  []source.Kind{source.Model},
	Rules:  Rules,
	Binary: true,
	Run:    run,
}

// ConfigAnalyzer reads the text configs that drive model loading:
// tokenizer_config.json chat templates and Hydra / OmegaConf `_target_`.
var ConfigAnalyzer = &analysis.Analyzer{
	Name:  "modelconfig",
	Doc:   "Reads tokenizer_config.json chat templates for Jinja sandbox escapes, and Hydra / OmegaConf / NeMo YAML and JSON configs for `_target_` callables that run code.",
	Kinds: []source.Kind{source.JSON, source.YAML},
	Rules: []*rule.Rule{rules.ChatTemplateInjection, rules.ConfigTarget},
	Run:   runConfig,
}

type pass struct {
	*analysis.Pass
	assetID string
}

func (p *pass) report(d analysis.Diagnostic) {
	if d.Location.Path == "" {
		d.Location.Path = p.File.Path
	}
	d.Assets = append(d.Assets, p.assetID)
	p.Report(d)
}

func run(ap *analysis.Pass) error {
	a := asset.New(finding.AssetModel, ap.File.Path)
	p := &pass{Pass: ap, assetID: a.ID}
	name := strings.ToLower(path.Base(ap.File.Path))
	ext := path.Ext(name)
	head := make([]byte, format.HeadLen)
	n, _ := ap.Reader.ReadAt(head, 0)
	head = head[:n]
	f := format.Sniff(head)
	kind := ""
	switch {
	case f == format.GGUF || ext == ".gguf":
		kind = "gguf"
		p.gguf()
	case ext == ".safetensors" || f == format.Safetensors && format.SafetensorsFits(head, ap.Size):
		kind = "safetensors"
		p.safetensors()
	case ext == ".keras" && f == format.Zip:
		kind = "keras"
		p.kerasZip()
	case f == format.HDF5 && (ext == ".h5" || ext == ".hdf5" || ext == ".keras"):
		kind = "keras-h5"
		p.kerasH5()
	case ext == ".onnx" || f == format.ONNX:
		kind = "onnx"
		p.onnx()
	case ext == ".pb" || f == format.TFSavedModel || f == format.TFGraphDef:
		kind = "tensorflow"
		p.tfGraph(name == "saved_model.pb" || f == format.TFSavedModel)
	case ext == ".skops" && f == format.Zip:
		kind = "skops"
		p.skops()
	case f == format.Zip && p.torchScript():
		kind = "torchscript"
	default:
		// Pickles, archives and the rest are the model analyzer's.
		return nil
	}
	a.Attrs = map[string]string{"format": kind}
	ap.AddAsset(a)
	return nil
}

// at is a location at a byte offset, optionally inside a named member
// (an archive member, an HDF5 attribute or a GGUF key). Offset 0 means
// no meaningful offset: the engine merges findings of one rule at one
// offset into the most severe, which is wanted for one template's or one
// node's several findings, and not for unrelated ones.
func (p *pass) at(member string, off int64) finding.Location {
	return finding.Location{Path: p.File.Path, Member: member, Offset: off, HasOff: off > 0}
}

func (p *pass) malformed(member string, off int64, msg string) {
	p.report(analysis.Diagnostic{Rule: rules.ModelHeaderMalformed, Location: p.at(member, off), Message: msg})
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
