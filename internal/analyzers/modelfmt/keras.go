package modelfmt

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/hdf5"
	"github.com/mlsec/mlsec/internal/keras"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// maxKerasJSON bounds config.json and metadata.json as read from a .keras
// zip; the read is cut there whatever size the zip declares, so a
// deflate bomb costs at most this much.
const maxKerasJSON = 32 << 20

// kerasZip reads a .keras archive's config.json and metadata.json. Lambda
// layers and foreign modules in a .keras config are the model analyzer's
// (model/keras-code); this reports what it does not: TFOpLambda file and
// Python ops, builtin callables, enable_unsafe_deserialization, and the
// Keras version.
func (p *pass) kerasZip() {
	z, err := zip.NewReader(p.Reader, p.Size)
	if err != nil {
		return // the model analyzer reports unreadable archives
	}
	var cfg, meta []byte
	for _, f := range z.File {
		switch f.Name {
		case "config.json":
			cfg = readMember(f)
		case "metadata.json":
			meta = readMember(f)
		}
	}
	version := ""
	if meta != nil {
		var m struct {
			KerasVersion string `json:"keras_version"`
		}
		if json.Unmarshal(meta, &m) == nil {
			version = m.KerasVersion
		}
	}
	var fs []keras.Finding
	if cfg != nil {
		fs, _ = keras.Walk(cfg) // invalid JSON: the model analyzer says so
	}
	code := false
	for _, f := range fs {
		if f.Kind == keras.Lambda || f.Kind == keras.ForeignModule {
			code = true
			continue
		}
		p.kerasFinding("config.json", 0, f)
		code = true
	}
	p.kerasVersion("metadata.json", 0, version, code)
}

func readMember(f *zip.File) []byte {
	rc, err := f.Open()
	if err != nil {
		return nil
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxKerasJSON))
	if err != nil && len(b) == 0 {
		return nil
	}
	return b
}

// kerasH5 reads a legacy .h5 model's model_config and keras_version.
func (p *pass) kerasH5() {
	k, err := hdf5.ScanKeras(p.Reader, p.Size)
	if err != nil {
		return
	}
	code := false
	for _, d := range k.Configs {
		fs, err := keras.Walk(d.JSON)
		if err != nil {
			continue
		}
		for _, f := range fs {
			p.kerasFinding("model_config", 0, f)
			code = true
		}
	}
	p.kerasVersion("keras_version", 0, k.KerasVersion, code)
	if k.Limited {
		p.report(analysis.Diagnostic{Rule: rules.ScanLimit, Location: p.at("", 0), Inconclusive: true,
			Message: fmt.Sprintf("more than %d MiB of candidate Keras configs in this HDF5 file; the rest were not decoded", hdf5.MaxDecode>>20)})
	}
	// A Keras file whose config is past the window cannot be cleared; a
	// plain HDF5 data file (no Keras names) is not a model to check.
	if k.Partial && k.Marked && len(k.Configs) == 0 && !strings.HasSuffix(strings.ToLower(p.File.Path), ".weights.h5") {
		p.report(analysis.Diagnostic{Rule: rules.ScanLimit, Location: p.at("", 0), Inconclusive: true,
			Message: fmt.Sprintf("no Keras model_config in the first %d MiB of this HDF5 file; the rest was not searched", hdf5.MaxScan>>20)})
	}
}

func (p *pass) kerasFinding(member string, off int64, f keras.Finding) {
	d := analysis.Diagnostic{Location: p.at(member, off), Message: f.Msg, Evidence: f.Evidence}
	switch f.Kind {
	case keras.Lambda, keras.ForeignModule:
		d.Rule = rules.KerasCode
	default:
		d.Rule = rules.KerasUnsafeConfig
	}
	if f.Critical {
		d.Severity, d.SeverityReason = rule.Critical, "names process, file or code-execution functions directly"
	}
	p.report(d)
}

func (p *pass) kerasVersion(member string, off int64, v string, code bool) {
	cves := keras.VulnerableVersion(v)
	if len(cves) == 0 {
		return
	}
	d := analysis.Diagnostic{Rule: rules.KerasVulnerableVersion, Location: p.at(member, off),
		Message:  fmt.Sprintf("written by Keras %s, affected by %s", v, strings.Join(cves, ", ")),
		Evidence: "keras_version: " + v}
	if code {
		d.Severity, d.SeverityReason = rule.High, "the same file carries code that the bypass would let run"
	}
	p.report(d)
}
