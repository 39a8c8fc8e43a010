package assess

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/notebook"
	"github.com/mlsec/mlsec/internal/python"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/source"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// maxEvidence bounds the evidence kept per signal: a repository with 5,000
// tracked files needs a few places to show, not all of them.
const maxEvidence = 8

// signals is what the repository shows: evidence per signal ID.
type signals map[string][]result.Evidence

func (s signals) add(sig string, loc finding.Location, what string) {
	for _, e := range s[sig] {
		if e.Location.Path == loc.Path && e.Location.Line == loc.Line && e.What == what {
			return
		}
	}
	if len(s[sig]) < maxEvidence {
		s[sig] = append(s[sig], result.Evidence{Location: loc, What: what})
	}
}

func (s signals) has(sig string) bool { return len(s[sig]) > 0 }

// Compiled CI command patterns.
var (
	ciCommandRE   = compileCommands()
	pipelineRunRE = regexp.MustCompile(pipelineRun)
)

func compileCommands() []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(ciCommands))
	for i, c := range ciCommands {
		out[i] = regexp.MustCompile(c.Regexp)
	}
	return out
}

// collect reads every file of the index that can prove a signal. Files are
// read through the index, so the scan's size limit, excludes and the
// no-symlink rule apply; a file that cannot be read or parsed proves
// nothing (the per-file analyzers account for it).
func collect(ctx context.Context, ix *index.Index) signals {
	files := ix.Files()
	per := make([]signals, len(files))
	var next atomic.Int64
	var wg sync.WaitGroup
	// A panic in a worker (a parser bug on hostile input) is carried back
	// to this goroutine, where the engine's isolation of project analyzers
	// turns it into an incomplete scan instead of a crash.
	var failed atomic.Value
	for range min(runtime.NumCPU(), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					failed.CompareAndSwap(nil, fmt.Sprint(r))
				}
			}()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) || ctx.Err() != nil {
					return
				}
				per[i] = fileSignals(ix, files[i])
			}
		}()
	}
	wg.Wait()
	if r := failed.Load(); r != nil {
		panic(r)
	}
	// Merged in path order, so the evidence kept (maxEvidence) and its
	// order do not depend on which worker finished first.
	s := signals{}
	for _, fs := range per {
		for sig, evs := range fs {
			for _, e := range evs {
				s.add(sig, e.Location, e.What)
			}
		}
	}
	return s
}

// fileSignals is what one file proves.
func fileSignals(ix *index.Index, f *index.File) signals {
	s := signals{}
	k, content, err := ix.Kind(f)
	if err != nil {
		return s
	}
	base := path.Base(f.Path)
	loc := finding.Location{Path: f.Path, Line: 1} // the file as a whole: its first line
	switch {
	case base == "dvc.lock":
		s.add(sigDVCLock, loc, "dvc.lock records the hash of every stage's inputs and outputs")
		return s
	case base == "mlsec.lock.json" || strings.HasSuffix(base, ".mlsec-lock"):
		s.add(sigDataLock, loc, "mlsec dataset lock with a digest per file")
		return s
	case lockFiles[base] != "":
		s.add(sigLockedEnv, loc, lockFiles[base])
		return s
	}
	if k == source.Model {
		loc.Line = 0 // a binary file has no lines
		// Named, never read here: the model analyzer streams it.
		if strings.HasSuffix(base, ".safetensors") {
			s.add(sigSafeLoad, loc, "model weights stored as safetensors")
		}
		s.add(sigModelLoad, loc, "model file")
		return s
	}
	if !interesting(k, base) {
		return s
	}
	if content == nil {
		if content, err = ix.Read(f); err != nil {
			return s
		}
	}
	switch {
	case strings.HasSuffix(base, ".dvc") && k == source.Unknown:
		dvcPointer(s, f.Path, content)
	case isSignatureName(base) && k == source.Unknown:
		sigstoreBundle(s, f.Path, content)
	case k == source.Python:
		pythonFile(s, f.Path, python.Parse(content), nil)
	case k == source.Notebook:
		if nb, err := notebook.Parse(content); err == nil {
			pythonFile(s, f.Path, python.ParseChunks(nb.Code, nb.Ends), nb)
		}
	case k == source.DVCPipeline:
		s.add(sigDVCPipeline, finding.Location{Path: f.Path, Line: firstKeyLine(content, "stages")}, "DVC pipeline stages")
	case k == source.KFPPipeline:
		s.add(sigOrchestrator, loc, "compiled Kubeflow pipeline")
	case k == source.TorchServeConfig:
		s.add(sigServing, loc, "TorchServe configuration")
	case k == source.GitHubActions:
		githubWorkflow(s, f.Path, content)
	case k == source.GitLabCI:
		gitlabCI(s, f.Path, content)
	case k == source.Kubernetes || k == source.YAML || k == source.Compose || k == source.HelmValues:
		manifests(s, f.Path, base, content)
	case k == source.JSON:
		cycloneDX(s, f.Path, content)
	case k == source.Terraform:
		terraform(s, f.Path, content)
	case k == source.Requirements:
		requirements(s, f.Path, content)
	}
	return s
}

