package secretlike

import "strings"

// Reference reports whether v refers to a secret kept elsewhere, or shows
// one already masked, instead of holding it. These forms are syntax rather
// than guesses, so Reference is the test to use where a miss would print a
// secret (redaction): a real credential practically never starts with "$"
// or "<" or contains "${", "$(", "{{" or "%(".
func Reference(v string) bool {
	v = strings.TrimSpace(v)
	switch {
	// Shell, compose, pip, Terraform and Helm interpolation:
	// ${HF_TOKEN}, ${PG_PASSWORD:-}, https://${PIP_USER}:${PIP_TOKEN}@host.
	case strings.Contains(v, "${"),
		// Kubernetes dependent variables $(DB_PASSWORD) and shell command
		// substitution $(cat /run/secrets/pw).
		strings.Contains(v, "$("),
		// $VAR, as .env files, shells and CI systems write a variable.
		strings.HasPrefix(v, "$"),
		// Go, Helm, Jinja and Airflow templates: {{ .Values.password }},
		// {{ var.value.hf_token }}; the value is rendered at deploy time.
		strings.Contains(v, "{{"),
		// Python %-formatting and configparser interpolation: %(password)s.
		strings.Contains(v, "%("),
		// <token>, <your-api-key>: documentation's "fill this in"; and
		// <nil>, what a Helm chart renders for a value left unset.
		strings.HasPrefix(v, "<"),
		// Code that reads the secret at run time rather than holding it:
		// os.environ["HF_TOKEN"], Terraform's var.db_password.
		strings.HasPrefix(v, "os.environ"), strings.HasPrefix(v, "var."),
		// Already masked, by the author or by mlsec itself: redacting a
		// redacted text must change nothing.
		strings.Contains(v, "****"):
		return true
	}
	return false
}

// fillerWords are whole values that tutorials, charts and templates put
// where the reader is to supply a secret. Some are also well-known default
// passwords (changeme, password, secret): Placeholder counts them, and
// callers that report default credentials (Weak, EnvPlaceholder) check for
// those first.
var fillerWords = map[string]bool{
	"changeme": true, "change-me": true, "change_me": true, "changeit": true,
	"replaceme": true, "replace-me": true, "replace_me": true,
	"placeholder": true, "todo": true, "tbd": true, "dummy": true, "fake": true, "example": true, "sample": true,
	"redacted": true, "secret": true, "password": true, "token": true,
	// Values that are not strings at all: YAML nulls and booleans written
	// where a chart expects a secret, and a pair of empty quotes kept by a
	// parser that did not unquote.
	"none": true, "null": true, "true": true, "false": true, "''": true, `""`: true,
}

// fillerPrefixes start values that invite the reader to replace them:
// chart defaults such as my-api-key or my-secret-token, insert-token-here,
// and numbered variants of changeme (changeme123, changeme!). The cost is a
// miss on a real password that starts the same way (my-s3cret-pass); a
// chart's default values would otherwise fill a report.
var fillerPrefixes = []string{"my-", "insert", "changeme"}

// fillerInfixes mark a template value wherever they appear, so that a
// vendor prefix in front does not make it look real: your-client-secret,
// sk-your_key_here, REPLACE_WITH_TOKEN, AKIAXXXXXXXXXXXXXXXX (the x's are
// matched regardless of case).
var fillerInfixes = []string{"your-", "your_", "replace", "xxxx"}

// Placeholder reports whether v stands for a secret instead of being one:
// empty, a Reference (${VAR}, $(VAR), {{ … }}, <token>, masked text), or
// filler text that marks the spot for a real value (changeme, your-token,
// xxxx, ***, null). Values are compared without surrounding spaces and
// regardless of case.
//
// Placeholder is a heuristic: it prefers missing a secret whose value reads
// like filler over reporting every template in a chart. Where a miss prints
// a secret rather than skipping a finding, use Reference.
func Placeholder(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" || Reference(v) {
		return true
	}
	l := strings.ToLower(v)
	if fillerWords[l] {
		return true
	}
	for _, p := range fillerPrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	for _, s := range fillerInfixes {
		if strings.Contains(l, s) {
			return true
		}
	}
	// Nothing but masking marks: x, xxx, ***, ..., ---, ___ and mixes of
	// them, which documentation writes for a value it will not show.
	return strings.Trim(l, "x*.-_ ") == ""
}

// EnvPlaceholder reports whether a value written in an environment or a
// config file (Dockerfile ENV and ARG, compose environment, a DAG's env, a
// .dvc/config) is not a literal credential: a Placeholder, a value with "$"
// anywhere, which Dockerfiles, compose and shells substitute
// (prefix-$SUFFIX; a literal "$" escaped as "$$" counts too, a known miss
// preferred to reporting interpolated values), or a path to a secret file
// (/run/secrets/pg_password, ./secrets/token, ~/.netrc) as the _FILE
// convention of Docker images passes it.
//
// A well-known default password (Weak) is never a placeholder here, even
// when Placeholder counts it as filler (changeme, password, secret): these
// files are deployed as written, and a default that ships is the weakest
// credential there is.
func EnvPlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	if Weak(v) {
		return false
	}
	return Placeholder(v) || strings.Contains(v, "$") ||
		strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "~")
}
