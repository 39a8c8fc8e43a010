// Package finding holds what a scan produces: findings with their locations,
// and the assets (data stores, models, endpoints, credentials…) the scan met.
package finding

import (
	"cmp"
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

// UnmarshalJSON reads what MarshalJSON writes, so that a JSON result read
// back (mlsec merge) keeps a byte offset of zero.
func (l *Location) UnmarshalJSON(b []byte) error {
	type plain Location
	var in struct {
		plain
		Offset *int64 `json:"offset"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*l = Location(in.plain)
	if in.Offset != nil {
		l.Offset, l.HasOff = *in.Offset, true
	}
	return nil
}

// Compare orders locations by path, archive member, line, byte offset,
// column and notebook cell: the order of every output.
func (l Location) Compare(m Location) int {
	return cmp.Or(
		cmp.Compare(l.Path, m.Path),
		cmp.Compare(l.Member, m.Member),
		cmp.Compare(l.Line, m.Line),
		cmp.Compare(l.Offset, m.Offset),
		cmp.Compare(l.Column, m.Column),
		cmp.Compare(l.Cell, m.Cell),
		cmp.Compare(l.CellLine, m.CellLine),
		cmp.Compare(l.EndLine, m.EndLine),
	)
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
	Rule        *rule.Rule      `json:"-"`
	RuleID      string          `json:"rule"`
	Severity    rule.Severity   `json:"severity"`
	Confidence  rule.Confidence `json:"confidence"`
	Phase       rule.Phase      `json:"phase"`
	Techniques  []string        `json:"techniques"`
	Mitigations []string        `json:"mitigations,omitempty"`
	Location    Location        `json:"location"`
	Message     string          `json:"message"`
	Evidence    string          `json:"evidence,omitempty"` // redacted before it leaves the engine
	Fingerprint string          `json:"fingerprint"`
	// FormerFingerprints are the fingerprints the finding had under its
	// rule's former IDs, so that baselines written before a rename match.
	FormerFingerprints []string  `json:"-"`
	Assets             []string  `json:"assets,omitempty"` // IDs of the assets this finding touches
	Related            []Related `json:"related,omitempty"`
	// SeverityReason says why Severity differs from the rule's default,
	// when an analyzer raised or lowered it for what the evidence shows.
	SeverityReason string `json:"severity_reason,omitempty"`
	Inconclusive   bool   `json:"inconclusive,omitempty"`
	// Reach lists the impacts (result.Impact*) the attack paths through
	// this finding lead to; findings with reach rank first.
	Reach []string `json:"reach,omitempty"`
}

// Related is another place that explains a finding: the Service that
// exposes a pod, the variable a value came from, the sibling file that
// grants access.
type Related struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

// AssetKind says what part of an ML pipeline an asset is.
type AssetKind string

// Asset kinds: what an ML pipeline is made of.
const (
	AssetDataStore    AssetKind = "data-store"    // bucket, DVC remote, volume
	AssetDataset      AssetKind = "dataset"       // a named dataset or path
	AssetPipelineStep AssetKind = "pipeline-step" // training job, pipeline step, script
	AssetModel        AssetKind = "model"         // model file or artifact
	AssetRegistry     AssetKind = "registry"      // MLflow, container registry
	AssetEndpoint     AssetKind = "endpoint"      // serving endpoint or dashboard
	AssetWorkflow     AssetKind = "workflow"      // CI/CD workflow
	AssetCredential   AssetKind = "credential"    // a secret and where it is usable
	AssetExternal     AssetKind = "external"      // hub model, public dataset, package index
	AssetImage        AssetKind = "image"         // container image
)

// EdgeKind names a relation between two assets.
type EdgeKind string

// Edge kinds between assets.
const (
	EdgeReads      EdgeKind = "reads"
	EdgeWrites     EdgeKind = "writes"
	EdgeDeploys    EdgeKind = "deploys"
	EdgeTriggers   EdgeKind = "triggers"
	EdgeUsesSecret EdgeKind = "can-use-credential"
	EdgeRunsCode   EdgeKind = "runs-code-from" // a job or server runs code the target holds (a checkout, an image, a pickle)
)

// Asset is one thing in the pipeline, found while scanning. Build it with
// the constructors of package asset, which give one identity to one thing
// however it was written.
type Asset struct {
	ID        string            `json:"id"` // kind + ":" + canonical name, e.g. "data-store:s3://acme-training"
	Kind      AssetKind         `json:"kind"`
	Name      string            `json:"name"`
	Locations []Location        `json:"locations"` // every place the scan met it, sorted
	Attrs     map[string]string `json:"attrs,omitempty"`
}

// AssetID builds the ID of an asset from its kind and canonical name.
func AssetID(kind AssetKind, name string) string { return string(kind) + ":" + name }

// Edge is a directed relation between two assets.
type Edge struct {
	From string   `json:"from"`
	To   string   `json:"to"`
	Kind EdgeKind `json:"kind"`
}
