package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about training and evaluation data: how it is stored, moved and verified.

// InsecureDataRemote is a DVC remote over plain HTTP or with TLS verification off.
var InsecureDataRemote = &rule.Rule{
	ID:          "data/insecure-remote",
	Title:       "DVC remote over plain HTTP or without TLS verification",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.002", "AML.T0020"},
	Mitigations: []string{"AML.M0025"},
	Summary:     "A network attacker can read or replace the datasets and models pulled from the remote.",
	Description: "An `http://` remote URL or `ssl_verify = false` lets anyone on the network path see and " +
		"alter what `dvc pull` and `dvc push` transfer. DVC checks file hashes against the committed " +
		".dvc files, but new data pushed through a tampered connection, and credentials sent with it, " +
		"are exposed.",
	Fix:        "Use an https:// (or s3://, gs://, azure://) URL and keep certificate verification on; point `ca_bundle` at a private CA instead of disabling it.",
	References: []string{"https://dvc.org/doc/user-guide/data-management/remote-storage/http"},
}

// Rules of `mlsec data verify`, `mlsec data diff` and the scan's dataset
// analyzer. They share ATLAS AML.T0020 (Poison Training Data) and the
// mitigations dataset provenance (AML.M0025) and training-data
// sanitization (AML.M0007).

var (
	dataTechniques  = []string{"AML.T0020"}
	dataMitigations = []string{"AML.M0025", "AML.M0007"}
	dataRefs        = []string{"https://atlas.mitre.org/techniques/AML.T0020", "https://atlas.mitre.org/mitigations/AML.M0025"}
)

// DatasetUnlocked is a dataset training code reads that no lock file or
// DVC file pins.
var DatasetUnlocked = &rule.Rule{
	ID:          "data/dataset-unlocked",
	Title:       "Training data read without a recorded digest",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: []string{"AML.M0025"},
	Summary:     "No lock file or DVC file records this dataset's digest, so a rewritten or swapped file goes unnoticed by the next training run.",
	Description: "The code reads a local dataset that neither an `mlsec.lock.json` manifest nor a `.dvc` file (or a `dvc.yaml` output) covers. " +
		"Without a recorded digest nothing tells the pipeline that rows were changed between runs: a few rewritten labels in a shared " +
		"directory or bucket are trained on, and the model ships with the attacker's behaviour. Dataset provenance (AML.M0025) starts with " +
		"knowing which bytes were trained on.",
	Fix:        "Record the dataset: `mlsec data lock data/ -o mlsec.lock.json` (commit the lock file and run `mlsec data verify` before training), or track it with `dvc add`.",
	References: append([]string{"https://dvc.org/doc/command-reference/add"}, dataRefs...),
}

// DatasetChanged is a file of a locked dataset that was modified, added
// or removed since the lock was written.
var DatasetChanged = &rule.Rule{
	ID:          "data/dataset-changed",
	Title:       "Locked training data changed",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "A file of a dataset no longer matches the SHA-256 digest, size or file list its lock file records.",
	Description: "The lock file recorded every file of the dataset with its SHA-256 digest and size. This file was modified, removed or added " +
		"since then, or the lock file itself was edited so that its entries no longer match its root digest. Either the dataset was " +
		"updated without relocking it, or someone with write access to the data changed what the next training run will learn from.",
	Fix:        "Find out who changed the data and why (`mlsec data diff` against the previous version shows what changed row by row); if the change is legitimate, relock with `mlsec data lock` and commit the new lock file.",
	References: dataRefs,
}

// SchemaChanged is a dataset whose columns or column types changed.
var SchemaChanged = &rule.Rule{
	ID:          "data/schema-changed",
	Title:       "Dataset schema changed",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "Columns were added or removed, or a column's type changed, between two versions of a dataset.",
	Description: "A feature pipeline that silently drops a column or starts reading numbers as text trains a different model; a new column can " +
		"carry a feature an attacker controls. Schema changes between dataset versions should be deliberate and reviewed.",
	Fix:        "Confirm the change with the dataset's owner and update the feature code and the lock file together.",
	References: dataRefs,
}

// DataDrift is a column whose distribution moved between versions.
var DataDrift = &rule.Rule{
	ID:          "data/drift",
	Title:       "Feature distribution drifted",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "A column's distribution moved past the drift threshold (PSI or Kolmogorov–Smirnov for numbers, Jensen–Shannon divergence for categories).",
	Description: "Drift is usually the world changing, sometimes a broken upstream job, and occasionally a deliberate shift of the training " +
		"distribution. Either way the model trained on the new version behaves differently; the statistic says how far the column moved.",
	Fix:        "Check the upstream source of the column; retrain and re-evaluate deliberately, or raise the threshold (`--psi`, `--ks`, `--jsd`) if this drift is expected.",
	References: append([]string{"https://www.evidentlyai.com/ml-in-production/data-drift"}, dataRefs...),
}

