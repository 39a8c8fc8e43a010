package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

var testRule = &rule.Rule{ID: "test/bad", Title: "BAD marker", Severity: rule.High, Phase: rule.Development,
	Techniques: []string{"AML.T0011.000"}, Summary: "s", Fix: "f"}

// markerAnalyzer reports every line of a Python file that contains "BAD",
// and fails notebooks that are not JSON-ish, standing in for real analyzers.
var markerAnalyzer = &analysis.Analyzer{
	Name:  "test",
	Kinds: []source.Kind{source.Python, source.Notebook},
	Rules: []*rule.Rule{testRule},
	Run: func(p *analysis.Pass) error {
		if p.Kind == source.Notebook && !bytes.HasPrefix(bytes.TrimSpace(p.Content), []byte("{")) {
			return errors.New("invalid notebook JSON at line 1")
		}
		for i, line := range strings.Split(string(p.Content), "\n") {
			if j := strings.Index(line, "BAD"); j >= 0 {
				p.Report(analysis.Diagnostic{Rule: testRule, Location: p.Line(i+1, j+1), Evidence: strings.TrimSpace(line), Message: "marker found"})
			}
			if strings.Contains(line, "PANIC") {
				panic("hostile input")
			}
			if strings.Contains(line, "LEAK") {
				return fmt.Errorf("cannot parse line %d: %q", i+1, line)
			}
			if strings.Contains(line, "SPIN") {
				<-p.Context.Done()
				return p.Context.Err()
			}
		}
		return nil
	},
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func scan(t *testing.T, opts Options) *result.Result {
	t.Helper()
	if opts.Analyzers == nil {
		opts.Analyzers = []*analysis.Analyzer{markerAnalyzer}
	}
	res, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func reasonOf(list []source.Skip, path string) string {
	for _, s := range list {
		if s.Path == path {
			return s.Reason
		}
	}
	return ""
}

func TestFindingsAndAccounting(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "train.py", "import os\nx = 1  # BAD\n")
	write(t, dir, "README.md", "# hi\n")
	write(t, dir, "img.png", "\x89PNG")
	res := scan(t, Options{Paths: []string{dir}})
	if len(res.Findings) != 1 {
		t.Fatalf("findings = %v", res.Findings)
	}
	f := res.Findings[0]
	if want := filepath.ToSlash(dir) + "/train.py"; f.Location.Path != want || f.Location.Line != 2 || f.RuleID != "test/bad" {
		t.Errorf("finding at %s:%d %s", f.Location.Path, f.Location.Line, f.RuleID)
	}
	if res.Analyzed != 1 || len(res.Skipped) != 2 || len(res.Failed) != 0 {
		t.Errorf("analyzed %d, skipped %v, failed %v", res.Analyzed, res.Skipped, res.Failed)
	}
	if f.Fingerprint == "" || len(f.Fingerprint) != 32 {
		t.Errorf("fingerprint %q", f.Fingerprint)
	}
}

// Each kind of bad input is reported with its reason, and the scan goes on.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ok.py", "y = 2  # BAD\n")
	write(t, dir, "binary.py", "\x7fELF\x02\x01\x01\x00\x00\x00BAD")
	write(t, dir, "broken.ipynb", "this is not json")
	write(t, dir, "latin1.py", "# caf\xe9\nz = 3  # BAD\n")
	big := filepath.Join(dir, "huge.py")
	if f, err := os.Create(big); err != nil {
		t.Fatal(err)
	} else {
		if err := f.Truncate(200 << 20); err != nil { // sparse: instant, no disk
			t.Fatal(err)
		}
		f.Close()
	}
	if err := os.Symlink("loop-b", filepath.Join(dir, "loop-a")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop-a", filepath.Join(dir, "loop-b")); err != nil {
		t.Fatal(err)
	}
	secret := write(t, dir, "secret.py", "BAD\n")
	opts := Options{Paths: []string{dir}}
	if os.Geteuid() != 0 {
		if err := os.Chmod(secret, 0); err != nil {
			t.Fatal(err)
		}
	} else {
		// root reads any file whatever its mode, so make the open fail the way it
		// would for a user.
		opts.open = func(name string) (*os.File, error) {
			if name == secret {
				return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrPermission}
			}
			return os.Open(name)
		}
	}
	res := scan(t, opts)
	p := func(name string) string { return filepath.ToSlash(dir) + "/" + name }

	if r := reasonOf(res.Skipped, p("binary.py")); !strings.Contains(r, "binary content") {
		t.Errorf("binary.py: skipped reason %q", r)
	}
	// Text that does not parse is not analyzed, without failing the scan.
	if r := reasonOf(res.NotAnalyzed, p("broken.ipynb")); !strings.Contains(r, "could not be parsed: invalid notebook JSON") {
		t.Errorf("broken.ipynb: not-analyzed reason %q", r)
	}
	if r := reasonOf(res.Warnings, p("latin1.py")); !strings.Contains(r, "invalid UTF-8 at byte 5") {
		t.Errorf("latin1.py: warning %q", r)
	}
	if r := reasonOf(res.Failed, p("huge.py")); !strings.Contains(r, "200.0 MiB") || !strings.Contains(r, "size limit") {
		t.Errorf("huge.py: failed reason %q", r)
	}
	for _, l := range []string{"loop-a", "loop-b"} {
		if r := reasonOf(res.Skipped, p(l)); !strings.Contains(r, "broken or looping") {
			t.Errorf("%s: skipped reason %q", l, r)
		}
	}
	if r := reasonOf(res.Failed, p("secret.py")); !strings.Contains(r, "permission denied") {
		t.Errorf("secret.py: failed reason %q", r)
	}
	// The scan went on: the good files were analyzed, findings kept.
	var lines []string
	for _, f := range res.Findings {
		lines = append(lines, strings.TrimPrefix(f.Location.Path, p("")))
	}
	if strings.Join(lines, ",") != "latin1.py,ok.py" {
		t.Errorf("findings in %v", lines)
	}
	if !res.Incomplete() {
		t.Error("scan with failed files must be incomplete")
	}
}

