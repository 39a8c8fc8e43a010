package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/report/reporttest"
)

const fixtures = "../dataset/testdata"

type dataDoc struct {
	Findings []struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
		Location struct {
			Path string `json:"path"`
			Line int    `json:"line"`
		} `json:"location"`
		Message    string   `json:"message"`
		Evidence   string   `json:"evidence"`
		Techniques []string `json:"techniques"`
		Phase      string   `json:"phase"`
	} `json:"findings"`
	Warnings []struct{ Path, Reason string } `json:"warnings"`
}

func decode(t *testing.T, out string) dataDoc {
	t.Helper()
	reporttest.JSON(t, []byte(out))
	var d dataDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDataLockVerify(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	os.MkdirAll(data, 0o755)
	os.WriteFile(filepath.Join(data, "train.csv"), []byte("id,label\n1,0\n2,1\n"), 0o644)
	os.WriteFile(filepath.Join(data, "shard.bin"), []byte("\x00\x01"), 0o644)
	lockFile := filepath.Join(dir, "mlsec.lock.json")
	code, _, stderr := run(t, "data", "lock", "--no-progress", "-o", lockFile, data)
	if code != 0 || !strings.Contains(stderr, "mlsec: locked 2 files") {
		t.Fatalf("lock: exit %d: %s", code, stderr)
	}
	code, out, _ := run(t, "data", "verify", "--lock", lockFile, "-f", "json")
	if d := decode(t, out); code != 0 || len(d.Findings) != 0 {
		t.Errorf("unchanged: exit %d, %d findings", code, len(d.Findings))
	}
	os.WriteFile(filepath.Join(data, "train.csv"), []byte("id,label\n1,1\n2,1\n"), 0o644)
	code, out, _ = run(t, "data", "verify", "--lock", lockFile, "-f", "json")
	d := decode(t, out)
	if code != 1 || len(d.Findings) != 1 {
		t.Fatalf("changed: exit %d, findings %+v", code, d.Findings)
	}
	f := d.Findings[0]
	if f.Rule != "data/dataset-changed" || f.Severity != "high" || f.Location.Path != filepath.ToSlash(filepath.Join(dir, "data/train.csv")) ||
		!strings.HasPrefix(f.Message, "modified since the lock was written") || f.Phase != "development" || f.Techniques[0] != "AML.T0020" {
		t.Errorf("finding %+v", f)
	}
	code, out, _ = run(t, "data", "verify", "--lock", lockFile, "-f", "sarif")
	if code != 1 {
		t.Errorf("sarif exit %d", code)
	}
	reporttest.SARIF(t, []byte(out))
	code, out, _ = run(t, "data", "verify", "--lock", lockFile, "--compact")
	if code != 1 || !strings.Contains(out, "data/dataset-changed") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
}

func TestDataBadInputExits2(t *testing.T) {
	dir := t.TempDir()
	notLock := filepath.Join(dir, "x.json")
	os.WriteFile(notLock, []byte("{\"schema\": 1}"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"data", "verify", "--lock", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"data", "verify", "--lock", notLock}, "not a valid lock file"},
		{[]string{"data", "lock", filepath.Join(dir, "nothing-here")}, "no such file"},
		{[]string{"data", "diff", fixtures + "/bad/ok.csv", fixtures + "/bad/ragged.csv"}, "ragged.csv: line 3 (row 2): 2 fields, but the header has 3 (ragged row)"},
		{[]string{"data", "diff", fixtures + "/bad/ok.csv", fixtures + "/bad/invalid-utf8.csv"}, "not valid UTF-8"},
		{[]string{"data", "diff", fixtures + "/bad/ok.csv", fixtures + "/bad/empty.csv"}, "empty file"},
		{[]string{"data", "diff", fixtures + "/diff/parquet/old.parquet", fixtures + "/bad/truncated.parquet"}, "truncated or corrupt"},
		{[]string{"data", "diff", fixtures + "/bad/ok.csv"}, "accepts 2 arg(s)"},
		{[]string{"data", "diff", "-f", "xml", fixtures + "/bad/ok.csv", fixtures + "/bad/ok.csv"}, "unknown format"},
	} {
		code, _, stderr := run(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q, want %q", c.args, code, stderr, c.want)
		}
	}
}

func TestDataDiff(t *testing.T) {
	code, out, _ := run(t, "data", "diff", "-f", "json", fixtures+"/diff/labelflip/old.csv", fixtures+"/diff/labelflip/new.csv")
	d := decode(t, out)
	if code != 1 || len(d.Findings) != 1 {
		t.Fatalf("exit %d findings %+v", code, d.Findings)
	}
	f := d.Findings[0]
	if f.Rule != "data/poisoning-label-flip" || f.Location.Line != 5 || !strings.HasSuffix(f.Location.Path, "labelflip/new.csv") ||
		!strings.Contains(f.Message, "first rows: 4, 11, 18") || f.Evidence != "rows=40 share=0.0400" {
		t.Errorf("finding %+v", f)
	}
	// Row order alone is no finding, and the verdict is clean.
	code, out, _ = run(t, "data", "diff", "-f", "json", fixtures+"/diff/reorder/old.csv", fixtures+"/diff/reorder/new.csv")
	if d := decode(t, out); code != 0 || len(d.Findings) != 0 {
		t.Errorf("reorder: exit %d, %+v", code, d.Findings)
	}
	// Drift is medium: the default --fail-on medium fails, high does not.
	code, out, _ = run(t, "data", "diff", "-f", "sarif", fixtures+"/diff/drift/old.csv", fixtures+"/diff/drift/new.csv")
	reporttest.SARIF(t, []byte(out))
	if code != 1 {
		t.Errorf("drift: exit %d", code)
	}
	if code, _, _ = run(t, "data", "diff", "--fail-on", "high", fixtures+"/diff/drift/old.csv", fixtures+"/diff/drift/new.csv"); code != 0 {
		t.Errorf("drift --fail-on high: exit %d", code)
	}
	// A threshold flag silences the signal.
	if code, _, _ = run(t, "data", "diff", "--flip-share", "0.5", fixtures+"/diff/labelflip/old.csv", fixtures+"/diff/labelflip/new.csv"); code != 0 {
		t.Errorf("--flip-share 0.5: exit %d", code)
	}
	// A cap that is hit is a warning in the report.
	code, out, _ = run(t, "data", "diff", "-f", "json", "--max-categories", "3", fixtures+"/diff/clean/old.csv", fixtures+"/diff/clean/new.csv")
	d = decode(t, out)
	if code != 0 || len(d.Warnings) == 0 || !strings.Contains(d.Warnings[0].Reason, "distinct values") {
		t.Errorf("caps: exit %d warnings %+v", code, d.Warnings)
	}
}