// interesting says whether a file of kind k may prove a signal, so the
// rest are never read.
func interesting(k source.Kind, base string) bool {
	switch k {
	case source.Python, source.Notebook, source.DVCPipeline, source.KFPPipeline, source.TorchServeConfig,
		source.GitHubActions, source.GitLabCI, source.Kubernetes, source.YAML, source.Compose, source.HelmValues,
		source.JSON, source.Terraform, source.Requirements:
		return true
	case source.Unknown:
		return strings.HasSuffix(base, ".dvc") || isSignatureName(base)
	}
	return false
}

// dvcPointer credits a .dvc file that records at least one output with a
// content hash: the data is versioned, not merely named.
func dvcPointer(s signals, p string, content []byte) {
	docs, err := yamlutil.Parse(content)
	if err != nil || len(docs) == 0 {
		return
	}
	for _, out := range yamlutil.Items(yamlutil.Get(docs[0], "outs")) {
		for _, h := range []string{"md5", "etag", "checksum"} {
			if v := yamlutil.Get(out, h); v != nil && yamlutil.Str(v) != "" {
				s.add(sigDVCTracked, finding.Location{Path: p, Line: v.Line}, "data tracked by DVC with a content hash ("+yamlutil.Str(yamlutil.Get(out, "path"))+")")
				return
			}
		}
	}
}

// isSignatureName: model_signing writes model.sig; Sigstore tools write
// NAME.sigstore or NAME.sigstore.json bundles.
func isSignatureName(base string) bool {
	return base == "model.sig" || strings.HasSuffix(base, ".sigstore") || strings.HasSuffix(base, ".sigstore.json")
}

// sigstoreBundle credits a Sigstore bundle (its mediaType says so) kept
// beside what it signs: the artifact is signed.
func sigstoreBundle(s signals, p string, content []byte) {
	var b struct {
		MediaType string `json:"mediaType"`
	}
	if json.Unmarshal(content, &b) == nil && strings.HasPrefix(b.MediaType, "application/vnd.dev.sigstore.bundle") {
		s.add(sigSign, finding.Location{Path: p, Line: 1}, "Sigstore signature bundle ("+b.MediaType+")")
	}
}

// firstKeyLine is the line of a top-level key, or 0.
func firstKeyLine(content []byte, key string) int {
	docs, err := yamlutil.Parse(content)
	if err != nil || len(docs) == 0 {
		return 0
	}
	if k := keyNode(docs[0], key); k != nil {
		return k.Line
	}
	return 0
}

