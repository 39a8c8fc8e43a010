package deps

import (
	"context"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in              string
		name, spec, url string
		path            bool
		marker          string
	}{
		{in: "torch>=2.1", name: "torch", spec: ">=2.1"},
		{in: "Scikit_Learn[alldeps] (>=1.3, <1.5) ; python_version<'3.12'", name: "scikit-learn", spec: ">=1.3, <1.5", marker: "python_version<'3.12'"},
		{in: "huggingface.hub", name: "huggingface-hub"},
		{in: "pkg @ https://example.com/pkg.whl ; sys_platform == 'linux'", name: "pkg", url: "https://example.com/pkg.whl", marker: "sys_platform == 'linux'"},
		{in: "pkg@git+https://h/r.git@v1;x", name: "pkg", url: "git+https://h/r.git@v1;x"},
		{in: "git+https://h/org/repo.git#egg=My_Pkg", name: "my-pkg", url: "git+https://h/org/repo.git#egg=My_Pkg"},
		{in: "./libs/thing", path: true},
		{in: "dist/thing-1.0-py3-none-any.whl", path: true},
		{in: "pkg @ ./vendored", name: "pkg", path: true},
	}
	for _, tt := range tests {
		r, ok := parseRequirement(tt.in)
		if !ok {
			t.Errorf("parseRequirement(%q) failed", tt.in)
			continue
		}
		if r.Name != tt.name || r.Spec != tt.spec || r.URL != tt.url || r.Path != tt.path || r.Marker != tt.marker {
			t.Errorf("parseRequirement(%q) = %+v", tt.in, r)
		}
	}
	for _, bad := range []string{"", "[extra]", "pkg[unclosed"} {
		if r, ok := parseRequirement(bad); ok {
			t.Errorf("parseRequirement(%q) = %+v, want failure", bad, r)
		}
	}
}

func TestExactPin(t *testing.T) {
	for spec, want := range map[string]bool{
		"==2.1.0": true, "===2.1.0-custom": true, ">=2,==2.1.0": true, "== 2.1.0": true,
		"==2.1.*": false, ">=2.1": false, "~=2.1.0": false, "": false, "!=2.0": false,
	} {
		if got := exactPin(spec); got != want {
			t.Errorf("exactPin(%q) = %v, want %v", spec, got, want)
		}
	}
}

func TestCondaPinned(t *testing.T) {
	for spec, want := range map[string]bool{
		"==2.2.1": true, "=2.2.1": true, "=0.17.1=py311_cu121": true, "1.26.4": true, "1.26.4 py311h_0": true,
		"[version='1.4.1']": true, "=1.26": false, "=1.26=*": false, ">=2.1": false, "": false, "1.8*": false,
		"[build=cuda*]": false,
	} {
		if got := condaPinned(spec); got != want {
			t.Errorf("condaPinned(%q) = %v, want %v", spec, got, want)
		}
	}
}

func TestURLCredential(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://user:s3cretPass@host/simple":                          true,
		"https://${PIP_USER}:${PIP_PASSWORD}@host/simple":              false,
		"https://__token__:$PYPI_TOKEN@host/simple":                    false,
		"https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com":  true,
		"https://git@github.com/org/repo":                              false,
		"https://deploy-user@host/simple":                              false,
		"https://conda.anaconda.org/t/ab-1234abcd-99/chan":             true,
		"https://conda.anaconda.org/t/${TOKEN}/chan":                   false,
		"https://host/simple":                                          false,
		"https://host/simple?private_token=glpat-Xq3vN8mZ2kLp7RtY4wHc": true,
		"https://host/simple/?token=${ARTIFACTS_TOKEN}":                false,
		"https://host/simple?arch=x86_64&page=2":                       false,
		"https://host/simple?token=abc":                                false, // too short to be one
	} {
		u, ok := parseURL(raw)
		if !ok {
			t.Errorf("parseURL(%q) failed", raw)
			continue
		}
		if got, _ := u.credential(); got != want {
			t.Errorf("credential(%q) = %v, want %v", raw, got, want)
		}
	}
}

func TestURLParts(t *testing.T) {
	u, ok := parseURL("git+HTTPS://tok:x@GitHub.com:443/org/repo.git@v1.2#egg=repo&subdirectory=py")
	if !ok || u.vcs != "git" || u.scheme != "https" || u.hostname() != "github.com" || u.vcsRef() != "v1.2" || u.eggName() != "repo" {
		t.Errorf("parseURL = %+v", u)
	}
	if got := u.redacted(); strings.Contains(got, "tok") {
		t.Errorf("redacted() = %q still holds the user part", got)
	}
	if u, _ := parseURL("git://host/r.git"); !u.plaintext() || u.vcs != "git" {
		t.Errorf("git:// must be a plaintext VCS URL: %+v", u)
	}
	if _, ok := parseURL("name@https://x"); ok {
		t.Error("parseURL accepted an invalid scheme")
	}
	if !isCommit(strings.Repeat("a1", 20)) || isCommit("main") || isCommit(strings.Repeat("g", 40)) {
		t.Error("isCommit is wrong")
	}
}

