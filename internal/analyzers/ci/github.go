package ci

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"

	"github.com/mlsec/mlsec/internal/yamlutil"
)

// githubWorkflow parses a GitHub Actions workflow with actionlint's parser
// (typed nodes with positions) and turns it into the shared model. A file
// with syntax errors still yields what parsed, and the first error.
func githubWorkflow(content []byte, lines []string) (*workflow, error) {
	w, errs := actionlint.Parse(content)
	var err error
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool {
			if errs[i].Line != errs[j].Line {
				return errs[i].Line < errs[j].Line
			}
			return errs[i].Column < errs[j].Column
		})
		e := errs[0]
		more := ""
		if len(errs) > 1 {
			more = fmt.Sprintf(" (and %d more)", len(errs)-1)
		}
		err = fmt.Errorf("invalid GitHub Actions workflow: line %d:%d: %s%s", e.Line, e.Column, e.Message, more)
		if strings.Contains(e.Message, "could not parse as YAML") {
			// actionlint places YAML syntax errors at the top of the file;
			// the YAML decoder's own message names the line.
			if _, yerr := yamlutil.Parse(content); yerr != nil {
				return nil, yerr
			}
		}
	}
	if w == nil {
		return nil, err
	}
	b := builder{lines: lines}
	wf := &workflow{platform: github}
	if w.Name != nil {
		wf.name = w.Name.Value
	}
	for _, ev := range w.On {
		t := trigger{name: ev.EventName()}
		var p *actionlint.Pos
		switch ev := ev.(type) {
		case *actionlint.WebhookEvent:
			p = ev.Pos
		case *actionlint.ScheduledEvent:
			p = ev.Pos
		case *actionlint.WorkflowDispatchEvent:
			p = ev.Pos
		case *actionlint.RepositoryDispatchEvent:
			p = ev.Pos
		case *actionlint.WorkflowCallEvent:
			p = ev.Pos
		}
		if p != nil {
			t.line, t.col = p.Line, p.Col
		}
		wf.triggers = append(wf.triggers, t)
	}
	sort.SliceStable(wf.triggers, func(i, j int) bool { return wf.triggers[i].line < wf.triggers[j].line })
	wf.perms = ghPerms(w.Permissions)
	wf.env = b.env(w.Env)

	ids := make([]string, 0, len(w.Jobs))
	for id := range w.Jobs {
		ids = append(ids, id)
	}
	jobs := make([]*actionlint.Job, 0, len(ids))
	for _, id := range ids {
		jobs = append(jobs, w.Jobs[id])
	}
	sort.Slice(jobs, func(i, k int) bool { return posLess(jobs[i].Pos, jobs[k].Pos) })
	for _, j := range jobs {
		if j == nil {
			continue
		}
		jb := &job{wf: wf, id: str(j.ID), perms: ghPerms(j.Permissions), env: b.env(j.Env)}
		if j.Pos != nil {
			jb.line, jb.col = j.Pos.Line, j.Pos.Col
		}
		if j.ID != nil && j.ID.Pos != nil {
			jb.line, jb.col = j.ID.Pos.Line, j.ID.Pos.Col
		}
		if j.If != nil {
			jb.ifCond = j.If.Value
		}
		if j.Environment != nil && j.Environment.Name != nil {
			jb.environment = j.Environment.Name.Value
		}
		for _, n := range j.Needs {
			jb.needs = append(jb.needs, str(n))
		}
		if j.RunsOn != nil {
			for _, l := range j.RunsOn.Labels {
				jb.runsOn = append(jb.runsOn, b.val(l))
			}
			if j.RunsOn.LabelsExpr != nil {
				jb.runsOn = append(jb.runsOn, b.val(j.RunsOn.LabelsExpr))
			}
		}
		if j.Container != nil && j.Container.Image != nil {
			jb.image = b.val(j.Container.Image)
		}
		if j.Services != nil {
			keys := make([]string, 0, len(j.Services.Value))
			for k := range j.Services.Value {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if s := j.Services.Value[k]; s != nil && s.Container != nil && s.Container.Image != nil {
					jb.services = append(jb.services, b.val(s.Container.Image))
				}
			}
		}
		if c := j.WorkflowCall; c != nil {
			jb.call = b.val(c.Uses)
			if c.InheritSecrets {
				v := jb.call
				v.s = "secrets: inherit"
				if ln, col, ok := findKey(lines, "secrets", jb.line); ok {
					v.line, v.col = ln, col
				}
				jb.inheritSecrets = &v
			}
			for _, k := range sortedSecretKeys(c.Secrets) {
				s := c.Secrets[k]
				jb.callSecrets = append(jb.callSecrets, envVar{name: str(s.Name), val: b.val(s.Value)})
			}
			for _, k := range sortedInputKeys(c.Inputs) {
				jb.callSecrets = append(jb.callSecrets, envVar{name: str(c.Inputs[k].Name), val: b.val(c.Inputs[k].Value)})
			}
		}
		for _, s := range j.Steps {
			if s == nil {
				continue
			}
			st := &step{name: str(s.Name), env: b.env(s.Env)}
			if s.Pos != nil {
				st.line, st.col = s.Pos.Line, s.Pos.Col
			}
			if s.If != nil {
				st.ifCond = s.If.Value
			}
			switch e := s.Exec.(type) {
			case *actionlint.ExecRun:
				if e.Run != nil {
					st.run = b.val(e.Run)
				}
			case *actionlint.ExecAction:
				st.uses = b.val(e.Uses)
				st.with = map[string]value{}
				for k, in := range e.Inputs {
					if in != nil {
						st.with[strings.ToLower(k)] = b.val(in.Value)
					}
				}
				if e.Args != nil {
					st.with["args"] = b.val(e.Args)
				}
				if e.Entrypoint != nil {
					st.with["entrypoint"] = b.val(e.Entrypoint)
				}
			}
			jb.steps = append(jb.steps, st)
		}
		wf.jobs = append(wf.jobs, jb)
	}
	return wf, err
}

