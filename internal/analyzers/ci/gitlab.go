package ci

import (
	"errors"
	"path"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/source"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// Bounds on GitLab's composition features, which a hostile file can make
// recursive or wide: extends chains (GitLab allows 11 levels), !reference
// tags (10) and local includes.
const (
	maxExtends    = 11
	maxReference  = 10
	maxIncludes   = 32
	maxIncludeSum = 8 << 20 // bytes of included files read for one analyzed file
)

// glReserved are GitLab's top-level keywords: every other key is a job.
var glReserved = map[string]bool{
	"stages": true, "variables": true, "default": true, "workflow": true, "include": true, "image": true,
	"services": true, "before_script": true, "after_script": true, "cache": true, "types": true, "spec": true,
}

// glDef is a job or template definition and the file it comes from ("" for
// the analyzed file).
type glDef struct {
	node *yaml.Node
	from string
}

type glFile struct {
	pass  *analysis.Pass
	root  *yaml.Node // the analyzed file's top-level mapping
	defs  map[string]glDef
	ctx   []glDef // top-level mappings of included files and the root pipeline, for workflow and default
	b     builder
	read  int // bytes of included files read
	files map[string]bool
	// foreign maps the nodes of included files to their file, and lines
	// holds those files' lines (for block scalars' layout).
	foreign map[*yaml.Node]string
	lines   map[string][]string
	// isPipeline marks context files the scan analyzes as GitLab CI files
	// themselves: their jobs are reported when they are.
	isPipeline map[string]bool
}

// gitlabWorkflow reads a GitLab CI file into the shared model. Local
// includes (and, for a file that is itself included, the project's root
// .gitlab-ci.yml) are read as context: templates that extends and
// !reference name, workflow rules, defaults. Findings stay in the analyzed
// file; a step that comes from another file is reported at the job that
// uses it, with the template's place as a related location.
func gitlabWorkflow(p *analysis.Pass, docs []*yaml.Node, lines []string) (*workflow, error) {
	if len(docs) == 0 {
		return nil, errors.New("invalid GitLab CI file: no YAML document")
	}
	root := yamlutil.Resolve(docs[0])
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("invalid GitLab CI file: the top level is not a mapping of jobs")
	}
	g := &glFile{pass: p, root: root, defs: map[string]glDef{}, b: builder{lines: lines}, files: map[string]bool{p.File.Path: true}, foreign: map[*yaml.Node]string{}, lines: map[string][]string{}, isPipeline: map[string]bool{}}
	g.context()
	yamlutil.Pairs(root, func(k, v *yaml.Node) {
		if !glReserved[k.Value] {
			g.defs[k.Value] = glDef{node: v}
		}
	})
	wf := &workflow{platform: gitlab}
	wf.mrPipelines = g.workflowAllowsMR()
	for _, k := range keys(root) {
		if len(wf.jobs) >= maxJobs {
			break
		}
		if glReserved[k.Value] || strings.HasPrefix(k.Value, ".") {
			continue
		}
		v := yamlutil.Get(root, k.Value)
		if v == nil || v.Kind != yaml.MappingNode {
			continue
		}
		wf.jobs = append(wf.jobs, g.job(wf, k, v, ""))
	}
	// Jobs of included files that the scan does not analyze as GitLab CI
	// themselves (a file of jobs without stage: keys looks like any YAML)
	// are analyzed here and reported in their own file.
	// Only the root pipeline does this, so each such job is analyzed once.
	for _, c := range g.ctx {
		if c.from == "" || g.isPipeline[c.from] || !isRootPipeline(p.File.Path) {
			continue
		}
		for _, k := range keys(c.node) {
			if len(wf.jobs) >= maxJobs {
				break
			}
			v := yamlutil.Get(c.node, k.Value)
			if glReserved[k.Value] || strings.HasPrefix(k.Value, ".") || v == nil || v.Kind != yaml.MappingNode {
				continue
			}
			wf.jobs = append(wf.jobs, g.job(wf, k, v, c.from))
		}
	}
	wf.triggers = []trigger{{name: "push"}}
	for _, j := range wf.jobs {
		if j.mr {
			wf.triggers = append(wf.triggers, trigger{name: "merge_request_event", line: j.mrLine})
			break
		}
	}
	return wf, nil
}

