package config

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// setting is one trait assignment in a Jupyter config file.
type setting struct {
	value   string // the literal's value; for strings, without quotes
	literal bool   // value is a literal string, bool or number
	line    int
	text    string // as written, for evidence
}

// jupyterClasses whose traits decide authentication and web security.
var jupyterClasses = map[string]bool{"ServerApp": true, "NotebookApp": true, "IdentityProvider": true, "PasswordIdentityProvider": true}

func runJupyter(p *analysis.Pass) error {
	var traits map[string]setting
	var err error
	if strings.HasSuffix(strings.ToLower(p.File.Path), ".json") {
		traits, err = jupyterJSON(p.Content)
	} else {
		traits = jupyterPy(string(p.Content))
	}
	if err != nil {
		return err
	}
	checkJupyter(p, traits)
	return nil
}

// jupyterPy scans `c.Class.trait = value` assignments, one per line as
// config files are written. The last assignment of a trait wins, as when
// Python runs the file. Later classes (ServerApp) share the trait name with
// older ones (NotebookApp); the checks treat them alike.
func jupyterPy(src string) map[string]setting {
	out := map[string]setting{}
	for i, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(raw)
		if !strings.HasPrefix(line, "c.") {
			continue
		}
		lhs, rhs, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(rhs, "=") {
			continue
		}
		parts := strings.Split(strings.TrimSpace(lhs), ".")
		if len(parts) != 3 || !jupyterClasses[parts[1]] {
			continue
		}
		val, literal := pyLiteral(strings.TrimSpace(rhs))
		out[parts[2]] = setting{value: val, literal: literal, line: i + 1, text: strings.TrimSpace(stripComment(line))}
	}
	return out
}

// pyLiteral reads a Python literal at the start of s: a string (single,
// double or triple quoted, with an optional u/r prefix), True, False, a
// number. Anything else is an expression whose value is unknown.
func pyLiteral(s string) (string, bool) {
	s = strings.TrimSpace(stripComment(s))
	if len(s) > 0 && (s[0] == 'u' || s[0] == 'r' || s[0] == 'U' || s[0] == 'R') && len(s) > 1 && (s[1] == '\'' || s[1] == '"') {
		s = s[1:]
	}
	for _, q := range []string{`"""`, `'''`, `"`, `'`} {
		if strings.HasPrefix(s, q) {
			end := strings.Index(s[len(q):], q)
			if end < 0 {
				return "", false
			}
			if strings.TrimSpace(s[len(q)+end+len(q):]) != "" {
				return "", false // "a" + b and the like
			}
			return s[len(q) : len(q)+end], true
		}
	}
	switch s {
	case "True", "False", "None":
		return s, true
	}
	return s, false
}

// stripComment removes a trailing # comment outside quotes.
func stripComment(s string) string {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case quote == 0 && c == '#':
			return s[:i]
		}
	}
	return s
}

// jupyterJSON reads {"ServerApp": {"token": "", …}, …}.
func jupyterJSON(content []byte) (map[string]setting, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, fmt.Errorf("invalid JSON in Jupyter config: %v", jsonErr(content, err))
	}
	out := map[string]setting{}
	for class, raw := range doc {
		if !jupyterClasses[class] {
			continue
		}
		var traits map[string]any
		if json.Unmarshal(raw, &traits) != nil {
			continue
		}
		for name, v := range traits {
			s := setting{line: jsonKeyLine(content, name), text: fmt.Sprintf("%s.%s = %v", class, name, v)}
			switch v := v.(type) {
			case string:
				s.value, s.literal = v, true
			case bool:
				s.value, s.literal = map[bool]string{true: "True", false: "False"}[v], true
			}
			out[name] = s
		}
	}
	return out, nil
}

func jsonErr(content []byte, err error) string {
	if se, ok := err.(*json.SyntaxError); ok && int(se.Offset) <= len(content) {
		return fmt.Sprintf("line %d: %v", 1+strings.Count(string(content[:se.Offset]), "\n"), err)
	}
	return err.Error()
}

// jsonKeyLine finds the line of a key's first occurrence, for the finding.
func jsonKeyLine(content []byte, key string) int {
	i := strings.Index(string(content), `"`+key+`"`)
	if i < 0 {
		return 1
	}
	return 1 + strings.Count(string(content[:i]), "\n")
}

func checkJupyter(p *analysis.Pass, t map[string]setting) {
	all := false
	if ip, ok := t["ip"]; ok && ip.literal {
		switch ip.value {
		case "0.0.0.0", "*", "", "::":
			all = true
		}
	}
	tok, tokSet := t["token"]
	pwSet := false
	for _, k := range []string{"password", "hashed_password"} {
		if pw, ok := t[k]; ok && (!pw.literal || pw.value != "") {
			pwSet = true
		}
	}
	if tokSet && tok.literal && tok.value == "" && !pwSet {
		d := analysis.Diagnostic{Rule: rules.JupyterNoAuth, Location: p.Line(tok.line, 1), Evidence: tok.text,
			Message: "Jupyter token is empty and no password is set: anyone reaching it can run code"}
		if all {
			d.Severity, d.SeverityReason = rule.Critical, "the server also listens on all interfaces"
			d.Message = "Jupyter token is empty, no password is set and it listens on all interfaces: anyone on the network can run code"
		}
		p.Report(d)
	}
	insecure := func(name, why string, bad func(v string) bool) {
		if s, ok := t[name]; ok && s.literal && bad(s.value) {
			p.Report(analysis.Diagnostic{Rule: rules.JupyterInsecureOption, Location: p.Line(s.line, 1), Evidence: s.text, Message: "Jupyter " + why})
		}
	}
	isTrue := func(v string) bool { return v == "True" }
	insecure("allow_origin", "accepts API requests from any web origin", func(v string) bool { return v == "*" })
	insecure("allow_origin_pat", "accepts API requests from any web origin", func(v string) bool { return v == ".*" || v == ".+" })
	insecure("disable_check_xsrf", "has its cross-site request forgery check disabled", isTrue)
	insecure("allow_root", "allows running as root", isTrue)
	insecure("allow_remote_access", "skips its Host-header check against DNS rebinding", isTrue)
}
