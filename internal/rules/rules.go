// Package rules is what mlsec checks for: every rule as a value, one file
// per family, and the registry the command line, the documentation, SARIF
// metadata and the tests are built from.
//
// A family names a concern, not a kind of file: MLflow served without
// authentication is one rule, exposure/mlflow-no-auth, whether it was found
// in a Dockerfile, a compose file, a pod or a shell script; the finding's
// location says where. So --disable FAMILY turns a concern off everywhere.
// Analyzers declare which of these rules they report; the engine rejects any
// other.
//
// A new rule is a value in its family's file and an entry in All.
package rules

import (
	"slices"
	"sort"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
)

// All returns every rule, sorted by ID.
func All() []*rule.Rule { return all }

var all = sorted([]*rule.Rule{
	SignatureInvalid, SignedFilesChanged, BOMMismatch,
	ModelHeaderMalformed, ModelMetadataCode, ChatTemplateInjection, KerasUnsafeConfig, KerasVulnerableVersion, ONNXExternalData, ONNXCustomOp, TFGraphDangerousOp, ConfigTarget, TorchScriptUnsafeOp,
	MissingAccessAtRest, MissingDataSanitization, MissingModelValidation, MissingLoadRestriction, MissingSigning, MissingVerification, MissingScanning, MissingProductionAccess, MissingRateLimit, MissingAIBOM, MissingTelemetry, MissingProvenance,
	DatasetUnlocked, DatasetChanged, SchemaChanged, DataDrift, LabelShift, PoisoningRowsChanged, PoisoningLabelFlip, PoisoningDuplicates, PoisoningConcentration, PoisoningOutOfRange, PoisoningTrigger,
	HardcodedToken, CloudCredential, PrivateKey, PasswordInURL, HardcodedPassword, GenericHighEntropy, HistoryLimit,
	CIUntrustedCheckout, CIScriptInjection, CISecretsExposed, CILongLivedCloudKey, CISecretOnCommandLine, CIPersistCredentials, CIExcessivePermissions, CIUnpinnedAction, CIRuntimeInstallUnpinned, CICachePoisoning, CIModelPublishUntrusted, CIPublishWithoutVerification, CISelfHostedRunnerPR,
	PickleSecondStage,
	OrchestratorNoAuth, SkopsUntrustedType,
	ProbeRCEAPI, ProbeAPINoAuth, ProbeVulnerableVersion, ProbeNoTLS,
	LLMAPINoAuth, VectorDBNoAuth, ComputeClusterNoAuth, RBACExcessive,
	ModelCodeLoad, UnsafeDeserialization, ArchiveExtract, NativeLibraryLoad, HFDownloadUnpinned, EvalArtifact,
	AddedCapabilities,
	AirflowCommandInjection,
	ArchiveAnomaly,
	BucketNoEncryption,
	BucketNoVersioning,
	BucketPublic,
	BucketPublicAccessBlockOff,
	CloudRoleToken,
	CredentialInCommand,
	CredentialInEnv,
	CredentialInIndexURL,
	DVCRemoteCredential,
	DefaultCredentials,
	ExtraIndexURL,
	FromPretrainedPickle,
	HostNetwork,
	HostPath,
	IAMWildcard,
	ImageNotPinned,
	InsecureDataRemote,
	InsecureDirectURL,
	InsecureIndex,
	JoblibLoad,
	JupyterInsecureOption,
	JupyterNoAuth,
	KerasCode,
	KerasUnsafeLoad,
	KnownMaliciousPackage,
	MLflowNoAuth,
	ModelFetchUnverified,
	ModelServerAdmin,
	NumpyAllowPickle,
	PandasReadPickle,
	PickleDangerousCall,
	PickleGadget,
	PickleLoad,
	PickleMalformed,
	PickleUnknownGlobal,
	PortOpenToWorld,
	Privileged,
	RayDashboard,
	RemoteAddNoChecksum,
	RemoteCodeExec,
	RunsAsRoot,
	SageMakerModelPublicSource,
	SageMakerNoKMS,
	SageMakerNoNetworkIsolation,
	SageMakerNotebookDirectInternet,
	SageMakerNotebookRootAccess,
	ScanLimit,
	SecretManifest,
	ServicePublished,
	TensorBoard,
	TorchHubLoad,
	TorchLoadUnsafe,
	TrustRemoteCode,
	UnpinnedMLPackage,
	Unresolved,
	UnusedIgnore,
	WorkspacePublicNetwork,
	YAMLUnsafeLoad,
})

func sorted(rs []*rule.Rule) []*rule.Rule {
	sort.Slice(rs, func(i, j int) bool { return rs[i].ID < rs[j].ID })
	return rs
}