func TestSymlinksNeverFollowedOutOfRoot(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, "stolen.py", "BAD\n")
	dir := t.TempDir()
	write(t, dir, "inside.py", "fine\n")
	if err := os.Symlink(filepath.Join(outside, "stolen.py"), filepath.Join(dir, "link.py")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("inside.py", filepath.Join(dir, "alias.py")); err != nil {
		t.Fatal(err)
	}
	res := scan(t, Options{Paths: []string{dir}})
	if len(res.Findings) != 0 {
		t.Fatalf("followed a link out of the root: %v", res.Findings)
	}
	p := filepath.ToSlash(dir) + "/"
	for name, want := range map[string]string{"link.py": "outside the scan root", "linkdir": "outside the scan root", "alias.py": "scanned where it lives"} {
		if r := reasonOf(res.Skipped, p+name); !strings.Contains(r, want) {
			t.Errorf("%s: reason %q, want %q", name, r, want)
		}
	}
}

func TestPanicAndTimeoutFailTheFileOnly(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.py", "PANIC\n")
	write(t, dir, "b.py", "BAD\nSPIN\n")
	write(t, dir, "c.py", "BAD\n")
	res := scan(t, Options{Paths: []string{dir}, FileTimeout: 50 * time.Millisecond})
	p := filepath.ToSlash(dir) + "/"
	if r := reasonOf(res.Failed, p+"a.py"); !strings.Contains(r, "panicked: hostile input") {
		t.Errorf("a.py: %q", r)
	}
	if r := reasonOf(res.Failed, p+"b.py"); !strings.Contains(r, "time limit") {
		t.Errorf("b.py: %q", r)
	}
	// b.py's finding before the timeout is kept, c.py is analyzed.
	if len(res.Findings) != 2 || res.Analyzed != 1 {
		t.Errorf("findings %d analyzed %d", len(res.Findings), res.Analyzed)
	}
}