// keyNode returns the key node (for its line) of key in mapping m.
func keyNode(m *yaml.Node, key string) *yaml.Node {
	m = yamlutil.Resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// normalize drops call and subscript marks from a resolved callee:
// "mlflow.tracking.MlflowClient().create_model_version" becomes
// "mlflow.tracking.MlflowClient.create_model_version".
func normalize(callee string) string {
	callee = strings.ReplaceAll(callee, "()", "")
	return strings.ReplaceAll(callee, "[]", "")
}

// match reports whether name matches pattern, where each "*" matches any
// run of characters (dots included).
func match(pattern, name string) bool { return matchParts(strings.Split(pattern, "*"), name) }

// matchParts is match with the pattern already split at its stars.
func matchParts(parts []string, name string) bool {
	if len(parts) == 1 {
		return parts[0] == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(name, mid)
		if i < 0 {
			return false
		}
		name = name[i+len(mid):]
	}
	return strings.HasSuffix(name, last)
}

// pyParts are the Python patterns split at their stars, once.
var pyParts = func() [][]string {
	out := make([][]string, len(pyPatterns))
	for i, p := range pyPatterns {
		out[i] = strings.Split(p.Pattern, "*")
	}
	return out
}()

// pythonFile credits the calls and decorators of one parsed module. nb maps
// offsets back to the notebook's lines when the module came from one.
func pythonFile(s signals, p string, m *python.Module, nb *notebook.Notebook) {
	locate := func(off, line, col int) finding.Location {
		if nb == nil {
			return finding.Location{Path: p, Line: line, Column: col}
		}
		pos := nb.Locate(off)
		return finding.Location{Path: p, Line: pos.Line, Column: pos.Column, Cell: pos.Cell, CellLine: pos.CellLine}
	}
	ml, web, loads := false, false, false
	var mlImport, webImport finding.Location
	for _, im := range m.Imports {
		top := im.Module
		for _, mod := range mlModules {
			if top == mod || strings.HasPrefix(top, mod+".") {
				if !ml {
					mlImport = finding.Location{Path: p, Line: im.Line, Column: im.Col}
					if nb != nil {
						mlImport.Line = 0 // the import's offset is not kept; the file is the evidence
					}
				}
				ml = true
			}
		}
		for _, mod := range webModules {
			if top == mod || strings.HasPrefix(top, mod+".") {
				if !web {
					webImport = finding.Location{Path: p, Line: im.Line, Column: im.Col}
				}
				web = true
			}
		}
	}
	if ml {
		s.add(sigMLCode, mlImport, "imports an ML library")
	}
	for i := range m.Calls {
		c := &m.Calls[i]
		name := normalize(c.Resolved)
		if name == "" {
			continue
		}
		for i, pt := range pyPatterns {
			if !matchParts(pyParts[i], name) {
				continue
			}
			if pt.Keyword != "" {
				a := c.Arg(pt.Keyword)
				if a == nil || a.Kind == python.NoneLit || a.IsFalse() {
					continue
				}
			}
			s.add(pt.Signal, locate(c.Start, c.Line, c.Col), pt.What+" ("+c.Callee+")")
			if pt.Signal == sigModelLoad {
				loads = true
			}
		}
	}
	// Bare decorators (@dsl.component, @flow) are not calls.
	for i := 0; i+1 < len(m.Tokens); i++ {
		t := m.Tokens[i]
		if t.Kind != python.Op || t.Text(m.Src) != "@" || (i > 0 && m.Tokens[i-1].Kind != python.Newline) {
			continue
		}
		var dotted strings.Builder
		j := i + 1
		for ; j < len(m.Tokens); j++ {
			tk := m.Tokens[j]
			if tk.Kind == python.Name || (tk.Kind == python.Op && tk.Text(m.Src) == ".") {
				dotted.WriteString(tk.Text(m.Src))
				continue
			}
			break
		}
		if j < len(m.Tokens) && m.Tokens[j].Kind == python.Op && m.Tokens[j].Text(m.Src) == "(" {
			continue // a decorator call: already seen among the calls
		}
		name := normalize(m.Resolve(dotted.String()))
		for i, pt := range pyPatterns {
			if pt.Keyword == "" && matchParts(pyParts[i], name) {
				s.add(pt.Signal, locate(int(t.Start), int(t.Line), int(t.Col)), pt.What+" (@"+dotted.String()+")")
			}
		}
	}
	if web && loads {
		s.add(sigServing, webImport, "web service module that loads a model")
	}
	if isTestFile(p) {
		for i := 0; i+1 < len(m.Tokens); i++ {
			if m.Tokens[i].Kind == python.Name && m.Tokens[i].Text(m.Src) == "def" &&
				m.Tokens[i+1].Kind == python.Name && strings.HasPrefix(m.Tokens[i+1].Text(m.Src), "test") {
				t := m.Tokens[i]
				s.add(sigTests, locate(int(t.Start), int(t.Line), int(t.Col)), "test function "+m.Tokens[i+1].Text(m.Src))
				break
			}
		}
	}
}

// isTestFile follows pytest's default discovery: test_*.py or *_test.py.
func isTestFile(p string) bool {
	b := path.Base(p)
	return strings.HasSuffix(b, ".py") && (strings.HasPrefix(b, "test_") || strings.HasSuffix(b, "_test.py"))
}

// runLine is one command of a CI job, with where it is written.
type runLine struct {
	text string
	line int
}

// ciJob is what the assessment needs of one CI job.
type ciJob struct {
	runs []runLine
	uses []runLine
}

// githubWorkflow reads a workflow's triggers and its jobs' steps.
func githubWorkflow(s signals, p string, content []byte) {
	docs, err := yamlutil.Parse(content)
	if err != nil || len(docs) == 0 {
		return
	}
	doc := docs[0]
	on := yamlutil.Get(doc, "on")
	if on == nil {
		on = yamlutil.Get(doc, "true") // YAML 1.1 reads a bare `on` as a boolean
	}
	var jobs []ciJob
	yamlutil.Pairs(yamlutil.Get(doc, "jobs"), func(_, job *yaml.Node) {
		var j ciJob
		for _, step := range yamlutil.Items(yamlutil.Get(job, "steps")) {
			if r := yamlutil.Get(step, "run"); r != nil {
				j.runs = append(j.runs, commandLines(r)...)
			}
			if u := yamlutil.Get(step, "uses"); u != nil {
				j.uses = append(j.uses, runLine{yamlutil.Str(u), u.Line})
			}
		}
		if u := yamlutil.Get(job, "uses"); u != nil { // a reusable workflow
			j.uses = append(j.uses, runLine{yamlutil.Str(u), u.Line})
		}
		jobs = append(jobs, j)
	})
	runsPipeline := firstPipelineRun(jobs)
	if sched := yamlutil.Get(on, "schedule"); sched != nil && runsPipeline != nil {
		for _, item := range yamlutil.Items(sched) {
			if c := yamlutil.Get(item, "cron"); c != nil {
				s.add(sigSchedule, finding.Location{Path: p, Line: c.Line}, "scheduled workflow (cron "+yamlutil.Str(c)+") runs `"+runsPipeline.text+"`")
				break
			}
		}
	}
	if push := yamlutil.Get(on, "push"); push != nil && runsPipeline != nil {
		for _, pth := range yamlutil.Items(yamlutil.Get(push, "paths")) {
			v := yamlutil.Str(pth)
			if strings.HasSuffix(v, ".dvc") || strings.HasPrefix(v, "data/") || strings.HasPrefix(v, "data") && strings.Contains(v, "*") || v == "dvc.lock" {
				s.add(sigDataTrigger, finding.Location{Path: p, Line: pth.Line}, "workflow runs the pipeline when data changes ("+v+")")
				break
			}
		}
	}
	ciSignals(s, p, jobs)
}

// gitlabCI reads the jobs of a .gitlab-ci.yml: script lines, and
// schedule-only rules.
func gitlabCI(s signals, p string, content []byte) {
	docs, err := yamlutil.Parse(content)
	if err != nil || len(docs) == 0 {
		return
	}
	var jobs []ciJob
	var schedule *yaml.Node
	yamlutil.Pairs(docs[0], func(k, job *yaml.Node) {
		if yamlutil.Resolve(job) == nil || yamlutil.Resolve(job).Kind != yaml.MappingNode || strings.HasPrefix(k.Value, ".") && k.Value != ".pre" {
			return
		}
		var j ciJob
		for _, key := range []string{"before_script", "script", "after_script"} {
			j.runs = append(j.runs, commandLines(yamlutil.Get(job, key))...)
		}
		for _, r := range yamlutil.Items(yamlutil.Get(job, "rules")) {
			if cond := yamlutil.Get(r, "if"); cond != nil && strings.Contains(yamlutil.Str(cond), `"schedule"`) && firstPipelineRun([]ciJob{j}) != nil {
				schedule = cond
			}
		}
		jobs = append(jobs, j)
	})
	if schedule != nil {
		s.add(sigSchedule, finding.Location{Path: p, Line: schedule.Line}, "scheduled pipeline job ("+yamlutil.Str(schedule)+")")
	}
	ciSignals(s, p, jobs)
}

// commandLines splits a run block or script list into lines, each with the
// file line it is written on.
func commandLines(n *yaml.Node) []runLine {
	n = yamlutil.Resolve(n)
	if n == nil {
		return nil
	}
	var out []runLine
	if n.Kind == yaml.SequenceNode {
		// One level only, and an alias only to a scalar: a list of
		// aliases of lists of aliases (an alias bomb) must not be
		// expanded.
		for _, it := range n.Content {
			if r := yamlutil.Resolve(it); r != nil && r.Kind == yaml.ScalarNode {
				out = append(out, commandLines(r)...)
			}
		}
		return out
	}
	if n.Kind != yaml.ScalarNode {
		return nil
	}
	first := n.Line
	if n.Style == yaml.LiteralStyle || n.Style == yaml.FoldedStyle {
		first++ // the block's text starts on the line after the indicator
	}
	for i, l := range strings.Split(n.Value, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, runLine{l, first + i})
		}
	}
	return out
}