// renamed maps rule IDs of earlier releases to the rule that replaced them,
// so that .mlsec.yaml files, inline ignores and baselines written against
// them keep working (with a warning). Several old IDs may map to one rule
// where one concept used to have a rule per file type.
var renamed = map[string]string{
	"config/airflow-bashoperator-injection":  "pipeline/airflow-command-injection",
	"config/airflow-secret-in-command":       "secret/credential-in-command",
	"config/dvc-credentials-committed":       "secret/dvc-remote-credential",
	"config/dvc-insecure-remote":             "data/insecure-remote",
	"config/dvc-stage-remote-code":           "supply-chain/remote-code-exec",
	"config/jupyter-insecure-option":         "exposure/jupyter-insecure-option",
	"config/jupyter-no-auth":                 "exposure/jupyter-no-auth",
	"config/mlflow-no-auth":                  "exposure/mlflow-no-auth",
	"config/mlproject-remote-code":           "supply-chain/remote-code-exec",
	"config/model-server-admin-exposed":      "exposure/model-server-admin",
	"config/ray-dashboard-exposed":           "exposure/ray-dashboard",
	"config/tensorboard-exposed":             "exposure/tensorboard",
	"container/add-remote-url":               "supply-chain/remote-add-no-checksum",
	"container/curl-pipe-shell":              "supply-chain/remote-code-exec",
	"container/default-credentials":          "secret/default-credentials",
	"container/ml-service-exposed":           "exposure/service-published",
	"container/model-download-no-checksum":   "supply-chain/model-fetch-unverified",
	"container/pip-extra-index-url":          "deps/extra-index-url",
	"container/pip-insecure-index":           "deps/insecure-index",
	"container/runs-as-root":                 "workload/runs-as-root",
	"container/secret-in-env":                "secret/credential-in-env",
	"container/unpinned-base-image":          "supply-chain/image-not-pinned",
	"deps/credentials-in-index-url":          "secret/credential-in-index-url",
	"iac/iam-wildcard-on-ml-bucket":          "cloud/iam-wildcard",
	"iac/ml-bucket-no-encryption":            "cloud/bucket-no-encryption",
	"iac/ml-bucket-no-versioning":            "cloud/bucket-no-versioning",
	"iac/ml-bucket-public":                   "cloud/bucket-public",
	"iac/ml-bucket-public-access-block-off":  "cloud/bucket-public-access-block-off",
	"iac/ml-port-open-to-world":              "exposure/port-open-to-world",
	"iac/ml-workspace-public-network":        "exposure/workspace-public-network",
	"iac/sagemaker-model-public-source":      "cloud/sagemaker-model-public-source",
	"iac/sagemaker-no-kms":                   "cloud/sagemaker-no-kms",
	"iac/sagemaker-no-network-isolation":     "cloud/sagemaker-no-network-isolation",
	"iac/sagemaker-notebook-direct-internet": "cloud/sagemaker-notebook-direct-internet",
	"iac/sagemaker-notebook-root-access":     "cloud/sagemaker-notebook-root-access",
	"iac/unresolved":                         "mlsec/unresolved",
	"k8s/added-capabilities":                 "workload/added-capabilities",
	"k8s/default-credentials":                "secret/default-credentials",
	"k8s/host-network":                       "workload/host-network",
	"k8s/host-path-mount":                    "workload/host-path",
	"k8s/image-without-digest":               "supply-chain/image-not-pinned",
	"k8s/insecure-storage-uri":               "supply-chain/model-fetch-unverified",
	"k8s/jupyter-no-auth":                    "exposure/jupyter-no-auth",
	"k8s/model-server-admin-exposed":         "exposure/model-server-admin",
	"k8s/plaintext-credential-env":           "secret/credential-in-env",
	"k8s/privileged-container":               "workload/privileged",
	"k8s/ray-exposed":                        "exposure/ray-dashboard",
	"k8s/run-as-root":                        "workload/runs-as-root",
	"k8s/sa-token-cloud-role":                "workload/cloud-role-token",
	"k8s/secret-in-manifest":                 "secret/secret-manifest",
}

// Renamed returns the current ID of a rule renamed since an earlier release.
func Renamed(id string) (current string, ok bool) {
	current, ok = renamed[id]
	return current, ok
}

// Lookup finds a rule by ID; an old ID finds the rule that replaced it.
func Lookup(id string) *rule.Rule {
	if cur, ok := renamed[id]; ok {
		id = cur
	}
	i := sort.Search(len(all), func(i int) bool { return all[i].ID >= id })
	if i < len(all) && all[i].ID == id {
		return all[i]
	}
	return nil
}

// Families returns the rule families, sorted.
func Families() []string {
	var out []string
	for _, r := range all {
		if f := r.Family(); len(out) == 0 || out[len(out)-1] != f {
			out = append(out, f)
		}
	}
	return out
}

// Former returns the earlier IDs of a rule, sorted, so that fingerprints
// recorded under them in baselines still match.
func Former(id string) []string {
	var out []string
	for old, cur := range renamed {
		if cur == id {
			out = append(out, old)
		}
	}
	sort.Strings(out)
	return out
}

// Match reports whether selector (a rule ID, a family, or an ID or family of
// an earlier release) names ruleID. A former family, such as "k8s", names
// the rules its members became.
func Match(selector, ruleID string) bool {
	if cur, ok := renamed[selector]; ok {
		selector = cur
	}
	if selector == ruleID {
		return true
	}
	fam, _, _ := strings.Cut(ruleID, "/")
	if selector == fam {
		return true
	}
	for old, cur := range renamed {
		if cur == ruleID && strings.HasPrefix(old, selector+"/") && !isFamily(selector) {
			return true
		}
	}
	return false
}

// Deprecated says how a selector of an earlier release maps onto the
// current rules, or "" when it is current (or unknown).
func Deprecated(selector string) string {
	if cur, ok := renamed[selector]; ok {
		return "rule " + selector + " is now " + cur
	}
	if isFamily(selector) || strings.Contains(selector, "/") {
		return ""
	}
	var now []string
	for old, cur := range renamed {
		if strings.HasPrefix(old, selector+"/") && !slices.Contains(now, cur) {
			now = append(now, cur)
		}
	}
	if len(now) == 0 {
		return ""
	}
	sort.Strings(now)
	return "family " + selector + " is gone; its rules are now " + strings.Join(now, ", ")
}

// ValidSelector reports whether s names a rule or a family, current or of
// an earlier release.
func ValidSelector(s string) bool {
	return Lookup(s) != nil || isFamily(s) || Deprecated(s) != ""
}

func isFamily(s string) bool { return slices.Contains(Families(), s) }
