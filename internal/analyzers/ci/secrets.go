package ci

import (
	"fmt"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
	"github.com/mlsec/mlsec/internal/rules"
)

// staticKeyVars are environment variables that hold a static cloud key.
var staticKeyVars = map[string]string{
	"AWS_SECRET_ACCESS_KEY": "an AWS access key", "AWS_ACCESS_KEY_ID": "an AWS access key",
	"GOOGLE_APPLICATION_CREDENTIALS": "a Google service-account key", "GOOGLE_CREDENTIALS": "a Google service-account key",
	"GCP_SA_KEY": "a Google service-account key", "GCLOUD_SERVICE_KEY": "a Google service-account key",
	"AZURE_CLIENT_SECRET": "an Azure client secret", "AZURE_CREDENTIALS": "an Azure client secret",
}

// staticKeyInputs are action inputs that take a static cloud key.
var staticKeyInputs = map[string]map[string]string{
	"aws-actions/configure-aws-credentials": {"aws-secret-access-key": "an AWS access key"},
	"google-github-actions/auth":            {"credentials_json": "a Google service-account key"},
	"google-github-actions/setup-gcloud":    {"service_account_key": "a Google service-account key"},
	"azure/login":                           {"creds": "an Azure client secret"},
}

// credentials reports ci/long-lived-cloud-key and ci/secret-on-command-line.
func (f *file) credentials(j *job) {
	f.staticKeys(j)
	f.commandLineSecrets(j)
}

func (f *file) staticKeys(j *job) {
	seen := map[string]bool{} // one finding per kind of key and job
	report := func(kind string, v value, what string) {
		if seen[kind] {
			return
		}
		seen[kind] = true
		if f.once(fmt.Sprintf("key:%d:%d", v.line, v.col)) {
			return // a workflow-level variable, reported with the first job
		}
		f.report(j, rules.CILongLivedCloudKey, v.line, v.col, fmt.Sprintf("job %q uses %s (%s): a static key that works from anywhere until rotated, where OIDC federation would give a short-lived, repository-bound one", j.id, kind, what), what, related(v), 0, "")
	}
	envs := [][]envVar{f.wf.env, j.env}
	for _, s := range j.steps {
		envs = append(envs, s.env)
	}
	for _, env := range envs {
		for _, e := range env {
			kind, ok := staticKeyVars[strings.ToUpper(e.name)]
			if !ok {
				continue
			}
			if f.wf.platform == gitlab || strings.Contains(e.val.s, "secrets.") {
				report(kind, e.val, e.name)
			}
		}
	}
	for _, s := range j.steps {
		if in, ok := staticKeyInputs[strings.ToLower(actionName(s.uses.s))]; ok {
			for _, k := range sortedKeys(s.with) {
				if kind, ok := in[k]; ok {
					report(kind, s.with[k], actionName(s.uses.s)+" "+k)
				}
			}
		}
		if f.wf.platform != gitlab {
			continue
		}
		for _, m := range varRefRE.FindAllStringSubmatchIndex(s.run.s, 32) {
			name := s.run.s[m[2]:m[3]]
			if kind, ok := staticKeyVars[name]; ok {
				v := s.run
				v.line, v.col = s.run.offsetPos(m[0])
				report(kind, v, "$"+name)
			}
		}
	}
}

// once reports whether key was already reported in this file (a
// workflow-level env var is seen by every job).
func (f *file) once(key string) bool {
	if f.reported == nil {
		f.reported = map[string]bool{}
	}
	if f.reported[key] {
		return true
	}
	f.reported[key] = true
	return false
}

var credentialWord = regexp.MustCompile(`(?i)(token|key|password|passwd|secret)$`)

// credentialFlags take a credential as their value.
var credentialFlags = map[string]bool{
	"--token": true, "--password": true, "--api-key": true, "--apikey": true, "--secret": true, "--access-token": true,
	"--auth-token": true, "--hf-token": true, "--hub-token": true, "--hub_token": true, "--key": true, "--secret-key": true,
	"--private-key": true, "--client-secret": true,
}