func TestGitignoreAndExcludes(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, ".gitignore", "build/\n*.gen.py\n")
	write(t, dir, "build/x.py", "BAD\n")
	write(t, dir, "a.gen.py", "BAD\n")
	write(t, dir, "sub/.gitignore", "local.py\n")
	write(t, dir, "sub/local.py", "BAD\n")
	write(t, dir, "sub/kept.py", "BAD\n")
	write(t, dir, "tests/fixture.py", "BAD\n")
	write(t, dir, "main.py", "BAD\n")
	res := scan(t, Options{Paths: []string{dir}, Excludes: []string{"tests/"}})
	var got []string
	for _, f := range res.Findings {
		got = append(got, strings.TrimPrefix(f.Location.Path, filepath.ToSlash(dir)+"/"))
	}
	if strings.Join(got, ",") != "main.py,sub/kept.py" {
		t.Errorf("findings in %v", got)
	}
	p := filepath.ToSlash(dir) + "/"
	if r := reasonOf(res.Skipped, p+"tests/"); r != "excluded by configuration" {
		t.Errorf("tests/: %q", r)
	}
	if r := reasonOf(res.Skipped, p+"sub/local.py"); r != "ignored by .gitignore" {
		t.Errorf("sub/local.py: %q", r)
	}
	res = scan(t, Options{Paths: []string{dir}, NoGitignore: true})
	if len(res.Findings) != 6 {
		t.Errorf("--no-gitignore: %d findings, want 6", len(res.Findings))
	}
}

func TestInlineIgnores(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.py", strings.Join([]string{
		"x = 1  # BAD  mlsec: ignore[test/bad] reviewed, test data",
		"# mlsec: ignore[test] whole family",
		"y = 2  # BAD",
		"z = 3  # BAD",
		"# mlsec: ignore[test/other] nothing here",
		"",
	}, "\n"))
	res := scan(t, Options{Paths: []string{dir}})
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.RuleID+":"+string(rune('0'+f.Location.Line)))
	}
	if strings.Join(got, ",") != "test/bad:4,mlsec/unused-ignore:5" {
		t.Errorf("findings %v", got)
	}
	if res.Suppressed != 2 {
		t.Errorf("suppressed %d", res.Suppressed)
	}
}

func TestFingerprintIgnoresLineNumbers(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write(t, a, "m.py", "x = 1  # BAD\nx = 1  # BAD\n")
	write(t, b, "m.py", "\n\nimport os\nx = 1  # BAD\nx = 1  # BAD\n")
	ra, rb := scan(t, Options{Paths: []string{a}}), scan(t, Options{Paths: []string{b}})
	if len(ra.Findings) != 2 || len(rb.Findings) != 2 {
		t.Fatal("want two findings each")
	}
	for i := range ra.Findings {
		if ra.Findings[i].Fingerprint != rb.Findings[i].Fingerprint {
			t.Errorf("fingerprint %d changed with the line number", i)
		}
	}
	if ra.Findings[0].Fingerprint == ra.Findings[1].Fingerprint {
		t.Error("identical findings in one file must have distinct fingerprints")
	}
}

func TestSingleFileAndMissingPath(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "one.py", "BAD\n")
	res := scan(t, Options{Paths: []string{p}})
	if len(res.Findings) != 1 || res.Findings[0].Location.Path != filepath.ToSlash(p) {
		t.Errorf("single file: %v", res.Findings)
	}
	if _, err := Run(context.Background(), Options{Paths: []string{filepath.Join(dir, "nope")}, Analyzers: []*analysis.Analyzer{markerAnalyzer}}); err == nil {
		t.Error("a missing path must be an error")
	}
}

func TestRedactionAndDeterminism(t *testing.T) {
	dir := t.TempDir()
	for i := range 50 {
		write(t, dir, filepath.Join("pkg", string(rune('a'+i%26))+string(rune('a'+i/26))+".py"), "HF = 'hf_abcdefghijklmnopqrstuvwxyz123456'  # BAD\n")
	}
	first := scan(t, Options{Paths: []string{dir}, Jobs: 4})
	for range 3 {
		again := scan(t, Options{Paths: []string{dir}, Jobs: 4})
		for i := range first.Findings {
			if first.Findings[i].Location != again.Findings[i].Location {
				t.Fatal("finding order depends on scheduling")
			}
		}
	}
	for _, f := range first.Findings {
		if strings.Contains(f.Evidence, "abcdefghijklmnop") {
			t.Fatalf("secret not redacted: %s", f.Evidence)
		}
	}
}

// A failure reason quoting the file is redacted like a finding.
func TestFailureReasonsRedacted(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "cfg.py", "LEAK token = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123'\n")
	res := scan(t, Options{Paths: []string{dir}})
	r := reasonOf(res.NotAnalyzed, filepath.ToSlash(dir)+"/cfg.py")
	if !strings.Contains(r, "cannot parse line 1") || strings.Contains(r, "AbCdEfGhIjKl") {
		t.Errorf("reason %q", r)
	}
}
