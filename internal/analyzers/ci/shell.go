package ci

import (
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
)

// script is a run: body or a GitLab script line, parsed as bash with the
// project's shell parser. GitHub placeholders (${{ … }}) are blanked to
// underscores of the same length first, so the shell sees one word where
// the runner will paste text and every column still maps onto the file.
type script struct {
	v     value
	text  string // with placeholders blanked
	file  *syntax.File
	calls []shellrisk.Call
}

func parseScript(v value) *script {
	if v.s == "" {
		return nil
	}
	text := v.s
	if strings.Contains(text, "${{") {
		b := []byte(text)
		for _, e := range exprsIn(text) {
			for i := e.start; i < e.end && i < len(b); i++ {
				if b[i] != '\n' {
					b[i] = '_'
				}
			}
		}
		text = string(b)
	}
	s := &script{v: v, text: text}
	f, err := mlcmd.Parse(text)
	if err != nil {
		return s // not bash (PowerShell, a Python heredoc…): the text-level checks still apply
	}
	s.file = f
	s.calls = shellrisk.Calls(f)
	return s
}

// at maps a position in the script onto the file.
func (s *script) at(p syntax.Pos) (line, col int) {
	v := s.v
	switch {
	case v.flat || !p.IsValid():
		return v.line, v.col
	case v.block:
		return v.line + int(p.Line()), v.indent + int(p.Col())
	case p.Line() == 1:
		return v.line, v.col + int(p.Col()) - 1
	}
	return v.line, v.col
}

// callAt is the file position of a call.
func (s *script) callAt(c shellrisk.Call) (int, int) { return s.at(c.Expr.Pos()) }

// argv0 is the program and its words after launchers.
func words(c shellrisk.Call) (prog string, args []string) { return c.Prog(), c.Args() }