func (f *file) commandLineSecrets(j *job) {
	for _, s := range j.steps {
		sc := f.script(s)
		if sc == nil || sc.file == nil {
			continue
		}
		// GitHub: secrets pasted into a command's words.
		var exprs []expr
		if f.wf.platform != gitlab && strings.Contains(s.run.s, "secrets") {
			for _, x := range exprsIn(s.run.s) {
				if strings.Contains(x.src, "secrets") && !strings.Contains(x.src, "GITHUB_TOKEN") {
					exprs = append(exprs, x)
				}
			}
		}
		done := false
		for _, c := range sc.calls {
			if done {
				break
			}
			for k, w := range c.Expr.Args {
				if k == 0 {
					continue
				}
				start, end := int(w.Pos().Offset()), int(w.End().Offset())
				for _, x := range exprs {
					if x.start >= start && x.start < end {
						line, col := s.run.offsetPos(x.start)
						f.report(j, rules.CISecretOnCommandLine, line, col,
							fmt.Sprintf("job %q: ${{ %s }} is pasted into the command line of %s, where the process list and shell traces show it", j.id, strings.TrimSpace(x.src), c.Prog()),
							c.Prog()+" … ${{"+x.src+"}}", related(s.run), 0, "")
						done = true
						break
					}
				}
				if done {
					break
				}
			}
			if done {
				break
			}
			if name, ok := secretArg(c); ok {
				line, col := sc.callAt(c)
				f.report(j, rules.CISecretOnCommandLine, line, col,
					fmt.Sprintf("job %q: $%s is passed on the command line of %s, where the process list and shell traces show it", j.id, name, c.Prog()),
					strings.Join(c.Argv, " "), related(s.run), 0, "")
				done = true
			}
		}
	}
}

// secretArg finds a credential variable passed as an argument: after a
// credential flag, as the argument of `login`, or in a curl header.
func secretArg(c shellrisk.Call) (string, bool) {
	prog, args := words(c)
	ws := c.Expr.Args[len(c.Argv)-len(args):]
	// Only a credential-named variable counts: --key "$CACHE_KEY" is not one.
	varIn := func(w *syntax.Word) string {
		name := ""
		syntax.Walk(w, func(n syntax.Node) bool {
			if pe, ok := n.(*syntax.ParamExp); ok && pe.Param != nil && name == "" && secretish(pe.Param.Value) {
				if !strings.HasPrefix(pe.Param.Value, "CI_") {
					name = pe.Param.Value
				}
			}
			return name == ""
		})
		return name
	}
	for i, a := range args {
		flag, _, eq := strings.Cut(a, "=")
		switch {
		case (credentialFlags[flag] || strings.HasPrefix(flag, "--") && credentialWord.MatchString(flag)) && eq:
			if n := varIn(ws[i]); n != "" {
				return n, true
			}
		case credentialFlags[a] || a == "-p" && (prog == "docker" || prog == "podman" || prog == "helm") && has(args, "login"):
			if i+1 < len(args) {
				if n := varIn(ws[i+1]); n != "" {
					return n, true
				}
			}
		case strings.HasPrefix(a, "--") && credentialWord.MatchString(a) && i+1 < len(args):
			// --wandb-key "$WANDB_API_KEY", --hf_token=$HF_TOKEN: a
			// script's own option, so only a credential-named variable counts.
			if n := varIn(ws[i+1]); n != "" {
				return n, true
			}
		case a == "login" && (prog == "wandb" || prog == "huggingface-cli" || prog == "hf") && i+1 < len(args):
			if n := varIn(ws[i+1]); n != "" {
				return n, true
			}
		case (prog == "curl" || prog == "wget") && (a == "-H" || a == "--header" || a == "-u" || a == "--user") && i+1 < len(args):
			if n := varIn(ws[i+1]); n != "" {
				return n, true
			}
		}
	}
	return "", false
}
