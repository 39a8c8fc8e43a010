package engine

import (
	"testing"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

func secretFinding(r *rule.Rule, line int, sev rule.Severity, asset string) finding.Finding {
	return finding.Finding{Rule: r, RuleID: r.ID, Severity: sev, Location: finding.Location{Path: "a/Dockerfile", Line: line},
		Message: r.ID + " message", Assets: []string{asset}}
}

func TestFoldSecrets(t *testing.T) {
	fs := []finding.Finding{
		secretFinding(rules.CredentialInEnv, 4, rule.High, "credential:env:HF_TOKEN"),
		secretFinding(rules.HardcodedToken, 4, rule.High, "credential:leaked:hf"),
		secretFinding(rules.DVCRemoteCredential, 7, rule.High, "data-store:s3://b"),
		secretFinding(rules.CloudCredential, 7, rule.Critical, "credential:leaked:aws"),
		secretFinding(rules.HardcodedToken, 9, rule.High, "credential:leaked:groq"),
		secretFinding(rules.GenericHighEntropy, 9, rule.Medium, "credential:leaked:generic"),
		secretFinding(rules.HardcodedToken, 12, rule.High, "credential:leaked:r8"), // alone on its line
		secretFinding(rules.ImageNotPinned, 4, rule.Low, "image:x"),                // not a secret rule
	}
	fs[3].SeverityReason = "a cloud account secret key"
	result.SortFindings(fs)
	got := foldSecrets(fs)
	type key struct {
		rule string
		line int
	}
	byKey := map[key]finding.Finding{}
	for _, f := range got {
		byKey[key{f.RuleID, f.Location.Line}] = f
	}
	if len(got) != 5 {
		t.Fatalf("got %d findings, want 5: %+v", len(got), got)
	}
	env := byKey[key{"secret/credential-in-env", 4}]
	if len(env.Assets) != 2 || len(env.Related) != 1 || env.Severity != rule.High {
		t.Errorf("context finding did not take the detector's: %+v", env)
	}
	dvc := byKey[key{"secret/dvc-remote-credential", 7}]
	if dvc.Severity != rule.Critical || dvc.SeverityReason != "a cloud account secret key" {
		t.Errorf("severity not raised: %s %q", dvc.Severity, dvc.SeverityReason)
	}
	if _, ok := byKey[key{"secret/hardcoded-token", 9}]; !ok {
		t.Errorf("two detector findings on a line: the most severe should stay")
	}
	if _, ok := byKey[key{"secret/hardcoded-token", 12}]; !ok {
		t.Errorf("a detector finding alone on its line was dropped")
	}
	if _, ok := byKey[key{"supply-chain/image-not-pinned", 4}]; !ok {
		t.Errorf("a finding of another family was folded")
	}
}
