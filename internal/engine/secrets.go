package engine

import (
	"slices"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// detectorRule are the secret detector's rules (rules.Detector).
var detectorRule = func() map[*rule.Rule]bool {
	m := map[*rule.Rule]bool{}
	for _, r := range rules.Detector {
		m[r] = true
	}
	return m
}()

// foldSecrets keeps one finding per leaked key. The secret detector reads
// every text file, so a key that an input family's context rule already
// reports (secret/credential-in-env in a Dockerfile, secret/dvc-remote-credential
// in .dvc/config, secret/credential-in-index-url, secret/default-credentials…)
// is found twice, at the same line. A secret-family finding of the
// detector on a line where another secret-family finding stands is folded
// into it: the context rule says more about the place (how the value is
// exposed, what the fix is there). The kept finding takes the detector's
// assets (the credential), its message as related information, and its
// severity when that is higher, with its reason. Two detector findings on
// one line are folded likewise, the most severe kept. fs is sorted (most
// severe first) and stays so.
func foldSecrets(fs []finding.Finding) []finding.Finding {
	type place struct {
		path, member string
		line         int
	}
	keep := map[place]int{} // place → index in fs of the finding that stays
	isSecret := func(f finding.Finding) bool {
		return f.Rule != nil && f.Rule.Family() == "secret" && f.Location.Line > 0
	}
	// Context findings claim their lines first, whatever their severity.
	for i, f := range fs {
		if isSecret(f) && !detectorRule[f.Rule] {
			k := place{f.Location.Path, f.Location.Member, f.Location.Line}
			if _, ok := keep[k]; !ok {
				keep[k] = i
			}
		}
	}
	drop := map[int]bool{}
	for i, f := range fs {
		if !isSecret(f) || !detectorRule[f.Rule] {
			continue
		}
		k := place{f.Location.Path, f.Location.Member, f.Location.Line}
		j, ok := keep[k]
		if !ok {
			keep[k] = i
			continue
		}
		m := &fs[j]
		drop[i] = true
		m.Related = append(m.Related, finding.Related{Location: f.Location, Message: f.RuleID + ": " + f.Message})
		for _, a := range f.Assets {
			if !slices.Contains(m.Assets, a) {
				m.Assets = append(m.Assets, a)
			}
		}
		if f.Severity > m.Severity {
			m.Severity, m.SeverityReason = f.Severity, f.SeverityReason
			if m.SeverityReason == "" {
				m.SeverityReason = "raised by " + f.RuleID + " for the same credential"
			}
		}
	}
	if len(drop) == 0 {
		return fs
	}
	out := fs[:0]
	for i, f := range fs {
		if !drop[i] {
			out = append(out, f)
		}
	}
	return out
}
