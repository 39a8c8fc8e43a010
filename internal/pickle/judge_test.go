package pickle

import (
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
)

func TestJudge(t *testing.T) {
	for _, c := range []struct {
		module, name    string
		allowed, danger bool
		min             rule.Severity
	}{
		{"os", "system", false, true, rule.Critical},
		{"builtins", "eval", false, true, rule.Critical},
		{"mailcap", "findmatch", false, true, rule.High}, // derived tier
		{"numpy", "ndarray", true, false, 0},
		{"sklearn.linear_model._logistic", "LogisticRegression", true, false, 0},
		{"acme.models", "FraudNet", false, false, 0},
	} {
		v := Judge(c.module, c.name)
		if v.Allowed != c.allowed || v.Danger != c.danger || (c.danger && v.Sev < c.min) {
			t.Errorf("Judge(%s, %s) = %+v", c.module, c.name, v)
		}
	}
}