// sub returns the first non-option word of args.
func sub(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// has reports whether args holds any of the words.
func has(args []string, ws ...string) bool {
	for _, a := range args {
		for _, w := range ws {
			if a == w {
				return true
			}
		}
	}
	return false
}

// pipInstall returns pip install's words after "install".
func pipInstall(c shellrisk.Call) ([]string, bool) {
	argv := c.Argv
	i := 0
	for i < len(argv) && i < 8 {
		switch path.Base(argv[i]) {
		case "sudo", "env", "exec", "command", "time":
			i++
			continue
		}
		break
	}
	if i >= len(argv) {
		return nil, false
	}
	prog := path.Base(argv[i])
	j := i + 1
	switch {
	case prog == "pip" || prog == "pip3" || strings.HasPrefix(prog, "pip3."):
	case prog == "uv" && j < len(argv) && argv[j] == "pip":
		j++
	case prog == "python" || prog == "python3" || strings.HasPrefix(prog, "python3."):
		for j < len(argv) && argv[j] != "-m" {
			j++
		}
		if j+1 >= len(argv) || argv[j+1] != "pip" {
			return nil, false
		}
		j += 2
	default:
		return nil, false
	}
	if j >= len(argv) || argv[j] != "install" {
		return nil, false
	}
	return argv[j+1:], true
}

// runsRepoCode says what a command runs from the working tree, or "".
// It is the list of ways an ML repository's files become code: build
// backends, test collection, pipeline stages, notebooks, launchers.
func runsRepoCode(c shellrisk.Call) string {
	prog, args := words(c)
	if args, ok := pipInstall(c); ok {
		for i, a := range args {
			switch {
			case a == "." || strings.HasPrefix(a, "./") || strings.HasPrefix(a, ".[") || a == "-e" || a == "--editable" || strings.HasPrefix(a, "file:"):
				return "pip install of the checkout (runs its build backend and setup.py)"
			case (a == "-r" || a == "--requirement") && i+1 < len(args), strings.HasPrefix(a, "-r") && len(a) > 2:
				return "pip install -r of the checkout's requirements (the file picks the packages and indexes)"
			}
		}
		return ""
	}
	first := sub(args)
	switch {
	case prog == "python" || prog == "python3" || strings.HasPrefix(prog, "python3."):
		for i, a := range args {
			if a == "-c" {
				return ""
			}
			if a == "-m" && i+1 < len(args) {
				switch args[i+1] {
				case "pytest", "tox", "nox", "build", "pre_commit", "unittest", "papermill", "nbconvert", "accelerate", "torch.distributed.run", "torch.distributed.launch", "deepspeed", "dvc", "mlflow":
					return "python -m " + args[i+1]
				}
				return ""
			}
			if !strings.HasPrefix(a, "-") {
				return "python " + a
			}
		}
	case prog == "pytest", prog == "tox", prog == "nox", prog == "make", prog == "pre-commit", prog == "torchrun", prog == "deepspeed", prog == "papermill",
		prog == "cmake", prog == "mvn", prog == "gradle", prog == "cargo", prog == "bazel", prog == "ansible-playbook":
		return prog
	case prog == "dvc" && (first == "repro" || first == "pull" || first == "exp" || first == "fetch" || first == "checkout"):
		return "dvc " + first + " (stages and remotes come from the checkout)"
	case prog == "mlflow" && first == "run":
		return "mlflow run"
	case prog == "jupyter" && (first == "execute" || first == "nbconvert" && has(args, "--execute")):
		return "jupyter " + first + " --execute"
	case prog == "accelerate" && first == "launch":
		return "accelerate launch"
	case prog == "uv" && (first == "run" || first == "sync"), prog == "poetry" && (first == "install" || first == "run"),
		prog == "pdm" && (first == "install" || first == "run" || first == "sync"), prog == "hatch" && first == "run",
		prog == "pipenv" && (first == "install" || first == "run"), prog == "conda" && first == "env" && has(args, "create", "update"):
		return prog + " " + first
	case prog == "npm" || prog == "yarn" || prog == "pnpm":
		if first == "" || first == "install" || first == "ci" || first == "test" || first == "run" || first == "build" {
			return prog + " " + first
		}
	case prog == "go" && (first == "run" || first == "test" || first == "build" || first == "generate"):
		return "go " + first
	case prog == "docker" && first == "build", prog == "docker" && first == "compose", prog == "docker-compose":
		return prog + " " + first
	case prog == "bash" || prog == "sh" || prog == "source" || prog == ".":
		if first != "" && !strings.HasPrefix(first, "-") {
			return prog + " " + first
		}
	case strings.HasPrefix(c.Argv[0], "./") || strings.HasPrefix(c.Argv[0], "scripts/") || strings.HasPrefix(c.Argv[0], "bin/"):
		return c.Argv[0]
	}
	return ""
}

// publication is what a command publishes and where to.
type publication struct {
	what   string // for messages: "huggingface-cli upload"
	target string // repo, URI or endpoint; "" when unknown
	kind   string // "hub", "store", "registry", "endpoint", "image", "data-version"
	model  bool   // the artifact is a model (for the verification rule)
}

var modelPathRE = regexp.MustCompile(`(?i)(model|checkpoint|ckpt|weights|\.pt$|\.pth$|\.safetensors$|\.onnx$|\.gguf$|\.pkl$|\.joblib$|\.bin$|\.h5$|\.keras$|adapter|lora)`)
var dataPathRE = regexp.MustCompile(`(?i)(data|dataset|features|train|eval|corpus|\.parquet$|\.csv$|\.jsonl$)`)
var publishScriptRE = regexp.MustCompile(`(?i)(push_to_hub|push-to-hub|to_hub|upload_model|upload-model|publish_model|publish-model|release_model|release-model|register_model|register-model|deploy_model|deploy-model|hub_upload|hub-upload)`)

// publishes recognises a command that pushes a model or dataset out of the
// pipeline.
func publishes(c shellrisk.Call) (publication, bool) {
	prog, args := words(c)
	first := sub(args)
	switch {
	case (prog == "huggingface-cli" || prog == "hf") && (first == "upload" || first == "upload-large-folder"):
		repo := ""
		for i, a := range args {
			if a == first && i+1 < len(args) {
				repo = args[i+1]
				break
			}
		}
		return publication{what: prog + " " + first, target: repo, kind: "hub", model: !has(args, "--repo-type=dataset") && !hasPair(args, "--repo-type", "dataset")}, true
	case strings.HasPrefix(prog, "python"):
		for i, a := range args {
			if (a == "-c") && i+1 < len(args) {
				code := args[i+1]
				for _, fn := range []string{"push_to_hub(", "upload_folder(", "upload_file(", "create_commit(", "upload_large_folder("} {
					if strings.Contains(code, fn) {
						return publication{what: strings.TrimSuffix(fn, "("), target: repoIDIn(code), kind: "hub", model: true}, true
					}
				}
				if strings.Contains(code, "register_model(") || strings.Contains(code, "mlflow.register_model") {
					return publication{what: "mlflow.register_model", kind: "registry", model: true}, true
				}
				return publication{}, false
			}
		}
		for i, a := range args {
			if a == "--push_to_hub" || a == "--push-to-hub" || strings.HasPrefix(a, "--push_to_hub=") && !strings.HasSuffix(a, "=false") && !strings.HasSuffix(a, "=False") {
				target := ""
				for k, b := range args {
					if (b == "--hub_model_id" || b == "--hub-model-id") && k+1 < len(args) {
						target = args[k+1]
					}
				}
				return publication{what: "a training script run with " + a, target: target, kind: "hub", model: true}, true
			}
			_ = i
		}
		if f := sub(args); f != "" && strings.HasSuffix(f, ".py") && publishScriptRE.MatchString(path.Base(f)) {
			return publication{what: "python " + f, kind: "hub", model: true}, true
		}
	case prog == "mlflow":
		for _, a := range args {
			if strings.Contains(a, "register") {
				return publication{what: "mlflow " + a, kind: "registry", model: true}, true
			}
		}
		if first == "deployments" && has(args, "create", "update") {
			return publication{what: "mlflow deployments", kind: "endpoint", model: true}, true
		}
	case prog == "aws" && first == "s3" && len(args) >= 4 && (args[1] == "cp" || args[1] == "sync" || args[1] == "mv"):
		src, dst := nonOpts(args[2:])
		if strings.HasPrefix(dst, "s3://") && !strings.HasPrefix(src, "s3://") {
			return publication{what: "aws s3 " + args[1], target: dst, kind: "store", model: modelPathRE.MatchString(src)}, modelPathRE.MatchString(src) || dataPathRE.MatchString(src) || modelPathRE.MatchString(dst) || dataPathRE.MatchString(dst)
		}
	case prog == "gsutil" || prog == "gcloud" && first == "storage":
		rest := args
		if prog == "gcloud" {
			rest = args[1:]
		}
		verb := sub(rest)
		if verb == "cp" || verb == "rsync" || verb == "mv" {
			var ops []string
			for _, a := range rest[1:] {
				if !strings.HasPrefix(a, "-") {
					ops = append(ops, a)
				}
			}
			if len(ops) >= 2 {
				src, dst := ops[0], ops[len(ops)-1]
				if strings.HasPrefix(dst, "gs://") && !strings.HasPrefix(src, "gs://") && (modelPathRE.MatchString(src) || dataPathRE.MatchString(src) || modelPathRE.MatchString(dst) || dataPathRE.MatchString(dst)) {
					return publication{what: prog + " " + verb, target: dst, kind: "store", model: modelPathRE.MatchString(src)}, true
				}
			}
		}
	case prog == "aws" && first == "sagemaker":
		for _, a := range args {
			switch a {
			case "create-model", "create-endpoint", "update-endpoint", "create-endpoint-config", "create-model-package":
				return publication{what: "aws sagemaker " + a, target: flagValue(args, "--endpoint-name", "--model-name", "--model-package-group-name"), kind: "endpoint", model: true}, true
			}
		}
	case prog == "gcloud" && first == "ai":
		if has(args, "upload") && has(args, "models") || has(args, "deploy-model") {
			return publication{what: "gcloud ai " + strings.Join(args[1:min(3, len(args))], " "), target: flagValue(args, "--display-name"), kind: "endpoint", model: true}, true
		}
	case prog == "az" && first == "ml" && has(args, "create") && (has(args, "model") || has(args, "online-deployment")):
		return publication{what: "az ml " + args[1] + " create", target: flagValue(args, "--name", "-n"), kind: "endpoint", model: true}, true
	case prog == "dvc" && first == "push":
		return publication{what: "dvc push", kind: "data-version"}, true
	case prog == "wandb" && first == "artifact" && has(args, "put"):
		return publication{what: "wandb artifact put", kind: "registry", model: true}, true
	case prog == "docker" && first == "push":
		return publication{what: "docker push", target: sub(args[1:]), kind: "image"}, true
	}
	return publication{}, false
}

func hasPair(args []string, k, v string) bool {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == k && args[i+1] == v {
			return true
		}
	}
	return false
}

