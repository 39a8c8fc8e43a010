package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers/pyparse"
	"github.com/mlsec/mlsec/internal/python"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/secretlike"
)

// userTemplate matches Jinja expressions rendering values the DAG's
// trigger controls: {{ dag_run.conf[...] }}, {{ dag_run.conf.get(...) }},
// {{ params.x }}.
var userTemplate = regexp.MustCompile(`\{\{[^}]*?\b(dag_run\.conf\b|params\s*[.\[])[^}]*\}\}`)

// secretTemplate matches Jinja expressions rendering a Variable or a
// connection's password into the text.
var secretTemplate = regexp.MustCompile(`\{\{\s*(var\.value\.([A-Za-z0-9_]+)|var\.value\.get\(\s*['"]([^'"]+)['"]|conn\.[A-Za-z0-9_]+\.password)[^}]*\}\}`)

// variableGet matches Variable.get("name", …) written into the command text.
var variableGet = regexp.MustCompile(`Variable\.get\(\s*['"]([^'"]+)['"]`)

// envPair matches "NAME": "value" in a dict literal.
var envPair = regexp.MustCompile(`['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*:\s*['"]([^'"]*)['"]`)

// runAirflow checks BashOperator calls in an Airflow DAG file.
func runAirflow(p *analysis.Pass) error {
	m, err := pyparse.Module(p)
	if err != nil {
		return err
	}
	src := m.Src
	for i := range m.Calls {
		if i%256 == 0 && p.Canceled() {
			return p.Context.Err()
		}
		c := &m.Calls[i]
		if !isBashOperator(c) {
			continue
		}
		if a := c.Arg("bash_command"); a != nil {
			checkBashCommand(p, src, a)
		}
		if a := c.Arg("env"); a != nil && a.End <= len(src) && a.Start < a.End {
			for _, mm := range envPair.FindAllStringSubmatch(string(src[a.Start:a.End]), -1) {
				if secretlike.Literal(mm[1], mm[2]) {
					p.Report(analysis.Diagnostic{Rule: rules.CredentialInCommand, Location: p.Line(a.Line, a.Col), Evidence: mm[1] + "=" + secretlike.Mask(mm[2]),
						Message: fmt.Sprintf("BashOperator env sets %s to a literal credential written in the DAG file", mm[1])})
				}
			}
		}
	}
	return nil
}

func isBashOperator(c *python.Call) bool {
	for _, name := range []string{c.Resolved, c.Callee} {
		if name == "BashOperator" || strings.HasSuffix(name, ".BashOperator") {
			return true
		}
	}
	return false
}

func checkBashCommand(p *analysis.Pass, src []byte, a *python.Arg) {
	if a.End > len(src) || a.Start >= a.End {
		return
	}
	raw := string(src[a.Start:a.End])
	loc := p.Line(a.Line, a.Col)
	if m := userTemplate.FindString(raw); m != "" && !strings.Contains(m, "quote") {
		p.Report(analysis.Diagnostic{Rule: rules.AirflowCommandInjection, Location: loc, Evidence: m,
			Message: fmt.Sprintf("bash_command renders %s unquoted into the shell command: whoever triggers the DAG can run commands on the worker", m)})
	}
	if m := variableGet.FindStringSubmatch(raw); m != nil {
		p.Report(analysis.Diagnostic{Rule: rules.CredentialInCommand, Location: loc, Evidence: m[0],
			Message: fmt.Sprintf("bash_command inlines Variable %q into the command text, where it shows in the rendered template and logs", m[1])})
		return
	}
	if m := secretTemplate.FindStringSubmatch(raw); m != nil {
		name := m[2] + m[3]
		if strings.HasPrefix(m[1], "conn.") || secretlike.SecretName(name) {
			p.Report(analysis.Diagnostic{Rule: rules.CredentialInCommand, Location: loc, Evidence: m[0],
				Message: fmt.Sprintf("bash_command renders a secret (%s) into the command text, where it shows in the rendered template and logs", strings.TrimSpace(m[1]))})
			return
		}
	}
	if a.Kind != python.StringLit {
		return
	}
	for _, w := range strings.Fields(a.Value) {
		name, val, ok := strings.Cut(w, "=")
		val = strings.Trim(val, `"'`)
		if secretlike.Token(strings.Trim(w, `"'`)) || ok && strings.TrimLeft(name, "-") != "" && secretlike.Literal(strings.TrimLeft(name, "-"), val) {
			p.Report(analysis.Diagnostic{Rule: rules.CredentialInCommand, Location: loc, Evidence: w,
				Message: "bash_command carries a literal credential written in the DAG file"})
			return
		}
	}
}
