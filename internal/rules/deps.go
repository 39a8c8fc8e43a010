package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about Python packages and package indexes, wherever they are installed from: requirements and pyproject files, Dockerfile RUN lines, shell scripts.

// ExtraIndexURL flags package indexes that are searched alongside PyPI with
// nothing saying which packages may come from which index.
var ExtraIndexURL = &rule.Rule{
	ID:          "deps/extra-index-url",
	Title:       "Extra package index open to dependency confusion",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0010.001", "AML.T0011.001"},
	Mitigations: []string{"AML.M0013", "AML.M0023"},
	Summary:     "A second package index is searched together with the first, so anyone who publishes a higher version of one of its package names on the other index gets code executed at install time.",
	Description: "pip treats --extra-index-url as one more place to look and installs the highest version it finds across all indexes; a remote --find-links page next to PyPI is merged the same way. A package that exists only on a private or vendor index (an internal library, or torchtriton on the PyTorch nightly index in December 2022) can be shadowed by a same-named package on PyPI that anyone can register; its setup code runs on every machine and CI job that installs the project. Poetry supplemental or secondary sources (and primary sources listed next to PyPI), PDM sources without include_packages, and uv indexes with an unsafe index strategy behave the same way. PyTorch's own index (download.pytorch.org) is reported at low severity only: since the torchtriton incident PyTorch also holds the names it serves on PyPI, so nobody else can claim them, although pip still mixes versions across the two indexes.\n\nWith `--extra-index-url` (or `PIP_EXTRA_INDEX_URL`) pip merges two indexes and takes the best version from either: anyone can publish an internal package's name on PyPI with a higher version (dependency confusion, as in the PyTorch torchtriton incident).",
	Fix:         "Serve everything through one index (a proxy that mirrors PyPI and hosts internal packages) with `--index-url`, or pin which packages come from which index (Poetry `priority = \"explicit\"` with `source = \"…\"`, uv `[[tool.uv.index]] explicit = true` with `[tool.uv.sources]`, PDM `include_packages`), or install with hashes (`--require-hashes`) so a substituted package fails verification. Register internal names on PyPI as placeholders. In Dockerfiles and scripts the same applies to the `pip install` flags.",
	References:  []string{"https://pytorch.org/blog/compromised-nightly-dependency/", "https://pip.pypa.io/en/stable/cli/pip_install/#finding-packages", "https://docs.astral.sh/uv/configuration/indexes/", "https://python-poetry.org/docs/repositories/#package-sources"},
}

// InsecureIndex flags package indexes, find-links pages and conda channels
// reached without TLS, and settings that switch TLS verification off.
var InsecureIndex = &rule.Rule{
	ID:          "deps/insecure-index",
	Title:       "Package index over plain HTTP or without TLS verification",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0010.001", "AML.T0011.001"},
	Mitigations: []string{"AML.M0013"},
	Summary:     "Packages are fetched over a connection that is not authenticated, so anyone on the network path can serve a modified package that runs code at install time.",
	Description: "An index URL, find-links page or conda channel over http://, or a host listed in --trusted-host (pip), allow-insecure-host (uv) or with verify_ssl = false (PDM), lets a machine in the middle (café Wi-Fi, a compromised proxy, a poisoned DNS answer in the build network) replace any package or wheel. Installing a Python package runs its build code, so the substitution is code execution on the developer's laptop, the training cluster or the CI runner.\n\nAn `http://` index or `--trusted-host` turns off TLS verification for package downloads, so a network attacker can substitute any package installed into the image.",
	Fix:         "Use https:// with a valid certificate for every index, find-links page and channel, in requirements, configuration, Dockerfiles and scripts alike; remove `--trusted-host`, `allow-insecure-host` and `verify_ssl = false`. If the index uses a private CA, point pip at it with `--cert` or `PIP_CERT` instead of turning verification off.",
	References:  []string{"https://pip.pypa.io/en/stable/topics/https-certificates/", "https://pip.pypa.io/en/stable/cli/pip/#cmdoption-trusted-host", "https://docs.conda.io/projects/conda/en/latest/user-guide/configuration/settings.html", "https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-trusted-host"},
}