func TestCanonicalOption(t *testing.T) {
	for in, want := range map[string]string{
		"-i": "--index-url", "--extra-index": "--extra-index-url", "--trusted": "--trusted-host",
		"--index-url": "--index-url", "--no": "", "--bogus": "", "-x": "",
	} {
		if got := canonicalOption(in); got != want {
			t.Errorf("canonicalOption(%q) = %q, want %q", in, got, want)
		}
	}
}

// runOn runs the analyzer on content as a file of kind k and returns the findings.
func runOn(t testing.TB, name string, k source.Kind, content []byte) ([]finding.Finding, error) {
	var fs []finding.Finding
	p := analysis.NewPass(context.Background(), Analyzer, source.Entry{Path: name, OS: "/nonexistent/" + name, Kind: k}, k, nil, nil,
		analysis.Sinks{Finding: func(f finding.Finding) { fs = append(fs, f) }})
	p.Content = content
	return fs, Analyzer.Run(p)
}

func TestContinuationColumns(t *testing.T) {
	fs, err := runOn(t, "requirements.txt", source.Requirements, []byte("torch==2.2.1 \\\n  --hash=sha256:ab \\\n  ; extra\n--index-url \\\n   http://mirror.example.com/simple\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].RuleID != rules.InsecureIndex.ID || fs[0].Location.Line != 5 || fs[0].Location.Column != 4 {
		t.Fatalf("findings = %+v, want one insecure-index at 5:4", fs)
	}
}

// PyTorch's own index as an extra index is hygiene (low); any other extra
// index is the medium-severity dependency-confusion exposure.
func TestExtraIndexSeverity(t *testing.T) {
	fs, err := runOn(t, "requirements.txt", source.Requirements, []byte(
		"--extra-index-url https://download.pytorch.org/whl/cu121\n--extra-index-url https://pypi.internal.example.com/simple\ntorch==2.3.1+cu121\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]rule.Severity{1: rule.Low, 2: rule.Medium}
	if len(fs) != len(want) {
		t.Fatalf("findings = %+v, want two extra-index-url", fs)
	}
	for _, f := range fs {
		if f.RuleID != rules.ExtraIndexURL.ID || f.Severity != want[f.Location.Line] {
			t.Errorf("line %d: %s %s, want %s %s", f.Location.Line, f.Severity, f.RuleID, want[f.Location.Line], rules.ExtraIndexURL.ID)
		}
	}
}

// pip-compile writes one --hash a line, all joined into one logical line;
// locations must stay exact through hundreds of thousands of them (the
// lookup was once quadratic; BenchmarkLongContinuation watches its speed).
func TestLongContinuation(t *testing.T) {
	const n = 300_000
	var b strings.Builder
	b.WriteString("numpy==1.26.4 \\\n")
	for range n {
		b.WriteString("  --hash=sha256:0a \\\n")
	}
	b.WriteString("  --extra-index-url http://mirror.example.com/simple\n")
	fs, err := runOn(t, "requirements.txt", source.Requirements, []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].RuleID != rules.InsecureIndex.ID || fs[0].Location.Line != n+2 || fs[0].Location.Column != 21 {
		t.Fatalf("findings = %+v, want one insecure-index at %d:21", fs, n+2)
	}
}

func FuzzAnalyzer(f *testing.F) {
	f.Add("requirements.txt", "-i http://u:p@h/s\ntorch>=2 \\\n --hash=sha256:x\n-e git+https://h/r@main#egg=x\n")
	f.Add("pyproject.toml", "[project]\ndependencies=['torch']\n[[tool.poetry.source]]\nurl='http://x'\npriority='secondary'\n[tool.uv]\nindex=[{url='x'}]\n")
	f.Add("setup.cfg", "[options]\ninstall_requires =\n  torch\n[easy_install]\nindex_url = http://x\n")
	f.Add("environment.yml", "channels: [http://x]\ndependencies:\n - numpy=1\n - pip: ['--extra-index-url https://x', 'torch']\n")
	f.Fuzz(func(t *testing.T, name, content string) {
		k, _ := source.ClassifyName(name)
		switch k {
		case source.Requirements, source.Pyproject, source.SetupCfg, source.CondaEnv:
		default:
			k = source.Requirements
		}
		_, _ = runOn(t, name, k, []byte(content))
	})
}

func BenchmarkLongContinuation(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("numpy==1.26.4 \\\n")
	for range 100_000 {
		sb.WriteString("  --hash=sha256:0a \\\n")
	}
	sb.WriteString("  --extra-index-url http://mirror.example.com/simple\n")
	content := []byte(sb.String())
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		if _, err := runOn(b, "requirements.txt", source.Requirements, content); err != nil {
			b.Fatal(err)
		}
	}
}
