package model

import (
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// Rules lists every rule the model analyzer reports.
var Rules = []*rule.Rule{rules.PickleDangerousCall, rules.PickleUnknownGlobal, rules.PickleGadget, rules.PickleSecondStage, rules.PickleMalformed, rules.ArchiveAnomaly, rules.ScanLimit, rules.KerasCode}
