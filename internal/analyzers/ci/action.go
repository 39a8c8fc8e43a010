package ci

import (
	"errors"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/yamlutil"
)

// actionFile reads an action's metadata (action.yml). actionlint parses
// workflows, not the steps of composite actions, so this is read from the
// YAML nodes: a composite action is one job of its steps, a Docker action
// one job whose image is the action's.
func actionFile(docs []*yaml.Node, lines []string) (*workflow, error) {
	if len(docs) == 0 {
		return nil, errors.New("invalid action metadata: the file holds no YAML document")
	}
	root := docs[0]
	runs := yamlutil.Get(root, "runs")
	if runs == nil {
		return nil, errors.New("invalid action metadata: no \"runs\" section")
	}
	b := builder{lines: lines}
	wf := &workflow{platform: action, name: yamlutil.Str(yamlutil.Get(root, "name"))}
	jb := &job{wf: wf, id: "action", line: runs.Line, col: runs.Column}
	using := strings.ToLower(yamlutil.Str(yamlutil.Get(runs, "using")))
	switch using {
	case "composite":
		for _, s := range yamlutil.Items(yamlutil.Get(runs, "steps")) {
			if len(jb.steps) >= maxSteps {
				break
			}
			st := &step{line: s.Line, col: s.Column, name: yamlutil.Str(yamlutil.Get(s, "name")), ifCond: yamlutil.Str(yamlutil.Get(s, "if"))}
			if r := yamlutil.Get(s, "run"); r != nil {
				st.run = b.node(r)
			}
			if u := yamlutil.Get(s, "uses"); u != nil {
				st.uses = b.node(u)
				st.with = map[string]value{}
				yamlutil.Pairs(yamlutil.Get(s, "with"), func(k, v *yaml.Node) {
					st.with[strings.ToLower(k.Value)] = b.node(v)
				})
			}
			yamlutil.Pairs(yamlutil.Get(s, "env"), func(k, v *yaml.Node) {
				st.env = append(st.env, envVar{name: k.Value, val: b.node(v)})
			})
			jb.steps = append(jb.steps, st)
		}
	case "docker":
		if img := yamlutil.Get(runs, "image"); img != nil && strings.HasPrefix(yamlutil.Str(img), "docker://") {
			jb.image = b.node(img)
			jb.image.s = strings.TrimPrefix(jb.image.s, "docker://")
		}
	}
	wf.jobs = []*job{jb}
	return wf, nil
}

// node is a YAML scalar as a value; "" for anything else.
func (b builder) node(n *yaml.Node) value {
	n = yamlutil.Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return value{}
	}
	v := value{s: n.Value, line: n.Line, col: n.Column}
	b.layout(&v)
	return v
}