func posLess(a, b *actionlint.Pos) bool {
	if a == nil || b == nil {
		return b != nil
	}
	return a.IsBefore(b)
}

func str(s *actionlint.String) string {
	if s == nil {
		return ""
	}
	return s.Value
}

func sortedSecretKeys(m map[string]*actionlint.WorkflowCallSecret) []string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v != nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func sortedInputKeys(m map[string]*actionlint.WorkflowCallInput) []string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v != nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func ghPerms(p *actionlint.Permissions) *perms {
	if p == nil {
		return nil
	}
	out := &perms{}
	if p.Pos != nil {
		out.line, out.col = p.Pos.Line, p.Pos.Col
	}
	if p.All != nil {
		out.all = p.All.Value
		if p.All.Pos != nil {
			out.line, out.col = p.All.Pos.Line, p.All.Pos.Col
		}
	}
	for name, s := range p.Scopes {
		if s != nil && s.Value != nil && s.Value.Value == "write" {
			out.write = append(out.write, name)
		}
	}
	sort.Strings(out.write)
	return out
}

// builder turns actionlint strings into values with the file's layout.
type builder struct{ lines []string }

func (b builder) val(s *actionlint.String) value {
	if s == nil {
		return value{}
	}
	v := value{s: s.Value}
	if s.Pos != nil {
		v.line, v.col = s.Pos.Line, s.Pos.Col
	}
	b.layout(&v)
	return v
}

// layout works out how the scalar's text maps onto the file: a literal
// block's lines follow its indicator line; a quoted or folded scalar over
// several lines is flat.
func (b builder) layout(v *value) {
	if v.line < 1 || v.line > len(b.lines) {
		v.flat = true
		return
	}
	l := b.lines[v.line-1]
	c := v.col - 1
	if c < 0 || c >= len(l) {
		v.flat = strings.Contains(v.s, "\n")
		return
	}
	switch l[c] {
	case '|':
		v.block = true
		v.indent = blockIndent(b.lines, v.line)
	case '>':
		v.flat = true
	case '"', '\'':
		v.col++
		v.flat = strings.Contains(v.s, "\n")
	default:
		v.flat = strings.Contains(v.s, "\n")
	}
}

// blockIndent is the indentation of the first non-blank line after line.
func blockIndent(lines []string, line int) int {
	for i := line; i < len(lines); i++ {
		t := strings.TrimLeft(lines[i], " ")
		if strings.TrimSpace(t) == "" {
			continue
		}
		return len(lines[i]) - len(t)
	}
	return 0
}

// findKey finds "key:" on or after line, for nodes actionlint keeps no
// position of.
func findKey(lines []string, key string, from int) (int, int, bool) {
	for i := from - 1; i >= 0 && i < len(lines) && i < from+200; i++ {
		t := strings.TrimLeft(lines[i], " ")
		if strings.HasPrefix(t, key+":") {
			return i + 1, len(lines[i]) - len(t) + 1, true
		}
	}
	return 0, 0, false
}

func (b builder) env(e *actionlint.Env) []envVar {
	if e == nil {
		return nil
	}
	if e.Expression != nil {
		return []envVar{{name: "", val: b.val(e.Expression)}}
	}
	out := make([]envVar, 0, len(e.Vars))
	for _, v := range e.Vars {
		if v == nil {
			continue
		}
		out = append(out, envVar{name: str(v.Name), val: b.val(v.Value)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].val.line != out[j].val.line {
			return out[i].val.line < out[j].val.line
		}
		return out[i].name < out[j].name
	})
	return out
}
