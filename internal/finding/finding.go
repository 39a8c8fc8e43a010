// Package finding holds what a scan produces: findings with their locations,
// and the assets (data stores, models, endpoints, credentials…) the scan met.
package finding

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/mlsec/mlsec/internal/rule"
)

// Location says where a finding is. Text inputs use Line and Column;
// binary inputs use Offset and, inside archives, Member. Notebook findings
// carry the cell index and the line within the cell as well as the line of
// the notebook file itself, so editors and code scanning can both jump there.
type Location struct {
	Path     string `json:"path"`             // slash-separated, relative to the scan root where possible
	Line     int    `json:"line,omitempty"`   // 1-based line in Path; 0 when not meaningful
	Column   int    `json:"column,omitempty"` // 1-based column; 0 when unknown
	EndLine  int    `json:"end_line,omitempty"`
	Member   string `json:"member,omitempty"` // archive member path; nested archives are joined with "!"
	Offset   int64  `json:"-"`                // byte offset in Member (or Path when Member is empty); see MarshalJSON
	HasOff   bool   `json:"-"`                // Offset is meaningful even when zero
	Cell     int    `json:"cell,omitempty"`   // 1-based notebook cell index
	CellLine int    `json:"cell_line,omitempty"`
}

// MarshalJSON writes the byte offset whenever it is meaningful, zero
// included, and leaves out the fields that do not apply.
func (l Location) MarshalJSON() ([]byte, error) {
	type plain Location // no methods: no recursion
	out := struct {
		plain
		Offset *int64 `json:"offset,omitempty"`
	}{plain: plain(l)}
	if l.HasOff || l.Offset != 0 {
		out.Offset = &l.Offset
	}
	return json.Marshal(out)
}

// String renders the location as people read it: "train.py:12:5",
// "model.pt!archive/data.pkl@0x1f", "eda.ipynb:40 (cell 3, line 2)".
func (l Location) String() string {
	s := l.Path
	if l.Member != "" {
		s += "!" + l.Member
	}
	if l.Line > 0 {
		s += ":" + strconv.Itoa(l.Line)
		if l.Column > 0 {
			s += ":" + strconv.Itoa(l.Column)
		}
	}
	if l.HasOff || l.Offset > 0 {
		s += fmt.Sprintf("@%#x", l.Offset)
	}
	if l.Cell > 0 {
		s += fmt.Sprintf(" (cell %d, line %d)", l.Cell, l.CellLine)
	}
	return s
}

// Finding is one problem found by one rule at one place.
type Finding struct {
	Rule         *rule.Rule      `json:"-"`
	RuleID       string          `json:"rule"`
	Severity     rule.Severity   `json:"severity"`
	Confidence   rule.Confidence `json:"confidence"`
	Phase        rule.Phase      `json:"phase"`
	Techniques   []string        `json:"techniques"`
	Mitigations  []string        `json:"mitigations,omitempty"`
	Location     Location        `json:"location"`
	Message      string          `json:"message"`
	Evidence     string          `json:"evidence,omitempty"` // redacted before it leaves the engine
	Fingerprint  string          `json:"fingerprint"`
	Assets       []string        `json:"assets,omitempty"` // IDs of the assets this finding touches
	Inconclusive bool            `json:"inconclusive,omitempty"`
}

// Asset kinds: what an ML pipeline is made of.
const (
	AssetDataStore    = "data-store"    // bucket, DVC remote, volume
	AssetDataset      = "dataset"       // a named dataset or path
	AssetPipelineStep = "pipeline-step" // training job, pipeline step, script
	AssetModel        = "model"         // model file or artifact
	AssetRegistry     = "registry"      // MLflow, Hugging Face repo, container registry
	AssetEndpoint     = "endpoint"      // serving endpoint or dashboard
	AssetWorkflow     = "workflow"      // CI/CD workflow
	AssetCredential   = "credential"    // a secret and where it is usable
	AssetExternal     = "external"      // hub model, public dataset, package index
)

// Edge kinds between assets.
const (
	EdgeReads      = "reads"
	EdgeWrites     = "writes"
	EdgeDeploys    = "deploys"
	EdgeTriggers   = "triggers"
	EdgeUsesSecret = "can-use-credential"
)

// Asset is one thing in the pipeline, found while scanning.
type Asset struct {
	ID       string            `json:"id"` // stable: kind + ":" + name, e.g. "data-store:s3://acme-training"
	Kind     string            `json:"kind"`
	Name     string            `json:"name"`
	Location Location          `json:"location"`
	Attrs    map[string]string `json:"attrs,omitempty"`
}

// AssetID builds the conventional ID for an asset.
func AssetID(kind, name string) string { return kind + ":" + name }

// Edge is a directed relation between two assets.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
	Kind string `json:"kind"`
}