// InsecureDirectURL flags packages installed straight from a URL or a
// version-control repository over an unauthenticated transport, or from a
// moving branch or tag.
var InsecureDirectURL = &rule.Rule{
	ID:          "deps/insecure-direct-url",
	Title:       "Package installed from an insecure or unpinned direct URL",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0010.001"},
	Mitigations: []string{"AML.M0013", "AML.M0023"},
	Summary:     "A dependency is downloaded from a URL or repository without transport security or without a fixed commit, so what gets installed is whatever the network or the branch serves that day.",
	Description: "A requirement such as pkg @ http://…, git+http://… or git+git://… is fetched without TLS: anyone on the network path can replace the code that is built and installed. " +
		"A VCS requirement over https or ssh that names a branch or tag, or no revision at all, installs the current head of that ref: " +
		"one push to the repository (or a moved tag) changes the code every new environment gets, without any change in this project (reported at medium severity).",
	Fix: "Fetch over https:// or ssh://, and pin VCS requirements to a full commit hash (git+https://host/org/repo@<40-hex sha>). " +
		"For archives and wheels add a --hash or a #sha256= fragment, or publish the package to your index and pin it with ==.",
	References: []string{
		"https://pip.pypa.io/en/stable/topics/vcs-support/",
		"https://pip.pypa.io/en/stable/topics/secure-installs/",
		"https://packaging.python.org/en/latest/specifications/dependency-specifiers/",
	},
}

// KnownMaliciousPackage flags package names and versions with a documented
// history of carrying malware aimed at ML environments.
var KnownMaliciousPackage = &rule.Rule{
	ID:          "deps/known-malicious-package",
	Title:       "Known malicious ML package or release",
	Severity:    rule.Critical,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0011.001", "AML.T0010.001"},
	Mitigations: []string{"AML.M0016", "AML.M0013"},
	Summary:     "The project installs a package name or release that was used to ship malware to ML environments, so installing it may run the attacker's code.",
	Description: "A short embedded list of documented incidents: torchtriton, the dependency-confusion package that shadowed the PyTorch nightly index in December 2022 " +
		"(reported only when it can come from an index other than download.pytorch.org), and the ultralytics releases published from a compromised build pipeline in December 2024. " +
		"Each entry carries its public reference.",
	Fix: "Remove the package or move to a release named safe by the project, rebuild every environment that installed it, and rotate credentials that were reachable from those machines.",
	References: []string{
		"https://pytorch.org/blog/compromised-nightly-dependency/",
		"https://blog.pypi.org/posts/2024-12-11-ultralytics-attack-analysis/",
	},
}

// UnpinnedMLPackage flags ML-critical packages without an exact version in
// the files that decide what an application installs.
var UnpinnedMLPackage = &rule.Rule{
	ID:          "deps/unpinned-ml-package",
	Title:       "ML-critical package without an exact version pin",
	Severity:    rule.Low,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Design,
	Techniques:  []string{"AML.T0010.001"},
	Mitigations: []string{"AML.M0016", "AML.M0023"},
	Summary:     "A framework that loads models and data (torch, transformers, numpy, joblib…) is installed at whatever version is newest, so a compromised or broken release reaches training and serving unnoticed.",
	Description: "ML frameworks deserialize model files, run hub code and handle training data; they are prime targets for supply-chain attacks and their releases change loading behaviour " +
		"(for example torch.load's weights_only default). Without an exact pin, or a hash, or a lock file, each new environment silently picks up the latest release, " +
		"and a vulnerability scan of the repository cannot say which version actually runs. " +
		"Requirements files and conda environments are checked; pyproject.toml and setup.cfg only when no lock file (uv.lock, poetry.lock, pdm.lock, pylock.toml) sits beside them, " +
		"since a library's declared dependencies are ranges by design and the lock file holds the pins.",
	Fix: "Pin exact versions (torch==2.3.1) in requirements files and conda environments, ideally generated with hashes by pip-compile --generate-hashes or uv pip compile, " +
		"or commit the lock file of your project manager; upgrade deliberately and scan the new version.",
	References: []string{
		"https://pip.pypa.io/en/stable/topics/repeatable-installs/",
		"https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode",
		"https://docs.conda.io/projects/conda/en/latest/user-guide/concepts/pkg-specs.html",
	},
}
