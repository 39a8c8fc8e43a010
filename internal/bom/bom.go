// Package bom writes a CycloneDX 1.6 ML-BOM (an AI bill of materials,
// ATLAS AML.M0023) of a scanned project: each model as a
// machine-learning-model component with its model card, SHA-256 and mlsec's
// verdict; datasets and data stores as data components; Python
// dependencies as libraries with package URLs; hub models and package
// indexes as external references; pipelines and CI workflows in the
// formulation.
//
// The components come from the scan's assets, so the BOM lists what the
// scan found and judged; nothing is loaded or imported to build it.
// Model files are hashed with internal/digest (streaming, links never
// followed); their architecture is read from the config.json beside them
// when there is one, as Hugging Face checkpoints have.
package bom

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/mlsec/mlsec/internal/digest"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
)

// Property names mlsec puts on components.
const (
	PropPath     = "mlsec:path"     // a file's path relative to the BOM's project root
	PropFormat   = "mlsec:format"   // model file format as mlsec identified it
	PropVerdict  = "mlsec:verdict"  // worst severity of the asset's findings, or "clean"
	PropFindings = "mlsec:findings" // the rules that found something, comma-separated
	PropAsset    = "mlsec:asset"    // the scan's asset ID
	PropSpec     = "mlsec:requirement"
	PropLocation = "mlsec:declared-in"
)

// Input is what a BOM is built from.
type Input struct {
	Root    string         // the scanned project directory
	Result  *result.Result // the scan
	Deps    []Dep          // from DepsReader
	Version string         // mlsec's version, for metadata.tools
	Now     time.Time      // the BOM's timestamp; zero leaves it out
	Jobs    int            // files hashed at once
}

