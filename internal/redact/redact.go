// Package redact masks credentials in text that mlsec prints, so a report
// never becomes the leak it warns about. The engine passes every finding's
// message and evidence through String before any writer sees it.
package redact

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mlsec/mlsec/internal/secretlike"
)

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
	s = secretlike.MaskTokens(s, mask)
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		s = urlCredentials.ReplaceAllString(s, "${1}****${3}")
	}
	if !secretWord(s) {
		return s // the assignment pattern needs one of its words: skip the case-folding regexp
	}
	s = assignment.ReplaceAllStringFunc(s, func(m string) string {
		sub := assignment.FindStringSubmatch(m)
		if secretlike.Reference(sub[2]) {
			return m
		}
		return sub[1] + mask(sub[2])
	})
	return s
}

// secretWord reports whether s holds one of the words the assignment
// pattern starts with, in any case.
func secretWord(s string) bool {
	l := strings.ToLower(s)
	for _, w := range []string{"passw", "secret", "token", "key", "credential"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// mask hides a secret as secretlike.Mask does, leaving text that is
// already masked as it is, so that redacting twice changes nothing.
func mask(v string) string {
	if strings.Contains(v, "****") {
		return v
	}
	return secretlike.Mask(v)
}

// Secret shows a secret found by the secret detector as at most its first
// four characters (a quarter of it for short values) and a short hash: the
// prefix tells an AWS key from a Hugging Face token when triaging, the hash
// tells two leaks apart and lets a team check a rotated key against the
// report, and neither is enough to use the secret. The "****" keeps String
// from masking it again.
func Secret(s string) string {
	sum := sha256.Sum256([]byte(s))
	n := min(4, len(s)/4)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n-- // never cut a character in two
	}
	return s[:n] + "****#" + hex.EncodeToString(sum[:4])
}
