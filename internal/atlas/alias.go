package atlas

import (
	"regexp"
)

// aiWord matches "AI" as a word: in "AI Model Access" and "AI-Enabled
// Product or Service", not in "Maintain" or "GenAI".
var aiWord = regexp.MustCompile(`\bAI\b`)

// aliases returns the names an object had before ATLAS 4.9, which renamed
// "ML …" to "AI …" throughout ("ML Supply Chain Compromise" became "AI Supply
// Chain Compromise", "ML Artifacts" became "AI Artifacts"). The rule is
// mechanical: every word "AI" becomes "ML". Objects added after 4.9 get an
// alias they never carried, which costs nothing and lets an old name search
// find them.
func aliases(name string) []string {
	if !aiWord.MatchString(name) {
		return nil
	}
	return []string{aiWord.ReplaceAllString(name, "ML")}
}
