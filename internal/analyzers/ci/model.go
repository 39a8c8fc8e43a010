package ci

import (
	"strings"
)

// The workflow model is what the rules read, whichever CI system the file
// is for: GitHub workflows (github.go), composite actions (action.go) and
// GitLab CI files (gitlab.go) are each turned into one workflow of jobs of
// steps, with positions in the analyzed file.

// Platforms a workflow comes from.
const (
	github = "github"
	action = "github-action" // a composite or Docker action's action.yml
	gitlab = "gitlab"
)

// value is a scalar as written, with its place in the file.
type value struct {
	s         string
	line, col int
	// block is set when the scalar is a literal block (`|`): its lines are
	// the file's lines from line+1, indented by indent columns.
	block  bool
	indent int
	// flat is set when positions inside the scalar cannot be mapped back
	// (folded or multi-line quoted): findings inside it go to line.
	flat bool
	// from is the included file the scalar was read from ("" for the
	// analyzed file); line and col are then the job's, fromLine its own.
	from     string
	fromLine int
}

// trigger is one event that starts the workflow.
type trigger struct {
	name      string
	line, col int
}

// perms is a GITHUB_TOKEN permissions block.
type perms struct {
	all       string   // "write-all", "read-all" or "" when scopes are listed
	write     []string // scopes granted write
	line, col int
}

func (p *perms) writes() bool { return p != nil && (p.all == "write-all" || len(p.write) > 0) }

// envVar is one environment variable a workflow, job or step sets.
type envVar struct {
	name string
	val  value
}

// workflow is one CI file.
type workflow struct {
	platform string
	name     string
	triggers []trigger
	perms    *perms // nil when the file declares none
	env      []envVar
	jobs     []*job
	// mrPipelines (GitLab) says whether workflow: rules let merge-request
	// pipelines be created at all (jobs without rules then run in them).
	mrPipelines bool
}

// job is one job (GitHub) or job (GitLab); a composite action is one job.
type job struct {
	wf        *workflow
	id        string
	line, col int
	// path is the file the job is defined in when it is not the analyzed
	// file (a GitLab job of a local include that is analyzed with the
	// pipeline that includes it).
	path     string
	runsOn   []value // GitHub runs-on labels; GitLab tags
	image    value   // container image the job runs in
	services []value
	perms    *perms
	env      []envVar
	steps    []*step
	needs    []string
	ifCond   string
	// environment is the deployment environment the job runs in; one with
	// required reviewers makes a person approve each run.
	environment string
	// A job that calls a reusable workflow.
	call           value
	inheritSecrets *value
	callSecrets    []envVar
	// GitLab: whether the job runs in merge-request pipelines, and where
	// the rule that says so is.
	mr       bool
	mrWhy    string
	mrLine   int
	idTokens bool // GitLab id_tokens: the job can use OIDC
}

// step is one step (GitHub) or one script line (GitLab).
type step struct {
	line, col int
	name      string
	uses      value
	with      map[string]value
	run       value
	env       []envVar
	ifCond    string
	// section names the GitLab script section ("script", "before_script"…).
	section string
}

// privilegedTriggers run with the base repository's secrets and a token
// that can write, on events that people outside the project cause.
var privilegedTriggers = map[string]bool{
	"pull_request_target": true, "workflow_run": true, "issue_comment": true,
	"pull_request_review_comment": true, "pull_request_review": false, // review runs like pull_request
	"issues": true, "discussion": true, "discussion_comment": true,
}

// prTriggers run for pull requests, including from forks.
var prTriggers = map[string]bool{"pull_request": true, "pull_request_target": true, "pull_request_review": true, "pull_request_review_comment": true}

// privileged returns the workflow's first privileged trigger, or nil.
func (w *workflow) privileged() *trigger {
	for i := range w.triggers {
		if privilegedTriggers[w.triggers[i].name] {
			return &w.triggers[i]
		}
	}
	return nil
}

// has returns the workflow's trigger of that name, or nil.
func (w *workflow) has(names ...string) *trigger {
	for i := range w.triggers {
		for _, n := range names {
			if w.triggers[i].name == n {
				return &w.triggers[i]
			}
		}
	}
	return nil
}

// forPRs returns the trigger that runs the workflow for pull requests.
func (w *workflow) forPRs() *trigger {
	for i := range w.triggers {
		if prTriggers[w.triggers[i].name] {
			return &w.triggers[i]
		}
	}
	return nil
}

