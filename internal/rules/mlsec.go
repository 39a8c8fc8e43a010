package rules

import "github.com/mlsec/mlsec/internal/rule"

// Notes about the scan itself: suppressions that match nothing, values that could not be resolved.

// UnusedIgnore is reported for an inline ignore that suppressed nothing, so
// stale suppressions do not pile up and hide the next real finding.
var UnusedIgnore = &rule.Rule{
	ID:       "mlsec/unused-ignore",
	Title:    "Inline ignore that matches no finding",
	Severity: rule.Low,
	Phase:    rule.Design,
	Summary:  "An `mlsec: ignore[...]` comment suppresses nothing: the finding moved, was fixed, or the rule ID is misspelled.",
	Fix:      "Remove the comment, or correct the rule ID and move it to the finding's line or the line above.",
}

// Unresolved notes a security-relevant attribute whose value could not
// be worked out from the file, so the check it decides was not made.
var Unresolved = &rule.Rule{
	ID:         "mlsec/unresolved",
	Title:      "Security-relevant value not resolved",
	Severity:   rule.Info,
	Confidence: rule.HighConfidence,
	Phase:      rule.Design,
	// A note about the scan's own coverage, not an attack: no ATLAS technique.
	Summary: "An attribute that decides a check depends on a variable, module output or resource attribute mlsec cannot see, so that check was not made.",
	Description: "mlsec analyzes one Terraform file at a time and resolves `var.*` from `variable` defaults and " +
		"`local.*` from `locals` in the same file. When an attribute that decides a rule (direct internet access, " +
		"an ACL, a CIDR, a versioning status…) depends on anything else — a variable without a default or " +
		"declared in another file, a module output, a data source, `count`/`for_each` — mlsec does not guess: it " +
		"records this note naming the attribute and the rule that was skipped. Give the variable a default in " +
		"the same file, or review the value by hand.",
	Fix: "Check the value by hand (or with `terraform plan` output), or declare the variable's default in the same file.",
	References: []string{
		"https://developer.hashicorp.com/terraform/language/values/variables",
	},
}
