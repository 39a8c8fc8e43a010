// Package redact masks credentials in text that mlsec prints, so a report
// never becomes the leak it warns about. The engine passes every finding's
// message and evidence through String before any writer sees it.
package redact

import (
	"regexp"
	"strings"
)

// tokenPatterns match credentials that are recognisable on their own.
var tokenPatterns = regexp.MustCompile(strings.Join([]string{
	`hf_[A-Za-z0-9]{20,}`,                     // Hugging Face
	`(?:AKIA|ASIA)[A-Z0-9]{16}`,               // AWS access key IDs
	`gh[pousr]_[A-Za-z0-9]{30,}`,              // GitHub tokens
	`github_pat_[A-Za-z0-9_]{40,}`,            // GitHub fine-grained tokens
	`glpat-[A-Za-z0-9_\-]{20,}`,               // GitLab
	`sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,}`,   // OpenAI, Anthropic
	`xox[abprs]-[A-Za-z0-9\-]{10,}`,           // Slack
	`AIza[0-9A-Za-z_\-]{35}`,                  // Google API keys
	`-----BEGIN [A-Z ]*PRIVATE KEY-----[^-]*`, // PEM private keys
}, "|"))

// assignment matches "name = value" and "name: value" where the name says
// the value is secret. The value is group 2.
var assignment = regexp.MustCompile(`(?i)((?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_\-]*["']?\s*[:=]\s*["']?)([^\s"',;}{)]{4,})`)

// urlCredentials matches user:password@ in URLs.
var urlCredentials = regexp.MustCompile(`(://[^/\s:@]+:)([^@\s/]+)(@)`)

// String returns s with credentials masked. A masked value keeps its first
// four characters (enough to tell an AWS key from a GitHub token when
// triaging) unless it is too short to spare them.
func String(s string) string {
	if s == "" {
		return s
	}
	s = tokenPatterns.ReplaceAllStringFunc(s, mask)
	s = urlCredentials.ReplaceAllString(s, "${1}****${3}")
	s = assignment.ReplaceAllStringFunc(s, func(m string) string {
		sub := assignment.FindStringSubmatch(m)
		if isPlaceholder(sub[2]) {
			return m
		}
		return sub[1] + mask(sub[2])
	})
	return s
}

func mask(v string) string {
	if strings.Contains(v, "****") {
		return v
	}
	if len(v) <= 8 {
		return "****"
	}
	return v[:4] + "****"
}

// isPlaceholder spots values that are references, not secrets: environment
// and template expressions, and values already masked.
func isPlaceholder(v string) bool {
	return strings.HasPrefix(v, "$") || strings.HasPrefix(v, "{{") || strings.HasPrefix(v, "<") ||
		strings.Contains(v, "****") || strings.HasPrefix(v, "os.environ") || strings.HasPrefix(v, "var.")
}
