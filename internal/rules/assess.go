package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules of the assessment (`mlsec assess`, and the project pass of every
// scan): an ATLAS mitigation that the repository shows no sign of, while
// the scan found weaknesses of the techniques it counters. Each rule's
// techniques are the ones ATLAS says its mitigation addresses; the
// finding's severity is set by the findings it would counter (see
// docs/ASSESSMENT.md), so the default here is only what a rule listing
// shows.

const assessDoc = "https://github.com/mlsec/mlsec/blob/main/docs/ASSESSMENT.md"

// MissingAccessAtRest: no access control on model and data stores.
var MissingAccessAtRest = &rule.Rule{
	ID:          "assess/missing-access-control-at-rest",
	Title:       "No access control shown on model and data stores",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0007", "AML.T0010.002", "AML.T0010.003", "AML.T0018", "AML.T0018.000", "AML.T0018.001", "AML.T0020", "AML.T0025", "AML.T0035", "AML.T0042", "AML.T0043.000", "AML.T0044", "AML.T0048.004"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "The repository declares model or data stores but no control that keeps them private, and the scan found them exposed.",
	Description: "ATLAS AML.M0005 (Control Access to AI Models and Data at Rest) is missing: no public-access block, IAM binding or " +
		"network rule on the stores the repository declares, while findings of the techniques it counters are present.",
	Fix:        "Declare the stores' access control with them (aws_s3_bucket_public_access_block, uniform bucket-level access with IAM bindings, storage network rules) and fix the exposure findings.",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0005", assessDoc},
}

// MissingDataSanitization: no validation of training data.
var MissingDataSanitization = &rule.Rule{
	ID:          "assess/missing-data-sanitization",
	Title:       "Training data is not validated",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.002", "AML.T0018.000", "AML.T0020", "AML.T0059"},
	Mitigations: []string{"AML.M0007"},
	Summary:     "Nothing checks training data before it is used, and the scan found ways to poison it.",
	Description: "ATLAS AML.M0007 (Sanitize Training Data) is missing: no data-validation suite (Great Expectations, pandera, " +
		"TFDV, Deepchecks) and no `mlsec data verify` step in CI, while findings of data poisoning or data supply-chain techniques are present.",
	Fix:        "Validate data before training: a schema or expectation suite run in the pipeline, and `mlsec data verify` in CI against the dataset lock.",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0007", assessDoc},
}

// MissingModelValidation: no gate on the trained model.
var MissingModelValidation = &rule.Rule{
	ID:          "assess/missing-model-validation",
	Title:       "Trained models are promoted without a validation gate",
	Severity:    rule.Low,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.003", "AML.T0018", "AML.T0018.000", "AML.T0018.001", "AML.T0020", "AML.T0043", "AML.T0043.004", "AML.T0057"},
	Mitigations: []string{"AML.M0008"},
	Summary:     "No evaluation with thresholds stands between training and the registry, and the scan found ways to tamper with the model.",
	Description: "ATLAS AML.M0008 (Validate AI Model) is missing: no `mlflow.evaluate` with validation thresholds, TFMA or similar " +
		"gate, while findings of model tampering or poisoning techniques are present.",
	Fix:        "Evaluate every candidate against a held-out set and a baseline with thresholds that block promotion.",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0008", assessDoc},
}

// MissingLoadRestriction: models loaded through formats that run code.
var MissingLoadRestriction = &rule.Rule{
	ID:          "assess/missing-safe-loading",
	Title:       "Models are not loaded through code-free formats only",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011", "AML.T0011.000", "AML.T0011.001"},
	Mitigations: []string{"AML.M0011"},
	Summary:     "The project loads models through pickle-based formats that run code, so a replaced model file runs its payload.",
	Description: "ATLAS AML.M0011 (Restrict Library Loading) is missing: the project loads models, and the scan found loads that can " +
		"run code (pickle, torch.load without weights_only, joblib) instead of safetensors-only loading.",
	Fix:        "Store weights as safetensors and load them with safetensors or torch.load(weights_only=True); fix the unsafe-load findings.",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0011", assessDoc},
}

// MissingSigning: models and images are not signed.
var MissingSigning = &rule.Rule{
	ID:          "assess/missing-signing",
	Title:       "Models and images are not signed",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0010.001", "AML.T0010.003", "AML.T0011.000", "AML.T0011.001", "AML.T0018", "AML.T0018.000", "AML.T0018.001", "AML.T0018.002"},
	Mitigations: []string{"AML.M0013"},
	Summary:     "Nothing signs what the pipeline produces, so a replaced model or image cannot be told from the real one.",
	Description: "ATLAS AML.M0013 (Code Signing) is missing: no cosign or model_signing step in CI and no signature beside the models, " +
		"while findings of model or software supply-chain techniques are present.",
	Fix:        "Sign models with sigstore model_signing (or cosign sign-blob) and images with cosign in the pipeline that builds them.",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0013", "https://github.com/sigstore/model-transparency", assessDoc},
}

// MissingVerification: artifacts are used without verification.
var MissingVerification = &rule.Rule{
	ID:          "assess/missing-artifact-verification",
	Title:       "Models and data are used without verifying them",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0002.001", "AML.T0010", "AML.T0010.002", "AML.T0011", "AML.T0011.000", "AML.T0019"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "Models and data are loaded without a signature or checksum check, and the scan found untrusted artifacts.",
	Description: "ATLAS AML.M0014 (Verify AI Artifacts) is missing: no signature verification (cosign verify, model_signing verify) or " +
		"checksum check of the models and data the project loads, while findings of supply-chain techniques are present.",
	Fix:        "Verify every model and dataset before use: model_signing verify or cosign verify-blob in the pipeline, pinned digests for downloads.",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0014", assessDoc},
}

// MissingScanning: no scanner in CI.
var MissingScanning = &rule.Rule{
	ID:          "assess/missing-vulnerability-scanning",
	Title:       "No model or dependency scan in CI",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0011", "AML.T0011.000", "AML.T0011.001"},
	Mitigations: []string{"AML.M0016"},
	Summary:     "No CI step scans models, code or dependencies, so the unsafe artifacts this scan found would reach production unchecked.",
	Description: "ATLAS AML.M0016 (Vulnerability Scanning) is missing: no CI step runs mlsec, modelscan, picklescan or a dependency " +
		"auditor, while findings of the techniques scanning catches are present.",
	Fix:        "Run `mlsec scan` (with `-f sarif` for code scanning) in CI on every change, and a dependency auditor such as pip-audit.",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0016", assessDoc},
}

// MissingProductionAccess: serving without access control.
var MissingProductionAccess = &rule.Rule{
	ID:          "assess/missing-serving-access-control",
	Title:       "Model serving without access control",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0005", "AML.T0024", "AML.T0029", "AML.T0034", "AML.T0040", "AML.T0042", "AML.T0043", "AML.T0043.001", "AML.T0046", "AML.T0051", "AML.T0063"},
	Mitigations: []string{"AML.M0019"},
	Summary:     "The project serves models, shows no authentication in front of them, and the scan found services open to anyone.",
	Description: "ATLAS AML.M0019 (Control Access to AI Models and Data in Production) is missing: no authentication on the serving " +
		"code or manifests (a security scheme, an authorization policy, ingress authentication), or findings of unauthenticated ML services.",
	Fix:        "Put authentication in front of every model endpoint and ML service (an identity-aware proxy, an Istio AuthorizationPolicy, the server's own auth).",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0019", assessDoc},
}

// MissingRateLimit: no query limits on serving.
var MissingRateLimit = &rule.Rule{
	ID:          "assess/missing-rate-limit",
	Title:       "Model serving without query limits",
	Severity:    rule.Low,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0024", "AML.T0029", "AML.T0034", "AML.T0040", "AML.T0042"},
	Mitigations: []string{"AML.M0004"},
	Summary:     "Nothing limits how many queries a client may send a served model, and the scan found it reachable.",
	Description: "ATLAS AML.M0004 (Restrict Number of AI Model Queries) is missing on a project that serves models, while findings of " +
		"inference-API techniques (extraction, inversion, denial of service) are present.",
	Fix:        "Rate-limit the model endpoints per client (ingress limits, an API gateway, slowapi or Flask-Limiter).",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0004", assessDoc},
}

// MissingAIBOM: no AI bill of materials.
var MissingAIBOM = &rule.Rule{
	ID:          "assess/missing-ai-bom",
	Title:       "No AI bill of materials",
	Severity:    rule.Low,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0010", "AML.T0011", "AML.T0011.000", "AML.T0011.001", "AML.T0019", "AML.T0020", "AML.T0058"},
	Mitigations: []string{"AML.M0023"},
	Summary:     "No AI-BOM records which models, datasets and packages the project is built from, so a compromised one cannot be traced.",
	Description: "ATLAS AML.M0023 (AI Bill of Materials) is missing: no CycloneDX ML-BOM listing the models, and no CI step generating " +
		"one, while findings of supply-chain techniques are present.",
	Fix:        "Generate a CycloneDX ML-BOM (models with their datasets and hashes, packages) in CI and publish it with each release.",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0023", "https://cyclonedx.org/capabilities/mlbom/", assessDoc},
}

// MissingTelemetry: served models without telemetry.
var MissingTelemetry = &rule.Rule{
	ID:          "assess/missing-telemetry",
	Title:       "Model serving without telemetry logging",
	Severity:    rule.Low,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Operations,
	Techniques:  []string{"AML.T0005.001", "AML.T0024", "AML.T0024.000", "AML.T0024.001", "AML.T0024.002", "AML.T0040", "AML.T0047", "AML.T0051", "AML.T0051.000", "AML.T0051.001", "AML.T0051.002", "AML.T0053", "AML.T0085", "AML.T0085.000", "AML.T0085.001", "AML.T0086", "AML.T0101"},
	Mitigations: []string{"AML.M0024"},
	Summary:     "Queries to the served models are not logged or measured, so extraction or abuse goes unseen.",
	Description: "ATLAS AML.M0024 (AI Telemetry Logging) is missing on a project that serves models: no request logger, metrics " +
		"or tracing, while findings of inference-API techniques are present.",
	Fix:        "Log model inputs and outputs (KServe logger, Seldon request logging) and export metrics (Prometheus, OpenTelemetry).",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0024", assessDoc},
}

// MissingProvenance: training data without provenance.
var MissingProvenance = &rule.Rule{
	ID:          "assess/missing-dataset-provenance",
	Title:       "Training data without recorded provenance",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.002", "AML.T0018.000", "AML.T0019", "AML.T0020", "AML.T0059"},
	Mitigations: []string{"AML.M0025"},
	Summary:     "No data version or lock records what the models were trained on, so poisoned data cannot be detected or rolled back.",
	Description: "ATLAS AML.M0025 (Maintain AI Dataset Provenance) is missing: no DVC-tracked data, dvc.lock, lakeFS or mlsec data lock, " +
		"while findings of data poisoning or data supply-chain techniques are present.",
	Fix:        "Version training data with content hashes (dvc add, or `mlsec data lock`) and verify the lock in CI.",
	References: []string{"https://atlas.mitre.org/mitigations/AML.M0025", assessDoc},
}