// context reads the local includes of the analyzed file and, when the
// analyzed file is not the root pipeline, the nearest .gitlab-ci.yml above
// it and its local includes.
func (g *glFile) context() {
	p := g.pass
	rootDir := finding.Dir(p.File.Path)
	if !isRootPipeline(p.File.Path) {
		for _, s := range p.Ancestors(source.GitLabCI) {
			if b := path.Base(s.Path); b == ".gitlab-ci.yml" || b == ".gitlab-ci.yaml" {
				rootDir = finding.Dir(s.Path)
				g.files[s.Path] = true
				g.isPipeline[s.Path] = true
				if docs, err := yamlutil.Parse(s.Content); err == nil && len(docs) > 0 && !bomb(s.Content, docs) {
					g.lines[s.Path] = strings.Split(string(s.Content), "\n")
					g.addContext(docs[0], s.Path, rootDir, 0)
				}
				break
			}
		}
	}
	g.includes(g.root, rootDir, 0)
}

// bomb reports a context file whose aliases expand too far.
func bomb(content []byte, docs []*yaml.Node) bool {
	if _, err := guard(content); err != nil {
		return true
	}
	return false
}

func (g *glFile) addContext(top *yaml.Node, from, rootDir string, depth int) {
	top = yamlutil.Resolve(top)
	if top == nil || top.Kind != yaml.MappingNode {
		return
	}
	g.ctx = append(g.ctx, glDef{node: top, from: from})
	yamlutil.Walk(top, func(n *yaml.Node) bool {
		g.foreign[n] = from
		return true
	})
	yamlutil.Pairs(top, func(k, v *yaml.Node) {
		if !glReserved[k.Value] {
			if _, ok := g.defs[k.Value]; !ok {
				g.defs[k.Value] = glDef{node: v, from: from}
			}
		}
	})
	g.includes(top, rootDir, depth+1)
}

// includes reads the local: includes of top (bounded in number, bytes and
// depth; files of the scan only, so links are never followed).
func (g *glFile) includes(top *yaml.Node, rootDir string, depth int) {
	if depth > 3 {
		return
	}
	inc := yamlutil.Get(top, "include")
	var items []*yaml.Node
	if inc != nil && inc.Kind == yaml.SequenceNode {
		items = yamlutil.Items(inc)
	} else if inc != nil {
		items = []*yaml.Node{inc}
	}
	for _, it := range items {
		local := ""
		switch it.Kind {
		case yaml.ScalarNode:
			if !strings.Contains(it.Value, "://") {
				local = it.Value
			}
		case yaml.MappingNode:
			local = yamlutil.Str(yamlutil.Get(it, "local"))
		}
		if local == "" || strings.ContainsAny(local, "*$") || len(g.files) > maxIncludes {
			continue
		}
		rel := finding.Join(rootDir, strings.TrimPrefix(local, "/"))
		if g.files[rel] {
			continue
		}
		g.files[rel] = true
		content, ok := g.pass.ReadFile(rel, maxFileSize)
		if !ok || g.read+len(content) > maxIncludeSum {
			continue
		}
		g.read += len(content)
		docs, err := yamlutil.Parse(content)
		if err != nil || len(docs) == 0 || bomb(content, docs) {
			continue
		}
		g.lines[rel] = strings.Split(string(content), "\n")
		head := content
		if len(head) > index.HeadLen {
			head = head[:index.HeadLen]
		}
		// The engine classifies files from their first bytes the same way.
		g.isPipeline[rel] = source.Refine(source.YAML, head) == source.GitLabCI
		g.addContext(docs[0], rel, rootDir, depth)
	}
}

// chain is the mappings a job's keys are looked up in, most specific
// first: the job, then what it extends (the last listed first), then
// recursively.
func (g *glFile) chain(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	seen := map[*yaml.Node]bool{}
	var visit func(n *yaml.Node, depth int)
	visit = func(n *yaml.Node, depth int) {
		n = yamlutil.Resolve(n)
		if n == nil || n.Kind != yaml.MappingNode || seen[n] || depth > maxExtends {
			return
		}
		seen[n] = true
		out = append(out, n)
		ext := yamlutil.Get(n, "extends")
		var names []string
		if ext != nil && ext.Kind == yaml.SequenceNode {
			for _, e := range yamlutil.Items(ext) {
				names = append(names, yamlutil.Str(e))
			}
		} else if s := yamlutil.Str(ext); s != "" {
			names = []string{s}
		}
		for i := len(names) - 1; i >= 0; i-- {
			if d, ok := g.defs[names[i]]; ok {
				visit(d.node, depth+1)
			}
		}
	}
	visit(n, 0)
	return out
}

