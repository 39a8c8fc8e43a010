package mlcmd

import (
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

func TestTorchServeProperties(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		line       int // 0: no finding
		msg        string
	}{
		{"ShellTorch default config", "inference_address=http://0.0.0.0:8080\nmanagement_address=http://0.0.0.0:8081\nmetrics_address=http://0.0.0.0:8082\n", 2, "CVE-2023-43654"},
		{"token auth off", "# serving\nmanagement_address = https://[::]:8444\ndisable_token_authorization=true\n", 2, "token authorization is disabled"},
		{"token off and model api on", "management_address=0.0.0.0:8081\ndisable_token_authorization=true\nenable_model_api=true\n", 1, "register a model"},
		{"colon separator", "management_address: http://0.0.0.0:8081\n", 1, "all interfaces"},
		{"localhost", "inference_address=http://0.0.0.0:8080\nmanagement_address=http://127.0.0.1:8081\n", 0, ""},
		{"default address", "inference_address=http://0.0.0.0:8080\nmodel_store=/home/model-server/model-store\n", 0, ""},
		{"hardened 0.11 settings", "management_address=http://0.0.0.0:8081\nenable_model_api=false\n", 0, ""},
		{"model api off but token off", "management_address=http://0.0.0.0:8081\nenable_model_api=false\ndisable_token_authorization=true\n", 1, "token authorization is disabled"},
		{"commented out", "#management_address=http://0.0.0.0:8081\n", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := TorchServeProperties(tc.text)
			if tc.line == 0 {
				if len(got) != 0 {
					t.Fatalf("unexpected %+v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d matches, want 1", len(got))
			}
			m := got[0]
			if m.Line != tc.line || m.Rule != rules.ModelServerAdmin || m.Severity != rule.High || !strings.Contains(m.Message, tc.msg) {
				t.Errorf("got line %d rule %s sev %s msg %q; want line %d, %q", m.Line, m.Rule.ID, m.Severity, m.Message, tc.line, tc.msg)
			}
		})
	}
}