func firstPipelineRun(jobs []ciJob) *runLine {
	for _, j := range jobs {
		for i := range j.runs {
			if pipelineRunRE.MatchString(j.runs[i].text) {
				return &j.runs[i]
			}
		}
	}
	return nil
}

func ciSignals(s signals, p string, jobs []ciJob) {
	for _, j := range jobs {
		for _, r := range j.runs {
			for i, re := range ciCommandRE {
				if re.MatchString(r.text) {
					s.add(ciCommands[i].Signal, finding.Location{Path: p, Line: r.line}, ciCommands[i].What+": `"+r.text+"`")
				}
			}
		}
		for _, u := range j.uses {
			for _, a := range ciActions {
				if strings.HasPrefix(strings.ToLower(u.text), a.Prefix) {
					s.add(a.Signal, finding.Location{Path: p, Line: u.line}, a.What+" ("+u.text+")")
				}
			}
		}
	}
}

// manifests reads Kubernetes-style documents (kinds by apiVersion group),
// container images of model servers, ingress annotations, and Feast's
// feature_store.yaml.
func manifests(s signals, p, base string, content []byte) {
	docs, err := yamlutil.Parse(content)
	if err != nil {
		return
	}
	for _, d := range docs {
		if base == "feature_store.yaml" || base == "feature_store.yml" {
			if k := keyNode(d, "project"); k != nil && (yamlutil.Get(d, "registry") != nil || yamlutil.Get(d, "provider") != nil) {
				s.add(sigFeatureStore, finding.Location{Path: p, Line: k.Line}, "Feast feature store configuration")
			}
		}
		api, kind := yamlutil.Str(yamlutil.Get(d, "apiVersion")), yamlutil.Str(yamlutil.Get(d, "kind"))
		kindLine := 0
		if k := keyNode(d, "kind"); k != nil {
			kindLine = k.Line
		}
		for _, ks := range kindSignals {
			if kind == ks.Kind && strings.HasPrefix(api, ks.Group) {
				s.add(ks.Signal, finding.Location{Path: p, Line: kindLine}, ks.What)
			}
		}
		if kind == "InferenceService" {
			if l := yamlutil.Path(d, "spec", "predictor", "logger"); l != nil {
				s.add(sigTelemetry, finding.Location{Path: p, Line: l.Line}, "KServe request/response logger")
			}
		}
		if kind == "Ingress" {
			yamlutil.Pairs(yamlutil.Path(d, "metadata", "annotations"), func(k, _ *yaml.Node) {
				for _, a := range ingressAnnotations {
					if k.Value == a.Key {
						s.add(a.Signal, finding.Location{Path: p, Line: k.Line}, a.What)
					}
				}
			})
		}
		// Model-server images anywhere in the document (pods, compose
		// services, chart values). Walk visits an anchor once, so an alias
		// bomb costs no more than its text.
		yamlutil.Walk(d, func(n *yaml.Node) bool {
			if n.Kind != yaml.MappingNode {
				return true
			}
			img := yamlutil.Get(n, "image")
			if v := yamlutil.Str(img); v != "" {
				for _, si := range servingImages {
					if strings.Contains(v, si.Substr) {
						s.add(sigServing, finding.Location{Path: p, Line: img.Line}, si.What+" image "+v)
					}
				}
			}
			return true
		})
	}
}