// Build makes the BOM.
func Build(ctx context.Context, in Input) (*cdx.BOM, error) {
	b := cdx.NewBOM()
	b.SpecVersion = cdx.SpecVersion1_6
	absRoot, err := filepath.Abs(in.Root)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(absRoot)
	b.Metadata = &cdx.Metadata{
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: "mlsec", Version: in.Version,
			ExternalReferences: &[]cdx.ExternalReference{{Type: cdx.ERTypeVCS, URL: "https://github.com/mlsec/mlsec"}},
		}}},
		Component: &cdx.Component{BOMRef: "project", Type: cdx.ComponentTypeApplication, Name: name},
	}
	if !in.Now.IsZero() {
		b.Metadata.Timestamp = in.Now.UTC().Format(time.RFC3339)
	}

	verdicts := verdictsOf(in.Result)
	var comps []cdx.Component
	var files []digest.File
	fileComp := map[int]int{} // files index -> comps index
	var workflows []cdx.Workflow
	var refs []cdx.ExternalReference

	for _, a := range in.Result.Assets {
		switch a.Kind {
		case finding.AssetModel:
			c := cdx.Component{BOMRef: a.ID, Type: cdx.ComponentTypeMachineLearningModel, Name: a.Name}
			props := []cdx.Property{{Name: PropAsset, Value: a.ID}}
			card := &cdx.MLModelCard{BOMRef: a.ID + "#model-card"}
			if local, rel, size, ok := localFile(absRoot, a); ok {
				c.Name = path.Base(rel)
				props = append(props, cdx.Property{Name: PropPath, Value: rel})
				files = append(files, digest.File{Rel: rel, OS: local, Size: size})
				fileComp[len(files)-1] = len(comps)
				if arch, family := architecture(local); arch != "" || family != "" {
					card.ModelParameters = &cdx.MLModelParameters{ModelArchitecture: arch, ArchitectureFamily: family}
				}
			} else if u := webURL(a.Name); u != "" {
				c.ExternalReferences = &[]cdx.ExternalReference{{Type: cdx.ERTypeDistribution, URL: u}}
			}
			if f := a.Attrs["format"]; f != "" {
				props = append(props, cdx.Property{Name: PropFormat, Value: f})
			}
			c.ModelCard = card
			c.Properties = withVerdict(props, verdicts[a.ID])
			comps = append(comps, c)
		case finding.AssetDataset, finding.AssetDataStore:
			if a.Kind == finding.AssetDataStore && !strings.Contains(a.Name, "://") {
				continue // a database service, not a dataset location
			}
			d := cdx.ComponentData{Type: cdx.ComponentDataTypeDataset, Name: a.Name}
			if strings.Contains(a.Name, "://") {
				d.Contents = &cdx.ComponentDataContents{URL: a.Name}
			}
			if a.Attrs["public"] == "true" {
				d.Classification = "public"
			}
			c := cdx.Component{BOMRef: a.ID, Type: cdx.ComponentTypeData, Name: a.Name, Data: &[]cdx.ComponentData{d}}
			c.Properties = withVerdict([]cdx.Property{{Name: PropAsset, Value: a.ID}}, verdicts[a.ID])
			comps = append(comps, c)
		case finding.AssetExternal:
			if hub, ok := strings.CutPrefix(a.Name, "hf://"); ok {
				typ, u := cdx.ComponentTypeMachineLearningModel, "https://huggingface.co/"+hub
				if strings.HasPrefix(hub, "datasets/") {
					typ = cdx.ComponentTypeData
				}
				c := cdx.Component{BOMRef: a.ID, Type: typ, Name: a.Name,
					ExternalReferences: &[]cdx.ExternalReference{{Type: cdx.ERTypeDistribution, URL: u, Comment: "Hugging Face Hub repository"}}}
				if typ == cdx.ComponentTypeData {
					c.Data = &[]cdx.ComponentData{{Type: cdx.ComponentDataTypeDataset, Name: a.Name, Contents: &cdx.ComponentDataContents{URL: u}}}
				} else {
					c.ModelCard = &cdx.MLModelCard{BOMRef: a.ID + "#model-card"}
				}
				c.Properties = withVerdict([]cdx.Property{{Name: PropAsset, Value: a.ID}}, verdicts[a.ID])
				comps = append(comps, c)
				continue
			}
			if a.Attrs["role"] != "" && webURL(a.Name) != "" {
				refs = append(refs, cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: a.Name, Comment: "Python package index (" + a.Attrs["role"] + ")"})
			}
		case finding.AssetPipelineStep, finding.AssetWorkflow:
			tt := cdx.TaskTypeOther
			if a.Kind == finding.AssetWorkflow {
				tt = cdx.TaskTypeBuild
			}
			w := cdx.Workflow{BOMRef: "formulation:" + a.ID, UID: a.ID, Name: a.Name, TaskTypes: &[]cdx.TaskType{tt}}
			if len(a.Locations) > 0 {
				w.Description = "declared in " + a.Locations[0].Path
			}
			workflows = append(workflows, w)
		}
	}

	if err := digest.Hash(ctx, files, digest.Options{Jobs: in.Jobs}); err != nil {
		return nil, err
	}
	for i, f := range files {
		c := &comps[fileComp[i]]
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: f.Hex()}}
	}

	for _, d := range in.Deps {
		c := cdx.Component{Type: cdx.ComponentTypeLibrary, Name: d.Name, Version: d.Version}
		p := "pkg:pypi/" + d.Name
		if d.Version != "" {
			p += "@" + url.PathEscape(d.Version)
		}
		if d.Source != "" {
			p += "?vcs_url=" + url.QueryEscape(d.Source)
			c.ExternalReferences = &[]cdx.ExternalReference{{Type: cdx.ERTypeVCS, URL: d.Source}}
		}
		c.PackageURL, c.BOMRef = p, p
		c.Properties = &[]cdx.Property{{Name: PropSpec, Value: d.Spec}, {Name: PropLocation, Value: relTo(absRoot, d.File)}}
		comps = append(comps, c)
	}

	sort.SliceStable(comps, func(i, j int) bool {
		if comps[i].Type != comps[j].Type {
			return comps[i].Type < comps[j].Type
		}
		return comps[i].BOMRef < comps[j].BOMRef
	})
	b.Components = &comps
	if len(refs) > 0 {
		b.ExternalReferences = &refs
	}
	if len(workflows) > 0 {
		b.Formulation = &[]cdx.Formula{{BOMRef: "formulation", Workflows: &workflows}}
	}
	b.SerialNumber = serial(b)
	return b, nil
}

