// Package provenance checks the provenance records a project keeps beside
// its models: OpenSSF model signatures (model.sig) and the CycloneDX
// ML-BOMs mlsec writes (bom.cdx.json).
//
// A model directory whose signature verifies gets a "signature" attribute
// on its model assets ("verified", with the signer) rather than a finding:
// a finding is something to fix, and an info finding per signed model would
// fill code-scanning alerts and baselines with good news. A signature that
// does not verify, files that differ from a valid signature, and a BOM that
// differs from the files present are findings.
//
// The scan has no trusted key, so a signature is checked against the key or
// certificate its bundle names: that proves the files are the ones the key
// holder signed and that nothing was edited after; whom the key belongs to
// is `mlsec verify --key`'s question. Files are hashed streaming, in
// parallel, and links are reported, never followed.
package provenance

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/bom"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/signing"
)

// Analyzer is the provenance analyzer.
var Analyzer = &analysis.Analyzer{
	Name: "provenance",
	Doc: "Verifies OpenSSF model signatures (model.sig: Sigstore bundle, DSSE, in-toto model signing v1.0) against the key " +
		"they carry and the files present, and checks mlsec's CycloneDX ML-BOMs against the model files they list.",
	Rules:   []*rule.Rule{rules.SignatureInvalid, rules.SignedFilesChanged, rules.BOMMismatch},
	Project: run,
}