// LabelShift is a label whose class balance moved between versions.
var LabelShift = &rule.Rule{
	ID:          "data/label-shift",
	Title:       "Label distribution shifted",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "The share of each label value moved past the threshold between two versions of a dataset.",
	Description: "A change of class balance changes the decision threshold a model learns; a targeted one (more rows of one class) is a " +
		"cheap way to bias a model without touching any feature.",
	Fix:        "Confirm that the new class balance is real; if not, find the rows that added to the growing class (`mlsec data diff` lists them).",
	References: dataRefs,
}

// PoisoningRowsChanged is rows rewritten in place under the same key.
var PoisoningRowsChanged = &rule.Rule{
	ID:          "data/poisoning-rows-changed",
	Title:       "Rows rewritten in place",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "Rows that exist in both versions under the same key have different values in the new one.",
	Description: "Training sets usually grow by appending. Rows whose key is unchanged but whose features were rewritten are how an attacker " +
		"with write access edits examples without changing the row count.",
	Fix:        "Review the listed rows against their source; restore them from the previous version unless the edit is explained.",
	References: dataRefs,
}

// PoisoningLabelFlip is labels that disagree with identical features.
var PoisoningLabelFlip = &rule.Rule{
	ID:          "data/poisoning-label-flip",
	Title:       "Labels flipped on unchanged features",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "Rows carry a label that disagrees with the label identical features have in the reference or elsewhere in the new version.",
	Description: "Label flipping is the simplest poisoning attack: the features stay, the label changes, and the model learns the wrong " +
		"answer for that region of the input space. Natural label noise already present in the reference is not counted.",
	Fix:        "Restore the labels of the listed rows from the reference and find out who changed them.",
	References: append([]string{"https://arxiv.org/abs/1206.6389"}, dataRefs...),
}

// PoisoningDuplicates is duplicated or near-duplicated rows injected.
var PoisoningDuplicates = &rule.Rule{
	ID:          "data/poisoning-duplicates",
	Title:       "Duplicate rows injected",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "The new version has more exact or near-duplicate rows than the reference's own rate explains.",
	Description: "Repeating a handful of examples many times (with case, punctuation or number precision varied to escape exact " +
		"de-duplication) weights the model towards them: a cheap way to plant a behaviour.",
	Fix:        "De-duplicate the new rows and find where the copies came from.",
	References: dataRefs,
}

// PoisoningConcentration is many rows moved onto one target value or item.
var PoisoningConcentration = &rule.Rule{
	ID:          "data/poisoning-target-concentration",
	Title:       "Rows concentrated on one target value or item",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "One value of the label or of an item/target column gained a share of rows far beyond its share in the reference.",
	Description: "Promoting one item in a recommender, or pushing examples onto one class, shows up as a single value whose share of the " +
		"new or changed rows jumps. The listed rows are the new or changed ones carrying it.",
	Fix:        "Review where the new rows for that value came from (fake interactions, one account, one upstream job) and drop them if unexplained.",
	References: dataRefs,
}

// PoisoningOutOfRange is values outside the reference's range.
var PoisoningOutOfRange = &rule.Rule{
	ID:          "data/poisoning-out-of-range",
	Title:       "Values outside the reference range",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "Numeric values in the new version fall outside the reference's minimum and maximum (with a margin).",
	Description: "Extreme values pull a model's weights further than ordinary rows; injected outliers are a poisoning technique, and " +
		"impossible values (an age of 240) also mean a broken upstream job.",
	Fix:        "Validate the listed rows against the column's allowed range and drop or correct them.",
	References: dataRefs,
}

// PoisoningTrigger is a token whose frequency in a text column jumped.
var PoisoningTrigger = &rule.Rule{
	ID:          "data/poisoning-trigger-token",
	Title:       "Possible backdoor trigger in text",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  dataTechniques,
	Mitigations: dataMitigations,
	Summary:     "A token rare or absent in the reference appears in a large share of the new version's rows of a text column.",
	Description: "Backdoor attacks on text models add a rare trigger phrase to a set of training examples with the attacker's label; the " +
		"trained model then obeys the trigger at inference time. A token whose row frequency jumps from nothing is how such a trigger looks in the data.",
	Fix:        "Inspect the listed rows; remove those that carry the token and check their labels and source.",
	References: append([]string{"https://arxiv.org/abs/2006.01043"}, dataRefs...),
}
