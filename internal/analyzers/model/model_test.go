package model

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analysistest"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

func TestOK(t *testing.T) {
	res := analysistest.Run(t, "testdata/ok", Analyzer)
	formats := map[string]string{}
	for _, a := range res.Assets {
		formats[filepath.Base(a.Name)] = a.Attrs["format"]
	}
	for name, want := range map[string]string{
		"state_dict.pt": "pytorch-zip", "legacy_state_dict.pt": "pytorch-legacy", "scaler.joblib": "joblib",
		"embeddings.npy": "numpy", "params.npz": "npz",
		// Real scikit-learn 1.2 dumps (Debian python3-sklearn): benign controls.
		"hist_gb.joblib": "joblib", "pipeline.joblib": "joblib", "model.safetensors": "safetensors", "config.pkl": "pickle",
	} {
		if formats[name] != want {
			t.Errorf("%s: format %q, want %q", name, formats[name], want)
		}
	}
}

func TestErr(t *testing.T) {
	res := analysistest.Run(t, "testdata/err", Analyzer)
	for _, f := range res.Findings {
		if f.RuleID == rules.PickleDangerousCall.ID && (f.Evidence == "" && !strings.Contains(f.Location.Path, "truncated") || !f.Location.HasOff) {
			t.Errorf("%s: dangerous call without evidence or offset: %+v", f.Location, f)
		}
	}
}

// TestModelAllow checks that the user's allowlist from .mlsec.yaml reaches
// the pickle policy.
func TestModelAllow(t *testing.T) {
	dir := t.TempDir()
	// acme.layers.Gate(): an unknown global, then the same file allowed.
	p := "\x80\x02cacme.layers\nGate\nq\x00)Rq\x01."
	if err := os.WriteFile(filepath.Join(dir, "gate.pkl"), []byte(p), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(allow ...string) []finding.Finding {
		res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer},
			Settings: analysis.Settings{ModelAllow: allow}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Findings
	}
	if fs := run(); len(fs) != 1 || fs[0].RuleID != rules.PickleUnknownGlobal.ID {
		t.Fatalf("without allowlist: %+v", fs)
	}
	if fs := run("acme.layers.Gate"); len(fs) != 0 {
		t.Fatalf("with allowlist: %+v", fs)
	}
}

// corpusDir is ../shared/corpus/picklescan beside the repository root.
const corpusDir = "../../../../shared/corpus/picklescan"

// TestPicklescanCorpus measures the analyzer on picklescan's test files:
// every malicious file must get a high or critical finding, benign and
// not-a-model files nothing above low, and no file may crash the analyzer.
func TestPicklescanCorpus(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "EXPECTED.tsv"))
	if err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	defer f.Close()
	verdicts := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) >= 2 && cols[0] != "file" {
			verdicts[cols[0]] = cols[1]
		}
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{corpusDir}, Analyzers: []*analysis.Analyzer{Analyzer}, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	top := map[string]rule.Severity{}
	rules := map[string]map[string]bool{}
	for _, fd := range res.Findings {
		name := filepath.Base(fd.Location.Path)
		top[name] = max(top[name], fd.Severity)
		if rules[name] == nil {
			rules[name] = map[string]bool{}
		}
		rules[name][fd.RuleID] = true
	}
	failed := map[string]string{}
	for _, s := range res.Failed {
		failed[filepath.Base(s.Path)] = s.Reason
	}
	names := make([]string, 0, len(verdicts))
	for n := range verdicts {
		names = append(names, n)
	}
	sort.Strings(names)
	var ok, bad int
	for _, n := range names {
		v := verdicts[n]
		sev := "-"
		if rules[n] != nil {
			sev = top[n].String()
		}
		var rs []string
		for r := range rules[n] {
			rs = append(rs, r)
		}
		sort.Strings(rs)
		status := "ok"
		switch {
		case strings.Contains(failed[n], "internal error"):
			status = "CRASH: " + failed[n]
		case v == "malicious" && (rules[n] == nil || top[n] < rule.High):
			status = "MISSED"
		case v != "malicious" && rules[n] != nil && top[n] > rule.Low:
			status = "FALSE POSITIVE"
		}
		incon := ""
		if failed[n] != "" {
			incon = " (inconclusive)"
		}
		t.Logf("%-36s %-11s %-8s %-4s %s%s", n, v, sev, status, strings.Join(rs, ","), incon)
		if status != "ok" {
			bad++
			t.Errorf("%s (%s): %s", n, v, status)
		} else {
			ok++
		}
	}
	t.Logf("corpus: %d files, %d as expected, %d not", len(names), ok, bad)
}

// TestOverlappingMembers builds a zip whose central directory lists the same
// data under every name (the overlapping-file bomb) and expects one scan of
// it, and each kind of anomaly once, with the count of its occurrences.
func TestOverlappingMembers(t *testing.T) {
	b, err := os.ReadFile("testdata/err/torch_zip_exec.pt")
	if err != nil {
		t.Fatal(err)
	}
	// Point every central entry at the first local header.
	cd := []byte("PK\x01\x02")
	entries := 0
	for i := 0; ; {
		j := strings.Index(string(b[i:]), string(cd))
		if j < 0 {
			break
		}
		i += j
		copy(b[i+42:i+46], []byte{0, 0, 0, 0})
		i += 4
		entries++
	}
	if entries < 3 {
		t.Fatalf("fixture has %d members, want at least 3", entries)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "overlap.pt"), b, 0o644)
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	kinds := map[string]bool{}
	for _, f := range res.Findings {
		count[f.RuleID]++
		if f.RuleID != rules.ArchiveAnomaly.ID {
			continue
		}
		kind, _, _ := strings.Cut(f.Message, " \"")
		if kinds[kind] {
			t.Errorf("anomaly reported twice: %s", f.Message)
		}
		kinds[kind] = true
		if strings.Contains(f.Message, "shares its data") {
			// Every member but the first shares the first one's data.
			want := fmt.Sprintf("(%d occurrences in this file)", entries-1)
			if !strings.Contains(f.Message, want) || len(f.Related) != entries-2 {
				t.Errorf("overlap finding: %q with %d related, want %q and %d related", f.Message, len(f.Related), want, entries-2)
			}
		}
	}
	if count[rules.PickleDangerousCall.ID] != 1 || !kinds["member shares its data with"] {
		t.Fatalf("findings: %v, anomalies %v", count, kinds)
	}
}