// startedBy says who can start the workflow, for the asset graph.
func (w *workflow) startedBy() string {
	switch {
	case w.privileged() != nil:
		return "anyone (pull requests, comments or issues from outside the project, privileged context)"
	case w.forPRs() != nil:
		return "anyone (pull requests from forks, unprivileged context)"
	case w.platform == gitlab && w.mrPipelines:
		return "merge-request authors"
	case w.has("workflow_call") != nil:
		return "the calling workflow"
	case len(w.triggers) == 0:
		return "unknown"
	}
	return "repository writers and schedules"
}

// perms is the token permission the job runs with: its own block, else
// the workflow's.
func (j *job) permissions() *perms {
	if j.perms != nil {
		return j.perms
	}
	return j.wf.perms
}

// canWrite reports whether the job's token may write: declared write
// scopes, or no declaration at all on a privileged trigger (the default
// token is read-write in many repositories).
func (j *job) canWrite() bool {
	if p := j.permissions(); p != nil {
		return p.writes()
	}
	return j.wf.platform == github && j.wf.privileged() != nil
}

// secretRef is a place where the job reads a secret.
type secretRef struct {
	name      string // "HF_TOKEN"; "*" for every secret
	line, col int
}

// secrets lists the secrets the job can read (GITHUB_TOKEN aside: every
// job has it), in file order, with the workflow's env first.
func (j *job) secrets() []secretRef {
	var out []secretRef
	seen := map[string]bool{}
	add := func(v value) {
		for _, r := range secretsIn(v) {
			if r.name == "GITHUB_TOKEN" || seen[r.name] {
				continue
			}
			seen[r.name] = true
			out = append(out, r)
		}
	}
	if j.wf.platform == gitlab {
		for _, r := range j.gitlabSecrets() {
			if !seen[r.name] {
				seen[r.name] = true
				out = append(out, r)
			}
		}
		return out
	}
	for _, e := range j.wf.env {
		add(e.val)
	}
	for _, e := range j.env {
		add(e.val)
	}
	for _, e := range j.callSecrets {
		add(e.val)
	}
	if j.inheritSecrets != nil && !seen["*"] {
		seen["*"] = true
		out = append(out, secretRef{name: "*", line: j.inheritSecrets.line, col: j.inheritSecrets.col})
	}
	for _, s := range j.steps {
		for _, e := range s.env {
			add(e.val)
		}
		for _, k := range sortedKeys(s.with) {
			add(s.with[k])
		}
		add(s.run)
	}
	return out
}

// secretNames is the names of refs for messages.
func secretNames(refs []secretRef) string {
	var names []string
	for _, r := range refs {
		if r.name == "*" {
			names = append(names, "every secret")
			continue
		}
		names = append(names, r.name)
	}
	if len(names) > 4 {
		names = append(names[:4], "…")
	}
	return strings.Join(names, ", ")
}

// secretish reports whether an environment variable name is a credential.
func secretish(name string) bool {
	n := strings.ToUpper(name)
	if strings.HasPrefix(n, "CI_") || n == "GITHUB_TOKEN" {
		return false // GitLab's and GitHub's own short-lived job tokens
	}
	for _, s := range []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIALS", "_KEY_JSON", "SA_KEY"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return strings.HasSuffix(n, "_PASS") || strings.HasSuffix(n, "_PAT")
}

// mlSecrets name the credentials of ML services, for messages.
var mlSecrets = map[string]string{
	"HF_TOKEN": "Hugging Face", "HUGGINGFACE_TOKEN": "Hugging Face", "HUGGING_FACE_HUB_TOKEN": "Hugging Face", "HF_API_TOKEN": "Hugging Face",
	"WANDB_API_KEY": "Weights & Biases", "COMET_API_KEY": "Comet", "NEPTUNE_API_TOKEN": "Neptune",
	"MLFLOW_TRACKING_PASSWORD": "MLflow", "MLFLOW_TRACKING_TOKEN": "MLflow", "DATABRICKS_TOKEN": "Databricks",
	"OPENAI_API_KEY": "OpenAI", "ANTHROPIC_API_KEY": "Anthropic", "REPLICATE_API_TOKEN": "Replicate",
	"AWS_SECRET_ACCESS_KEY": "AWS", "AWS_ACCESS_KEY_ID": "AWS", "GOOGLE_APPLICATION_CREDENTIALS": "Google Cloud",
	"GCP_SA_KEY": "Google Cloud", "AZURE_CLIENT_SECRET": "Azure", "AZURE_CREDENTIALS": "Azure",
}

func sortedKeys(m map[string]value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// insertion sort: with: maps are small
	for i := 1; i < len(keys); i++ {
		for k := i; k > 0 && keys[k] < keys[k-1]; k-- {
			keys[k], keys[k-1] = keys[k-1], keys[k]
		}
	}
	return keys
}
