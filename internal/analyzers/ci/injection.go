package ci

import (
	"fmt"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// codeInputs are action inputs whose value is run as code: the script of
// actions/github-script, the command of docker-run style actions.
var codeInputs = map[string]bool{"script": true, "run": true, "command": true, "commands": true, "cmd": true, "shell-script": true, "inlinescript": true, "code": true}

// lower is m with lower-case keys, for the case-insensitive env context.
func lower(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// gitlabTainted are GitLab's predefined variables that the author of a
// merge request, a branch or a commit writes. The *_SLUG variants are
// sanitised by GitLab and not listed.
var gitlabTainted = map[string]bool{
	"CI_MERGE_REQUEST_TITLE": true, "CI_MERGE_REQUEST_DESCRIPTION": true, "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": true,
	"CI_MERGE_REQUEST_LABELS": true, "CI_COMMIT_MESSAGE": true, "CI_COMMIT_TITLE": true, "CI_COMMIT_DESCRIPTION": true,
	"CI_COMMIT_BRANCH": true, "CI_COMMIT_REF_NAME": true, "CI_COMMIT_TAG_MESSAGE": true, "CI_COMMIT_AUTHOR": true,
	"CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME": true,
}

// injection reports ci/script-injection: attacker-written contexts pasted
// into scripts by the runner, and attacker-written variables that a script
// hands back to a parser (eval, sh -c, command position).
func (f *file) injection(j *job) {
	sev, why := rule.High, ""
	if t := f.wf.privileged(); t != nil && (len(f.infos[j].secrets) > 0 || j.canWrite()) {
		sev, why = rule.Critical, "the workflow runs on "+t.name+" with secrets or a token that can write"
	}
	// Variables (env:, GitLab variables:) that carry attacker text; a
	// static value set closer to the step hides a tainted one.
	inputs := f.wf.platform == action || f.wf.has("workflow_call") != nil && len(f.wf.triggers) == 1
	taintedEnv := map[string]string{}
	addEnv := func(into map[string]string, env []envVar) {
		for _, e := range env {
			src := ""
			if f.wf.platform == gitlab {
				for _, m := range varRefRE.FindAllStringSubmatch(e.val.s, 16) {
					if gitlabTainted[m[1]] {
						src = "$" + m[1]
					} else if into[m[1]] != "" {
						src = into[m[1]]
					}
				}
			} else {
				for _, x := range exprsIn(e.val.s) {
					if x.node != nil {
						if t := tainted(x.node, taintCtx{env: lower(into), inputs: inputs}); t != "" {
							src = t
						}
					}
				}
			}
			if src != "" {
				into[e.name] = src
			} else {
				delete(into, e.name)
			}
		}
	}
	addEnv(taintedEnv, f.wf.env)
	addEnv(taintedEnv, j.env)
	for _, s := range j.steps {
		stepEnv := taintedEnv
		if len(s.env) > 0 {
			stepEnv = map[string]string{}
			for k, v := range taintedEnv {
				stepEnv[k] = v
			}
			addEnv(stepEnv, s.env)
		}
		if f.wf.platform != gitlab {
			tc := taintCtx{env: lower(stepEnv), inputs: inputs}
			f.pasted(j, s.run, "run: script", tc, sev, why)
			for _, k := range sortedKeys(s.with) {
				if codeInputs[k] {
					f.pasted(j, s.with[k], fmt.Sprintf("%s input %q", actionName(s.uses.s), k), tc, sev, why)
				}
			}
		}
		sc := f.script(s)
		if sc == nil || sc.file == nil {
			continue
		}
		isTainted := func(name string) string {
			if f.wf.platform == gitlab && gitlabTainted[name] {
				return "$" + name
			}
			return stepEnv[name]
		}
		for _, h := range reEvaluated(sc.file, isTainted) {
			line, col := sc.at(h.pos)
			msg := fmt.Sprintf("job %q: %s, which carries %s, is parsed again as code by %s", j.id, "$"+h.name, h.source, h.how)
			f.report(j, rules.CIScriptInjection, line, col, msg, h.evidence, related(s.run), sev, why)
		}
	}
}

// pasted reports the attacker-written placeholders of a script value.
func (f *file) pasted(j *job, v value, where string, tc taintCtx, sev rule.Severity, why string) {
	if !strings.Contains(v.s, "${{") {
		return
	}
	for _, x := range exprsIn(v.s) {
		if x.node == nil {
			continue
		}
		t := tainted(x.node, tc)
		if t == "" {
			continue
		}
		sev, why := sev, why
		if strings.HasPrefix(t, "inputs.") {
			sev, why = rule.Medium, "an input: whether an attacker writes it depends on the callers"
		}
		line, col := v.offsetPos(x.start)
		f.report(j, rules.CIScriptInjection, line, col,
			fmt.Sprintf("job %q: ${{ %s }} is pasted into the %s before it runs, so whoever writes %s writes code", j.id, strings.TrimSpace(x.src), where, t),
			"${{"+x.src+"}}", nil, sev, why)
	}
}

type reevalHit struct {
	pos      syntax.Pos
	name     string // the variable
	source   string // what it carries
	how      string
	evidence string
}

// reEvaluated finds variables that carry attacker text and that the script
// parses again: in command position, as eval's arguments, as the code of
// sh -c, python -c and the like.
func reEvaluated(file *syntax.File, tainted func(string) string) []reevalHit {
	var out []reevalHit
	in := func(w *syntax.Word) (string, string) {
		name, src := "", ""
		syntax.Walk(w, func(n syntax.Node) bool {
			if pe, ok := n.(*syntax.ParamExp); ok && pe.Param != nil && name == "" {
				if s := tainted(pe.Param.Value); s != "" {
					name, src = pe.Param.Value, s
				}
			}
			return name == ""
		})
		return name, src
	}
	syntax.Walk(file, func(n syntax.Node) bool {
		c, ok := n.(*syntax.CallExpr)
		if !ok || len(c.Args) == 0 || len(out) > 64 {
			return true
		}
		argv := mlcmd.Argv(c)
		ev := strings.Join(argv, " ")
		if name, src := in(c.Args[0]); name != "" {
			out = append(out, reevalHit{pos: c.Args[0].Pos(), name: name, source: src, how: "the shell (it is in command position)", evidence: ev})
			return true
		}
		prog := path.Base(argv[0])
		switch {
		case prog == "eval":
			for _, w := range c.Args[1:] {
				if name, src := in(w); name != "" {
					out = append(out, reevalHit{pos: w.Pos(), name: name, source: src, how: "eval", evidence: ev})
					break
				}
			}
		case prog == "sh" || prog == "bash" || prog == "dash" || prog == "zsh" || strings.HasPrefix(prog, "python") || prog == "node" || prog == "perl" || prog == "ruby":
			for i := 1; i+1 < len(c.Args); i++ {
				if a := argv[i]; a == "-c" || a == "-e" || a == "-lc" || a == "-ec" {
					if name, src := in(c.Args[i+1]); name != "" {
						out = append(out, reevalHit{pos: c.Args[i+1].Pos(), name: name, source: src, how: prog + " " + a, evidence: ev})
					}
					break
				}
			}
		}
		return true
	})
	return out
}
