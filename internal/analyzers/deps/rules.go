package deps

import (
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// Rules lists every rule of the deps analyzer.
var Rules = []*rule.Rule{rules.ExtraIndexURL, rules.InsecureIndex, rules.InsecureDirectURL, rules.UnpinnedMLPackage, rules.CredentialInIndexURL, rules.KnownMaliciousPackage}