// get looks a key up along the chain, then in default:, then at the top
// level (for the keywords GitLab still accepts there).
func (g *glFile) get(chain []*yaml.Node, key string, inherit bool) *yaml.Node {
	for _, m := range chain {
		if v := yamlutil.Get(m, key); v != nil {
			return v
		}
	}
	if !inherit {
		return nil
	}
	for _, top := range append([]glDef{{node: g.root}}, g.ctx...) {
		if v := yamlutil.Path(top.node, "default", key); v != nil {
			return v
		}
		switch key {
		case "image", "services", "before_script", "after_script", "cache":
			if v := yamlutil.Get(top.node, key); v != nil {
				return v
			}
		}
	}
	return nil
}

// deref resolves a !reference [.job, key, …] tag.
func (g *glFile) deref(n *yaml.Node, depth int) *yaml.Node {
	n = yamlutil.Resolve(n)
	for n != nil && n.Tag == "!reference" && n.Kind == yaml.SequenceNode && depth < maxReference {
		parts := yamlutil.Items(n)
		if len(parts) == 0 {
			return nil
		}
		d, ok := g.defs[yamlutil.Str(parts[0])]
		if !ok {
			return nil
		}
		cur := d.node
		for _, p := range parts[1:] {
			cur = yamlutil.Get(cur, yamlutil.Str(p))
		}
		n = yamlutil.Resolve(cur)
		depth++
	}
	return n
}

func (g *glFile) job(wf *workflow, k, v *yaml.Node, from string) *job {
	j := &job{wf: wf, id: k.Value, line: k.Line, col: k.Column, path: from}
	chain := g.chain(v)
	// variables: global, then the chain from the least specific.
	addVars := func(m *yaml.Node) {
		yamlutil.Pairs(g.deref(m, 0), func(kn, vn *yaml.Node) {
			if vn.Kind == yaml.MappingNode {
				vn = yamlutil.Get(vn, "value")
			}
			j.env = append(j.env, envVar{name: kn.Value, val: g.val(j, vn)})
		})
	}
	addVars(yamlutil.Get(g.root, "variables"))
	for i := len(chain) - 1; i >= 0; i-- {
		addVars(yamlutil.Get(chain[i], "variables"))
	}
	if img := g.deref(g.get(chain, "image", true), 0); img != nil {
		if img.Kind == yaml.MappingNode {
			img = yamlutil.Get(img, "name")
		}
		j.image = g.val(j, img)
	}
	for _, s := range yamlutil.Items(g.deref(g.get(chain, "services", true), 0)) {
		if s.Kind == yaml.MappingNode {
			s = yamlutil.Get(s, "name")
		}
		if sv := g.val(j, s); sv.s != "" {
			j.services = append(j.services, sv)
		}
	}
	for _, t := range yamlutil.Items(g.deref(g.get(chain, "tags", true), 0)) {
		j.runsOn = append(j.runsOn, g.val(j, t))
	}
	j.idTokens = g.get(chain, "id_tokens", true) != nil
	for _, n := range yamlutil.Items(g.get(chain, "needs", false)) {
		if n.Kind == yaml.MappingNode {
			n = yamlutil.Get(n, "job")
		}
		j.needs = append(j.needs, yamlutil.Str(n))
	}
	if sec := g.get(chain, "secrets", false); sec != nil {
		yamlutil.Pairs(sec, func(kn, _ *yaml.Node) {
			j.env = append(j.env, envVar{name: kn.Value, val: g.val(j, kn)})
		})
	}
	for _, sec := range []string{"before_script", "script", "after_script"} {
		g.scripts(j, sec, g.get(chain, sec, sec != "script"), 0)
	}
	j.mr, j.mrWhy, j.mrLine = g.runsForMR(chain, wf.mrPipelines)
	if j.mrLine == 0 {
		j.mrLine = j.line
	}
	return j
}

// scripts adds the lines of a script section as steps, expanding
// !reference tags and nested sequences.
func (g *glFile) scripts(j *job, section string, n *yaml.Node, depth int) {
	n = g.deref(n, 0)
	if n == nil || depth > maxReference {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if len(j.steps) < maxSteps {
			v := g.val(j, n)
			j.steps = append(j.steps, &step{line: v.line, col: v.col, run: v, section: section})
		}
	case yaml.SequenceNode:
		for _, it := range n.Content {
			g.scripts(j, section, it, depth+1)
		}
	}
}