func run(p *analysis.ProjectPass) error {
	models := map[string]bool{} // report paths of model-file assets
	for _, a := range p.Assets {
		if a.Kind == finding.AssetModel && len(a.Locations) > 0 && a.Locations[0].Path == a.Name {
			models[a.Name] = true
		}
	}
	for _, f := range p.Index.Files() {
		if p.Context.Err() != nil {
			return p.Context.Err()
		}
		name := path.Base(f.Path)
		if f.From != nil && (name == signing.DefaultName || bom.IsBOMName(name)) {
			// The check hashes the files the manifest names on disk; objects
			// in a bucket are not local files.
			p.NotAnalyzed(f.Path, "signature and AI-BOM manifests in an object store are not verified against the objects; run mlsec verify or mlsec bom on a local copy")
			continue
		}
		switch {
		case name == signing.DefaultName:
			if err := checkSignature(p, f.Path, f.OS, models); err != nil {
				return err
			}
		case bom.IsBOMName(name):
			content, err := p.Index.Read(f)
			if err != nil {
				continue // the scan reports the file as not analyzed
			}
			if err := checkBOM(p, f.Path, f.OS, content, models); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkSignature(p *analysis.ProjectPass, sigPath, sigOS string, models map[string]bool) error {
	dir := finding.Dir(sigPath)
	osDir := strings.TrimSuffix(sigOS, signing.DefaultName)
	if osDir == "" {
		osDir = "."
	}
	invalid := func(why string) {
		p.Report(analysis.Diagnostic{Rule: rules.SignatureInvalid, Location: finding.Location{Path: sigPath},
			Message: fmt.Sprintf("the model signature of %s does not verify: %s", dir, why)})
		annotate(p, dir, models, map[string]string{"signature": "invalid", "signature-file": sigPath})
	}
	b, err := signing.ReadBundle(sigOS)
	if err != nil {
		invalid(err.Error())
		return nil
	}
	res, err := signing.VerifyEnvelope(b, signing.Trust{Embedded: true})
	var se *signing.SignatureError
	if errors.As(err, &se) {
		invalid(se.Reason)
		return nil
	} else if err != nil {
		return err
	}
	if err := signing.CheckFiles(p.Context, osDir, sigOS, res, signing.Options{}); err != nil {
		if errors.As(err, &se) {
			invalid(se.Reason)
			return nil
		}
		if p.Context.Err() != nil {
			return err
		}
		return fmt.Errorf("%s: %w", sigPath, err)
	}
	if len(res.Changes) == 0 {
		annotate(p, dir, models, map[string]string{"signature": "verified", "signer": res.Signer + " (" + res.Method + ")",
			"signature-file": sigPath})
		return nil
	}
	// Every difference is located at the signature, the claim that no
	// longer holds; the file is related. (A file cannot carry the
	// finding: a removed one is gone, and a marker put beside an added
	// one would itself be a file the signature does not cover.)
	for _, c := range res.Changes {
		d := analysis.Diagnostic{Rule: rules.SignedFilesChanged, Location: finding.Location{Path: sigPath}, Evidence: c.Detail}
		if c.Kind != signing.Removed {
			d.Related = []finding.Related{{Location: finding.Location{Path: finding.Join(dir, c.Path)}, Message: string(c.Kind)}}
		}
		switch c.Kind {
		case signing.Modified:
			d.Message = fmt.Sprintf("%s was modified after %s was signed by %s", c.Path, dir, res.Signer)
		case signing.Removed:
			d.Message = fmt.Sprintf("%s was signed as part of %s and is gone", c.Path, dir)
		case signing.Added:
			d.Message = fmt.Sprintf("%s is in the signed model %s but not covered by its signature", c.Path, dir)
			// v1.0 signatures do not record the signer's --ignore-paths,
			// so an uncovered file may have been left out on purpose.
			d.Severity, d.SeverityReason = rule.High, "the signer may have excluded this file with --ignore-paths, which a v1.0 signature does not record"
		case signing.NotFile:
			d.Message = fmt.Sprintf("%s in the signed model %s is a %s; the signing format never follows links", c.Path, dir, c.Detail)
		}
		p.Report(d)
	}
	annotate(p, dir, models, map[string]string{"signature": fmt.Sprintf("files differ (%d)", len(res.Changes)), "signer": res.Signer,
		"signature-file": sigPath})
	return nil
}

// annotate puts the signature's state on the model assets in dir, or on
// the directory when the scan found no model file in it.
func annotate(p *analysis.ProjectPass, dir string, models map[string]bool, attrs map[string]string) {
	var ids []string
	for m := range models {
		if _, ok := bom.RelUnder(dir, m); ok {
			ids = append(ids, m)
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		ids = []string{dir}
	}
	for _, name := range ids {
		a := asset.New(finding.AssetModel, name)
		a.Attrs = attrs
		a.Locations = []finding.Location{{Path: attrs["signature-file"]}}
		p.AddAsset(a)
	}
}

func checkBOM(p *analysis.ProjectPass, bomPath, bomOS string, content []byte, models map[string]bool) error {
	dir := finding.Dir(bomPath)
	osDir := strings.TrimSuffix(bomOS, path.Base(bomOS))
	if osDir == "" {
		osDir = "."
	}
	var present []string
	for m := range models {
		if r, ok := bom.RelUnder(dir, m); ok {
			present = append(present, r)
		}
	}
	sort.Strings(present)
	ms, ok, err := bom.Check(p.Context, osDir, content, present)
	if err != nil {
		return fmt.Errorf("%s: %w", bomPath, err)
	}
	if !ok {
		return nil
	}
	for _, m := range ms {
		d := analysis.Diagnostic{Rule: rules.BOMMismatch, Location: finding.Location{Path: bomPath, Line: m.Line}, Evidence: m.Detail}
		switch m.Kind {
		case "changed":
			d.Message = fmt.Sprintf("%s does not have the SHA-256 the BOM lists", m.Path)
			d.Related = []finding.Related{{Location: finding.Location{Path: finding.Join(dir, m.Path)}, Message: "the file"}}
		case "missing":
			d.Message = fmt.Sprintf("the BOM lists %s, which is not present", m.Path)
		case "unlisted":
			d.Location = finding.Location{Path: finding.Join(dir, m.Path)}
			d.Message = fmt.Sprintf("%s is a model file that %s does not list", m.Path, bomPath)
			d.Related = []finding.Related{{Location: finding.Location{Path: bomPath}, Message: "the BOM"}}
		default:
			d.Message = fmt.Sprintf("the BOM lists %s: %s", m.Path, m.Detail)
		}
		p.Report(d)
	}
	return nil
}
