package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/report/reporttest"
)

// TestMain lets the test binary act as mlsec when asked, so that tests can
// run it as a separate process (to interrupt it).
func TestMain(m *testing.M) {
	if os.Getenv("MLSEC_TEST_AS_CLI") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// evilPickle is a protocol 2 pickle that calls os.system("id") when loaded,
// written as bytes: nothing here is ever unpickled.
const evilPickle = "\x80\x02cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03."

func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type notes struct {
	Summary struct {
		ExitCode int `json:"exit_code"`
	} `json:"summary"`
	Findings []struct {
		Rule     string `json:"rule"`
		Location struct {
			Path string `json:"path"`
		} `json:"location"`
	} `json:"findings"`
	Failed      []struct{ Path, Reason string } `json:"failed"`
	NotAnalyzed []struct{ Path, Reason string } `json:"not_analyzed"`
	Skipped     []struct{ Path, Reason string } `json:"skipped"`
}

func scanNotes(t *testing.T, args ...string) (int, notes, string) {
	t.Helper()
	code, out, stderr := run(t, append([]string{"scan", "-f", "json", "--no-progress"}, args...)...)
	var n notes
	if err := json.Unmarshal([]byte(out), &n); err != nil {
		t.Fatalf("JSON: %v\n%s", err, stderr)
	}
	if n.Summary.ExitCode != code {
		t.Errorf("summary.exit_code %d, exit %d", n.Summary.ExitCode, code)
	}
	return code, n, stderr
}

// Downloaded weights are gitignored; they are scanned all the same.
func TestGitignoredModelIsScanned(t *testing.T) {
	dir := tree(t, map[string]string{".gitignore": "*.pkl\nweights/\n", "model.pkl": evilPickle, "weights/v2/clf.pkl": evilPickle})
	code, n, _ := scanNotes(t, dir)
	if code != ExitFindings || len(n.Findings) != 2 || n.Findings[0].Rule != "model/pickle-dangerous-call" {
		t.Errorf("exit %d, findings %+v", code, n.Findings)
	}
}

// A Git LFS pointer named like a model is not analyzed, and says so; the
// scan fails on it only with --strict.
func TestLFSPointerIsNotClean(t *testing.T) {
	dir := tree(t, map[string]string{"pytorch_model.bin": "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 438012345\n"})
	code, n, stderr := scanNotes(t, dir)
	if code != ExitClean || len(n.NotAnalyzed) != 1 || !strings.Contains(n.NotAnalyzed[0].Reason, "Git LFS pointer") ||
		!strings.Contains(stderr, "not analyzed") {
		t.Errorf("exit %d, not analyzed %+v, stderr %q", code, n.NotAnalyzed, stderr)
	}
	if code, _, _ := scanNotes(t, "--strict", dir); code != ExitError {
		t.Errorf("--strict: exit %d", code)
	}
	_, out, _ := run(t, "scan", "--no-progress", dir)
	if !strings.Contains(out, "1 not analyzed") || !strings.Contains(out, "git lfs pull") {
		t.Errorf("text output:\n%s", out)
	}
}

// Random bytes named model.pt are reported as not analyzed, not clean.
func TestUnknownModelContentIsNotClean(t *testing.T) {
	b := make([]byte, 4096)
	for i := range b {
		b[i] = byte(i*131 + 7)
	}
	dir := tree(t, map[string]string{"model.pt": string(b)})
	_, n, _ := scanNotes(t, dir)
	if len(n.NotAnalyzed) != 1 || !strings.Contains(n.NotAnalyzed[0].Reason, "no known model or archive format") {
		t.Errorf("not analyzed %+v", n.NotAnalyzed)
	}
}

// A YAML file that does not parse is reported with its position, without
// failing the scan unless --strict; an empty file is skipped as empty.
func TestUnparsableTextAndEmptyFiles(t *testing.T) {
	dir := tree(t, map[string]string{"deploy/bad.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: [\n", "empty.py": ""})
	code, n, _ := scanNotes(t, dir)
	if code != ExitClean || len(n.NotAnalyzed) != 1 || !strings.Contains(n.NotAnalyzed[0].Reason, "line ") {
		t.Errorf("exit %d, not analyzed %+v", code, n.NotAnalyzed)
	}
	if len(n.Skipped) != 1 || n.Skipped[0].Reason != "empty file" {
		t.Errorf("skipped %+v", n.Skipped)
	}
	if code, _, _ := scanNotes(t, "--strict", dir); code != ExitError {
		t.Errorf("--strict: exit %d", code)
	}
}

// A hostile repository can hide code in directories too deep to open by
// path; the walk fails them, and the scan is incomplete.
func TestPathTooLongFails(t *testing.T) {
	dir := t.TempDir()
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.Repeat("d", 200)
	for range 25 { // 25 × 201 bytes: past PATH_MAX (4096)
		if err := syscall.Mkdirat(fd, name, 0o755); err != nil {
			t.Fatal(err)
		}
		next, err := syscall.Openat(fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = next
	}
	wfd, err := syscall.Openat(fd, "hidden.py", syscall.O_WRONLY|syscall.O_CREAT, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Write(wfd, []byte("import pickle\npickle.load(open('m', 'rb'))\n"))
	syscall.Close(wfd)
	syscall.Close(fd)
	defer os.RemoveAll(dir) // t.TempDir's cleanup cannot open what is too deep either
	code, n, _ := scanNotes(t, dir)
	if code != ExitError || len(n.Failed) == 0 || !strings.Contains(n.Failed[0].Reason, "file name too long") {
		t.Errorf("exit %d, failed %+v", code, n.Failed)
	}
}

// Ctrl-C stops the scan, removes its temporary files and exits 130.
func TestInterruptExits130(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 120 MB pickle")
	}
	dir := t.TempDir()
	// A pickle of 60 million NONE/POP pairs: a few seconds of scanning.
	var b bytes.Buffer
	b.WriteString("\x80\x04")
	b.WriteString(strings.Repeat("N0", 60_000_000))
	b.WriteString("N.")
	if err := os.WriteFile(filepath.Join(dir, "big.pkl"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	cmd := exec.Command(os.Args[0], "scan", "--no-progress", dir)
	cmd.Env = append(os.Environ(), "MLSEC_TEST_AS_CLI=1", "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != ExitInterrupted {
		t.Fatalf("exit %v, stderr %q", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr %q", stderr.String())
	}
	left, _ := os.ReadDir(tmp)
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// Control characters in file names are escaped in text output.
func TestFileNamesEscaped(t *testing.T) {
	dir := tree(t, map[string]string{"x\x1b[2Jy.pkl": evilPickle})
	_, out, _ := run(t, "scan", "--no-progress", "--compact", dir)
	if strings.Contains(out, "\x1b") || !strings.Contains(out, `x\x1b[2Jy.pkl`) {
		t.Errorf("text output: %q", out)
	}
}

// A tree with more than 25,000 findings: the SARIF log keeps the 25,000
// most severe, says how many were left out, and validates against the SARIF
// 2.1.0 schema.
func TestSARIFOfAHugeTreeValidates(t *testing.T) {
	if testing.Short() {
		t.Skip("scans 2,600 files")
	}
	files := map[string]string{}
	var src strings.Builder
	src.WriteString("import pickle\n")
	for i := range 10 {
		fmt.Fprintf(&src, "m%d = pickle.load(open('model_%d.pkl', 'rb'))\n", i, i)
	}
	for i := range 2600 {
		files[fmt.Sprintf("pkg%02d/mod_%04d.py", i%26, i)] = src.String()
	}
	dir := tree(t, files)
	code, out, stderr := run(t, "scan", "--no-progress", "-f", "sarif", "--fail-on", "none", dir)
	if code != ExitClean {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	reporttest.SARIF(t, []byte(out))
	var log struct {
		Runs []struct {
			Results     []json.RawMessage `json:"results"`
			Invocations []struct {
				Notifications []struct{ Message struct{ Text string } } `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	run0 := log.Runs[0]
	if len(run0.Results) != 25000 || len(run0.Invocations[0].Notifications) == 0 ||
		!strings.Contains(run0.Invocations[0].Notifications[0].Message.Text, "1000 less severe results were left out") {
		t.Errorf("%d results, notifications %+v", len(run0.Results), run0.Invocations[0].Notifications)
	}
}

// A deployment zip's handler is Python to the scanner, never a pickle.
func TestArchiveMemberAnalyzedByKind(t *testing.T) {
	zipBytes, err := os.ReadFile("../analyzers/testdata/nested/lambda.zip")
	if err != nil {
		t.Fatal(err)
	}
	dir := tree(t, map[string]string{"dist/lambda.zip": string(zipBytes)})
	code, out, _ := run(t, "scan", "-f", "json", "--no-progress", dir)
	var doc struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Location struct {
				Member string `json:"member"`
				Line   int    `json:"line"`
			} `json:"location"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range doc.Findings {
		got[fmt.Sprintf("%s %s:%d", f.Rule, f.Location.Member, f.Location.Line)] = true
		if strings.HasPrefix(f.Rule, "model/") {
			t.Errorf("a text member was sniffed as a model: %+v", f)
		}
	}
	if code != ExitFindings || !got["code/pickle-load handler.py:6"] || !got["deps/extra-index-url requirements.txt:1"] {
		t.Errorf("exit %d, findings %v", code, got)
	}
}

// A finding suppressed inline does not move another onto a stale baseline
// entry, and each unused ID of a multi-ID ignore is reported.
func TestBaselineAndIgnoresFromTheCLI(t *testing.T) {
	line := "m = pickle.load(open('m.pkl', 'rb'))\n"
	dir := tree(t, map[string]string{"job.py": "import pickle\n" + line})
	base := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, _ := run(t, "scan", "--no-progress", "-f", "json", "-o", os.DevNull, "--write-baseline", base, dir); code != ExitClean {
		t.Fatalf("writing the baseline: exit %d", code)
	}
	// The accepted finding is now suppressed inline, and the same line is
	// added again below: the new one is new.
	src := "import pickle\n# mlsec: ignore[code/pickle-load, code/joblib-load] reviewed\n" + line + "\n\n" + line
	if err := os.WriteFile(filepath.Join(dir, "job.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, n, _ := scanNotes(t, "--baseline", base, dir)
	var rules []string
	for _, f := range n.Findings {
		rules = append(rules, f.Rule)
	}
	if code != ExitFindings || strings.Join(rules, ",") != "code/pickle-load,mlsec/unused-ignore" {
		t.Errorf("exit %d, findings %v", code, rules)
	}
}
