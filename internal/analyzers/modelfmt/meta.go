package modelfmt

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// What a metadata string carries, strongest first. Patterns need a
// command or call shape, not a bare word: descriptions say "python" and
// "system prompt" all the time.
var (
	shellRE = regexp.MustCompile(`(?i)(\b(curl|wget)\s+[^|;]*\|\s*(ba|z|da)?sh\b|\b(bash|sh|zsh)\s+-c\b|/bin/(ba)?sh\b|\brm\s+-rf\s+/|\bnc\s+(-e|-c)\b|\bchmod\s+\+x\b|\bpowershell(\.exe)?\s+-(e|enc|c)\b|\$\((curl|wget|id|whoami|cat)\b)`)
	codeRE  = regexp.MustCompile(`(__import__\s*\(|\bimport\s+(os|subprocess|socket|pty|base64|pickle)\b|\bos\.(system|popen|exec[lv]p?e?)\s*\(|\bsubprocess\.\w+\s*\(|\beval\s*\(|\bexec\s*\(|\bpickle\.loads?\s*\(|\bbase64\.b64decode\s*\(|<script\b)`)
	urlRE   = regexp.MustCompile(`(?i)\b(https?|ftp|s3|gs)://[^\s"'<>]+`)
)

// urlKeys are metadata keys whose value is a URL by design (GGUF
// general.url, general.source.url, general.license.link, repo names).
func urlKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"url", "link", "repo", "source", "homepage", "license", "author", "hub"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// checkMetadata reports a metadata value that carries a shell command,
// code, or (outside URL-valued keys) a URL.
func (p *pass) checkMetadata(member string, off int64, key, val, where string) {
	var sev rule.Severity
	var what, ev string
	switch {
	case shellRE.MatchString(val):
		sev, what, ev = rule.High, "a shell command", shellRE.FindString(val)
	case codeRE.MatchString(val):
		sev, what, ev = rule.High, "Python code", codeRE.FindString(val)
	case urlRE.MatchString(val) && !urlKey(key):
		sev, what, ev = rule.Low, "a URL", urlRE.FindString(val)
	default:
		return
	}
	p.report(analysis.Diagnostic{
		Rule: rules.ModelMetadataCode, Location: p.at(member, off),
		Message:  fmt.Sprintf("%s %q carries %s", where, key, what),
		Evidence: clip(ev, 200), Severity: sev,
		SeverityReason: map[bool]string{true: "a command or code, staged for whatever tool reads the field", false: "a URL only: a pointer outside the reviewed file, not code"}[sev == rule.High],
	})
}
