package result

import "github.com/mlsec/mlsec/internal/finding"

// Entry points: where an attacker starts.
const (
	EntryInternet    = "internet"          // a service, bucket or port anyone can reach
	EntryForkPR      = "fork-pull-request" // a pull request from a fork starts a workflow
	EntryHub         = "hub-download"      // a model or dataset fetched from a public hub or URL
	EntryInsider     = "insider"           // someone with read access to the repository or cluster
	EntryDependency  = "dependency"        // a package or image the project installs
	EntryClusterUser = "cluster-foothold"  // code already running somewhere in the cluster
)

// Impacts: what an attacker ends up controlling.
const (
	ImpactProductionModel = "production-model" // a model that is served
	ImpactTrainingData    = "training-data"    // data a model is trained on
	ImpactCredentials     = "credentials"      // keys that unlock more of the pipeline or the cloud
	ImpactCloudSpend      = "cloud-spend"      // compute run on the project's account
	ImpactDataExposure    = "data-exposure"    // data read by someone who should not
)

// Footholds: what an attacker holds at one asset.
const (
	FootholdWrite      = "write"          // can change what the asset holds
	FootholdRead       = "read"           // can read what it holds
	FootholdCodeExec   = "code-execution" // runs code where the asset runs
	FootholdCredential = "credential"     // holds a credential
	FootholdModel      = "model-control"  // decides which model is served or loaded
)

// AttackPath is one way a foothold travels through the pipeline, from an
// entry point to an impact, with the evidence of every hop.
type AttackPath struct {
	ID         string    `json:"id"` // stable across runs: derived from the hops
	Entry      string    `json:"entry"`
	Impact     string    `json:"impact"`
	Score      int       `json:"score"` // higher is worse; paths are sorted by it
	Techniques []string  `json:"techniques"`
	Phases     []string  `json:"phases"`
	Hops       []PathHop `json:"hops"`
}

// PathHop is one step of a path: the asset reached, what the attacker holds
// there, and the finding or relation that carried them to it.
type PathHop struct {
	Asset     string           `json:"asset"`
	Foothold  string           `json:"foothold"`
	Via       string           `json:"via"`               // the rule of the finding that opens the path, or the edge kind followed
	Finding   string           `json:"finding,omitempty"` // fingerprint of that finding
	Location  finding.Location `json:"location"`          // where the evidence is
	Technique string           `json:"technique,omitempty"`
	Phase     string           `json:"phase,omitempty"`
	Message   string           `json:"message"`
}

// Chokepoint is an asset many paths go through: securing it cuts them all.
type Chokepoint struct {
	Asset   string   `json:"asset"`
	Paths   int      `json:"paths"`
	Impacts []string `json:"impacts"`
}