// cycloneDX credits a CycloneDX BOM that lists a machine-learning model
// component: an AI bill of materials.
func cycloneDX(s signals, p string, content []byte) {
	var bom struct {
		BOMFormat  string `json:"bomFormat"`
		Components []struct {
			Type string `json:"type"`
			Name string `json:"name"`
		} `json:"components"`
	}
	if json.Unmarshal(content, &bom) != nil || bom.BOMFormat != "CycloneDX" {
		return
	}
	for _, c := range bom.Components {
		if c.Type == "machine-learning-model" {
			line := 1 + bytes.Count(content[:max(0, bytes.Index(content, []byte(`"machine-learning-model"`)))], []byte("\n"))
			s.add(sigAIBOM, finding.Location{Path: p, Line: line}, "CycloneDX ML-BOM lists model "+c.Name)
			return
		}
	}
}

var tfResourceRE = regexp.MustCompile(`(?m)^\s*resource\s+"([A-Za-z0-9_]+)"\s+"[^"]*"\s*\{`)

// terraform credits access-control resources by their block headers.
func terraform(s signals, p string, content []byte) {
	for _, m := range tfResourceRE.FindAllSubmatchIndex(content, -1) {
		typ := string(content[m[2]:m[3]])
		for _, r := range terraformResources {
			if typ == r.Type {
				s.add(r.Signal, finding.Location{Path: p, Line: 1 + bytes.Count(content[:m[0]], []byte("\n"))}, r.What)
			}
		}
	}
}

// requirements credits a requirements file whose every requirement is
// pinned with == and a hash (pip-compile --generate-hashes): a locked
// environment.
func requirements(s signals, p string, content []byte) {
	n, hashed := 0, 0
	for _, l := range strings.Split(string(content), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "-") || strings.HasPrefix(l, "--hash") {
			continue
		}
		n++
		if strings.Contains(l, "==") && strings.Contains(l, "--hash=") || strings.Contains(l, "==") && strings.HasSuffix(l, "\\") {
			hashed++
		}
	}
	if n > 0 && hashed == n {
		s.add(sigLockedEnv, finding.Location{Path: p, Line: 1}, "requirements pinned with hashes")
	}
}

// hasAny reports whether s has any of sigs.
func (s signals) hasAny(sigs ...string) bool {
	return slices.ContainsFunc(sigs, s.has)
}