func nonOpts(args []string) (string, string) {
	var ops []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "--") {
			if !strings.Contains(a, "=") && a != "--recursive" && a != "--delete" && a != "--quiet" && a != "--no-progress" && a != "--dryrun" && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") && len(ops) >= 2 {
				i++
			}
			continue
		}
		if strings.HasPrefix(a, "-") {
			continue
		}
		ops = append(ops, a)
	}
	if len(ops) < 2 {
		return "", ""
	}
	return ops[0], ops[1]
}

func flagValue(args []string, names ...string) string {
	for i, a := range args {
		for _, n := range names {
			if a == n && i+1 < len(args) {
				return args[i+1]
			}
			if strings.HasPrefix(a, n+"=") {
				return a[len(n)+1:]
			}
		}
	}
	return ""
}

var repoIDRE = regexp.MustCompile(`repo_id\s*=\s*["']([A-Za-z0-9][A-Za-z0-9._/-]*)["']|push_to_hub\(\s*["']([A-Za-z0-9][A-Za-z0-9._/-]*)["']`)

func repoIDIn(code string) string {
	m := repoIDRE.FindStringSubmatch(code)
	if m == nil {
		return ""
	}
	if m[1] != "" {
		return m[1]
	}
	return m[2]
}

// verifies recognises a model scan, a signature or an attestation.
func verifies(c shellrisk.Call) bool {
	prog, args := words(c)
	switch prog {
	case "mlsec", "modelscan", "picklescan", "fickling", "cosign", "model_signing", "model-signing", "sigstore", "notation", "slsa-verifier":
		return true
	case "gpg":
		return has(args, "--sign", "--detach-sign", "-s", "-b", "--clearsign")
	}
	if strings.HasPrefix(prog, "python") {
		for i, a := range args {
			if a == "-m" && i+1 < len(args) {
				switch args[i+1] {
				case "model_signing", "modelscan", "picklescan", "fickling", "sigstore":
					return true
				}
			}
		}
	}
	return false
}