// Encode writes the BOM as CycloneDX 1.6 JSON.
func Encode(w io.Writer, b *cdx.BOM) error {
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	return enc.EncodeVersion(b, cdx.SpecVersion1_6)
}

// serial derives the serial number from the content, so the same project
// gives the same BOM (a version-5-style UUID over the components).
func serial(b *cdx.BOM) string {
	j, _ := json.Marshal(b.Components)
	s := sha256.Sum256(j)
	s[6] = s[6]&0x0f | 0x50
	s[8] = s[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

type verdict struct {
	worst rule.Severity
	rules []string
}

func verdictsOf(res *result.Result) map[string]*verdict {
	v := map[string]*verdict{}
	add := func(id string, f finding.Finding) {
		x := v[id]
		if x == nil {
			x = &verdict{worst: f.Severity}
			v[id] = x
		}
		x.worst = max(x.worst, f.Severity)
		x.rules = append(x.rules, f.RuleID)
	}
	for _, f := range res.Findings {
		seen := map[string]bool{}
		for _, id := range f.Assets {
			seen[id] = true
			add(id, f)
		}
		// A model file's findings are located in it even when the
		// analyzer names no asset.
		if id := finding.AssetID(finding.AssetModel, f.Location.Path); !seen[id] {
			add(id, f)
		}
	}
	return v
}

func withVerdict(props []cdx.Property, v *verdict) *[]cdx.Property {
	if v == nil {
		props = append(props, cdx.Property{Name: PropVerdict, Value: "clean"})
		return &props
	}
	sort.Strings(v.rules)
	var rules []string
	for i, r := range v.rules {
		if i == 0 || r != v.rules[i-1] {
			rules = append(rules, r)
		}
	}
	props = append(props, cdx.Property{Name: PropVerdict, Value: v.worst.String()}, cdx.Property{Name: PropFindings, Value: strings.Join(rules, ",")})
	return &props
}

// localFile says whether a model asset is a file of the scan: its name is
// the path the scan reported, a regular file under the root.
func localFile(absRoot string, a finding.Asset) (osPath, rel string, size int64, ok bool) {
	if strings.Contains(a.Name, "://") {
		return "", "", 0, false
	}
	fi, err := os.Lstat(a.Name)
	if err != nil || !fi.Mode().IsRegular() {
		return "", "", 0, false
	}
	r := relTo(absRoot, a.Name)
	if !digest.Clean(r) {
		return "", "", 0, false
	}
	return a.Name, r, fi.Size(), true
}

func relTo(absRoot, p string) string {
	ap, err := filepath.Abs(p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	r, err := filepath.Rel(absRoot, ap)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

func webURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return s
}

// maxConfig bounds the config.json read for the architecture.
const maxConfig = 1 << 20

// architecture reads "architectures" and "model_type" from the Hugging
// Face config.json beside a model file, when there is one: what the
// project says the weights are, without loading them.
func architecture(model string) (arch, family string) {
	p := filepath.Join(filepath.Dir(model), "config.json")
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxConfig {
		return "", ""
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return "", ""
	}
	var cfg struct {
		Architectures []string `json:"architectures"`
		ModelType     string   `json:"model_type"`
	}
	if json.Unmarshal(b, &cfg) != nil {
		return "", ""
	}
	if len(cfg.Architectures) > 0 {
		arch = cfg.Architectures[0]
	}
	return arch, cfg.ModelType
}
