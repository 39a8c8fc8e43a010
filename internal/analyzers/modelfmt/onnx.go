package modelfmt

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/onnx"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

const maxExternalReports = 5

func (p *pass) onnx() {
	m, err := onnx.Read(p.Reader, p.Size)
	if err != nil {
		p.malformed("", 0, "ONNX model does not decode: "+err.Error())
	}
	if m == nil {
		return
	}
	n := 0
	for _, e := range m.Externals {
		why := p.externalEscapes(e.Location)
		if why == "" {
			continue
		}
		if n++; n > maxExternalReports {
			break
		}
		p.report(analysis.Diagnostic{Rule: rules.ONNXExternalData, Location: p.at("", e.Offset),
			Message:  fmt.Sprintf("tensor %q reads its data from %q, %s", e.Tensor, clip(e.Location, 200), why),
			Evidence: "location: " + clip(e.Location, 200)})
	}
	for i, b := range m.BadTensors {
		if i == maxExternalReports {
			break
		}
		p.malformed("", b.Offset, fmt.Sprintf("ONNX tensor %q: %s", b.Tensor, b.Msg))
	}
	for _, d := range sortedKeys(m.Domains) {
		if onnx.StandardDomain(d) || m.LocalDomains[d] {
			continue
		}
		p.report(analysis.Diagnostic{Rule: rules.ONNXCustomOp, Location: p.at("", 0),
			Message:  fmt.Sprintf("operator domain %q (%s) needs a native custom-op library", d, plural(m.Domains[d], "node", "nodes")),
			Evidence: "domain: " + d})
	}
	for _, k := range sortedKeys(m.Metadata) {
		p.checkMetadata("metadata_props", 0, k, m.Metadata[k], "ONNX metadata_props key")
	}
}

// externalEscapes says why an external data location leaves the model's
// directory, or "". ONNX resolves it against the directory of the model
// file; the checks are lexical first (absolute, drive, UNC, '..', URL),
// then, for a location that stays inside, whether it is a symbolic link
// in the scanned tree (never followed).
func (p *pass) externalEscapes(loc string) string {
	l := strings.ReplaceAll(loc, "\\", "/")
	switch {
	case loc == "":
		return ""
	case strings.HasPrefix(l, "/"):
		return "an absolute path outside the model directory"
	case len(l) >= 2 && l[1] == ':':
		return "an absolute Windows path outside the model directory"
	case strings.Contains(l, "://"):
		return "a URL, not a file beside the model"
	case strings.HasPrefix(l, "~"):
		return "a home-directory path outside the model directory"
	}
	clean := path.Clean(l)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "a path that climbs out of the model directory with '..'"
	}
	if p.File.From != nil {
		return "" // an object in a bucket: no local file, and objects are never links
	}
	full := filepath.Join(filepath.Dir(filepath.FromSlash(p.File.Path)), filepath.FromSlash(clean))
	if fi, err := os.Lstat(full); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return "a symbolic link, which the loader follows to wherever it points"
	}
	return ""
}

func (p *pass) tfGraph(savedModel bool) {
	read := readGraphDef
	what := "GraphDef"
	if savedModel {
		read, what = readSavedModel, "SavedModel"
	}
	ops, err := read(p)
	if err != nil {
		p.malformed("", 0, fmt.Sprintf("TensorFlow %s does not decode: %v", what, err))
	}
	for _, o := range ops {
		d, ok := dangerousOp(o.Op)
		if !ok {
			continue
		}
		where := "the graph"
		if o.Function != "" {
			where = fmt.Sprintf("function %q", o.Function)
		}
		diag := analysis.Diagnostic{Rule: rules.TFGraphDangerousOp, Location: p.at("", o.Offset),
			Message:  fmt.Sprintf("%s op %s (node %q in %s, %s) %s", what, o.Op, o.Node, where, plural(o.Count, "use", "uses"), d.What),
			Evidence: "op: " + o.Op}
		if d.Critical {
			diag.Severity, diag.SeverityReason = rule.Critical, "runs Python code in the serving process"
		}
		p.report(diag)
	}
}