// verifyingAction recognises an action that scans, signs or attests.
func verifyingAction(uses string) bool {
	u := strings.ToLower(uses)
	for _, s := range []string{"attest", "sigstore", "cosign", "slsa-framework/", "modelscan", "picklescan", "mlsec"} {
		if strings.Contains(u, s) {
			return true
		}
	}
	return false
}

// fetchesPR recognises a command that brings pull-request code into the
// workspace: gh pr checkout, a fetch of refs/pull/N/head, a checkout of
// the head branch or commit.
func fetchesPR(c shellrisk.Call, raw string) string {
	prog, args := words(c)
	first := sub(args)
	switch {
	case prog == "gh" && first == "pr" && has(args, "checkout"):
		return "gh pr checkout"
	// git fetch alone only downloads objects; what puts them in the
	// working tree is checkout, switch, pull, merge, reset or clone.
	case prog == "git" && (first == "pull" || first == "checkout" || first == "switch" || first == "clone" || first == "merge" || first == "reset" || first == "worktree"):
		for _, a := range args {
			if strings.Contains(a, "pull/") || strings.Contains(a, "merge-requests/") {
				return "git " + first + " " + a
			}
		}
		if prExprRE.MatchString(raw) {
			return "git " + first + " of the pull request's head"
		}
	}
	return ""
}

// prExprRE matches the contexts that name a pull request's head.
var prExprRE = regexp.MustCompile(`github\.event\.pull_request\.head\.(sha|ref|repo)|github\.event\.pull_request\.merge_commit_sha|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch)|github\.event\.issue\.pull_request|pull_request\.number|CI_MERGE_REQUEST_SOURCE_BRANCH_(NAME|SHA)|refs/pull/|pull/\$\{\{`)

// unpinnedPackages lists the packages a pip install names without an exact
// version or hash.
func unpinnedPackages(args []string) []string {
	var out []string
	for _, a := range args {
		switch {
		case a == "-r" || a == "-c" || a == "-e" || a == "-i" || a == "--index-url" || a == "--extra-index-url" || a == "-f" || a == "--find-links" ||
			a == "--requirement" || a == "--constraint" || a == "--editable" || a == "--target" || a == "-t" || a == "--trusted-host" || a == "--python":
			return nil // installs from a file or an index this command does not show: other rules read those
		case strings.HasPrefix(a, "-"):
			continue
		case strings.HasPrefix(a, ".") || strings.HasPrefix(a, "/") || strings.Contains(a, "://") || strings.HasSuffix(a, ".whl") || strings.HasSuffix(a, ".tar.gz") || strings.Contains(a, "$") || strings.Contains(a, "__"):
			continue
		case strings.Contains(a, "==") || strings.Contains(a, "@"):
			continue
		}
		name := strings.ToLower(a)
		if i := strings.IndexAny(name, "<>=!~[;"); i >= 0 {
			name = name[:i]
		}
		switch name {
		case "pip", "setuptools", "wheel", "uv", "build", "twine":
			continue // build tooling
		}
		out = append(out, a)
	}
	return out
}