// val is a scalar as a value; one from an included file is placed on the
// job's line, with where it really is kept for a related location.
func (g *glFile) val(j *job, n *yaml.Node) value {
	n = yamlutil.Resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return value{}
	}
	from, ok := g.foreign[n]
	switch {
	case ok && from == j.path:
		return builder{lines: g.lines[from]}.node(n) // the job's own file
	case ok:
		return value{s: n.Value, line: j.line, col: j.col, flat: true, from: from, fromLine: n.Line}
	}
	return g.b.node(n)
}

// mrIfRE matches conditions that hold in merge-request pipelines: the
// pipeline source, or any CI_MERGE_REQUEST_ variable (set only there).
var mrIfRE = regexp.MustCompile(`merge_request_event|CI_MERGE_REQUEST_[A-Z_]+|external_pull_request_event|CI_EXTERNAL_PULL_REQUEST`)

// workflowAllowsMR says whether workflow: rules create merge-request
// pipelines, in which jobs without rules then run.
func (g *glFile) workflowAllowsMR() bool {
	for _, top := range append([]glDef{{node: g.root}}, g.ctx...) {
		rules := yamlutil.Path(top.node, "workflow", "rules")
		if rules == nil {
			continue
		}
		for _, r := range yamlutil.Items(rules) {
			cond := yamlutil.Str(yamlutil.Get(r, "if"))
			when := yamlutil.Str(yamlutil.Get(r, "when"))
			if mrIfRE.MatchString(cond) {
				return when != "never"
			}
			if cond == "" && when != "never" {
				return true
			}
		}
		return false
	}
	return false
}

// runsForMR says whether a job runs in merge-request pipelines, why, and
// on which line that is said. Rules are evaluated in order, first match
// wins; a condition on another pipeline source does not match in a
// merge-request pipeline.
func (g *glFile) runsForMR(chain []*yaml.Node, mrPipelines bool) (bool, string, int) {
	if rules := g.deref(g.get(chain, "rules", false), 0); rules != nil {
		for _, r := range yamlutil.Items(rules) {
			r = g.deref(r, 0)
			ifn := yamlutil.Get(r, "if")
			cond := yamlutil.Str(ifn)
			when := yamlutil.Str(yamlutil.Get(r, "when"))
			switch {
			case mrIfRE.MatchString(cond) && !strings.Contains(cond, "!="):
				if when == "never" {
					return false, "", 0
				}
				return true, "rules: if: " + cond, ifn.Line
			case cond == "":
				if when != "never" && mrPipelines {
					return true, "a rule without if in a project with merge-request pipelines", r.Line
				}
				return false, "", 0
			}
		}
		return false, "", 0
	}
	if only := g.get(chain, "only", false); only != nil {
		refs := only
		if only.Kind == yaml.MappingNode {
			refs = yamlutil.Get(only, "refs")
		}
		for _, r := range yamlutil.Items(refs) {
			if s := yamlutil.Str(r); s == "merge_requests" || s == "external_pull_requests" {
				return true, "only: " + s, r.Line
			}
		}
		return false, "", 0
	}
	if mrPipelines {
		return true, "no rules of its own in a project whose workflow: rules create merge-request pipelines", 0
	}
	return false, "", 0
}

var varRefRE = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// gitlabSecrets lists the credential-like variables a GitLab job reads:
// set in variables:, named by secrets:, or used in its scripts.
func (j *job) gitlabSecrets() []secretRef {
	var out []secretRef
	seen := map[string]bool{}
	for _, e := range j.env {
		if secretish(e.name) && !seen[e.name] {
			seen[e.name] = true
			out = append(out, secretRef{name: e.name, line: e.val.line, col: e.val.col})
		}
	}
	for _, s := range j.steps {
		for _, m := range varRefRE.FindAllStringSubmatchIndex(s.run.s, 64) {
			name := s.run.s[m[2]:m[3]]
			if secretish(name) && !seen[name] {
				seen[name] = true
				l, c := s.run.offsetPos(m[0])
				out = append(out, secretRef{name: name, line: l, col: c})
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].line < out[b].line })
	return out
}

// keys is a mapping's key nodes, in order.
func keys(m *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	yamlutil.Pairs(m, func(k, _ *yaml.Node) { out = append(out, k) })
	return out
}

// isRootPipeline reports whether p is a project's .gitlab-ci.yml.
func isRootPipeline(p string) bool {
	b := path.Base(p)
	return b == ".gitlab-ci.yml" || b == ".gitlab-ci.yaml"
}
