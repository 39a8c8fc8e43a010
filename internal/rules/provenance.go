package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about model provenance: OpenSSF model signatures and CycloneDX ML-BOMs found in the project.

const modelSigningSpec = "https://github.com/sigstore/model-transparency"

// SignatureInvalid: a model signature that does not verify.
var SignatureInvalid = &rule.Rule{
	ID: "provenance/signature-invalid", Title: "Model signature does not verify",
	Severity: rule.Critical, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0010.003", "AML.T0018", "AML.T0018.000"},
	Mitigations: []string{"AML.M0013", "AML.M0014"},
	Summary:     "The model directory carries a signature that is not a valid signature of its own statement: the signature or the manifest was tampered with.",
	Description: "A `model.sig` (OpenSSF model signing format: a Sigstore bundle whose DSSE envelope signs an in-toto statement " +
		"of every file's SHA-256) is checked with the key or certificate it carries. A signature that does not match its payload, " +
		"a malformed bundle, or a statement whose digests disagree with each other means someone edited the manifest after signing, " +
		"typically to make swapped weights pass. A deployment that trusts the presence of a signature without verifying it would " +
		"load the model anyway. The scan has no trusted key, so it checks the signature against the key the bundle names; " +
		"`mlsec verify --key` checks it against yours.",
	Fix: "Do not deploy the model. Re-fetch it from the source of record and verify it with `mlsec verify MODEL --key PUB.pem` " +
		"(or `model_signing verify`) before every load; re-sign only from a trusted build.",
	References: []string{modelSigningSpec, "https://github.com/secure-systems-lab/dsse/blob/master/protocol.md"},
}

// SignedFilesChanged: the signature verifies, the files do not match it.
var SignedFilesChanged = &rule.Rule{
	ID: "provenance/signed-files-changed", Title: "Model files differ from their signature",
	Severity: rule.Critical, Confidence: rule.HighConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0010.003", "AML.T0018", "AML.T0018.000"},
	Mitigations: []string{"AML.M0013", "AML.M0014"},
	Summary:     "A file of a signed model was modified, removed, or added (or replaced by a link) since it was signed.",
	Description: "The model directory's `model.sig` is a valid signature, but the files present are not the ones it covers: " +
		"a weight or config file whose SHA-256 changed, a signed file that is gone, a file the signature does not cover " +
		"(an extra pickle, a custom-code module that `trust_remote_code` would import), or a symbolic link, which the format " +
		"never follows. Each difference is one finding. The reference verifier rejects the model in every one of these cases.",
	Fix: "Restore the files from the signed release, or, if the change is intended, re-sign the model from a trusted build " +
		"(`mlsec sign MODEL --key KEY.pem`). Files that should not be signed (caches, READMEs) go in `--ignore`.",
	References: []string{modelSigningSpec},
}

// BOMMismatch: the ML-BOM disagrees with the files present.
var BOMMismatch = &rule.Rule{
	ID: "provenance/bom-mismatch", Title: "ML-BOM does not match the model files present",
	Severity: rule.Medium, Confidence: rule.MediumConfidence, Phase: rule.Operations,
	Techniques:  []string{"AML.T0010.003", "AML.T0018"},
	Mitigations: []string{"AML.M0023"},
	Summary:     "The project's CycloneDX ML-BOM lists a model file with another SHA-256, lists one that is absent, or omits one that is present.",
	Description: "An AI bill of materials is only a control if it describes what ships. A model whose bytes differ from the " +
		"BOM's hash was changed after the BOM was made (retrained and the BOM not regenerated, or swapped); a listed model that " +
		"is missing, or a model file the BOM does not list, means the inventory that audits and incident response rely on is " +
		"wrong. mlsec checks the components it wrote (property `mlsec:path` with a SHA-256 hash) in `bom.cdx.json`, `*.cdx.json` " +
		"and `bom.json` files, relative to the BOM's directory.",
	Fix: "Find out why the model changed; then regenerate the BOM from the released files (`mlsec bom . -o bom.cdx.json`) " +
		"in the pipeline that produces them, so the two cannot drift.",
	References: []string{"https://cyclonedx.org/capabilities/mlbom/", "https://atlas.mitre.org/mitigations/AML.M0023"},
}
