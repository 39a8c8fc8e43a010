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
