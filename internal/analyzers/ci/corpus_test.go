package ci

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
)

// corpusRoot is the third-party evaluation corpus: MLSEC_CORPUS, else the
// corpus folder kept beside the repository by the project's developers.
func corpusRoot() string {
	if d := os.Getenv("MLSEC_CORPUS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "..", "shared", "corpus")
}

// zizmorCorpus is what mlsec reports on zizmor's audit test workflows, per
// file (rule:line, sorted), and the one file it cannot analyze. Files not
// listed must produce nothing. The differences from what each file was
// built to show are explained in the ci README section.
var zizmorCorpus = map[string][]string{
	"excessive-permissions.yml":                          {"ci/excessive-permissions:12"},
	"excessive-permissions/jobs-broaden-permissions.yml": {"ci/excessive-permissions:20"},
	"excessive-permissions/workflow-write-all.yml":       {"ci/excessive-permissions:5"},
	"excessive-permissions/workflow-write-explicit.yml":  {"ci/excessive-permissions:6"},
	"template-injection.yml":                             {"ci/script-injection:19"},
	"template-injection/codeql-sinks.yml":                {"ci/script-injection:17"},
	"template-injection/dataflow.yml":                    {"ci/script-injection:21", "ci/script-injection:22", "ci/script-injection:28", "ci/script-injection:29"},
	"template-injection/input-caps.yml":                  {"ci/script-injection:18"},
	"template-injection/issue-22-repro.yml":              {"supply-chain/remote-code-exec:62"},
	"template-injection/issue-883-repro/action.yml":      {"ci/script-injection:48", "ci/script-injection:60", "ci/script-injection:65"},
	"template-injection/pr-425-backstop/action.yml":      {"ci/script-injection:14", "ci/script-injection:20", "ci/script-injection:26", "ci/script-injection:31", "ci/unpinned-action:29"},
	"template-injection/pwsh-script.yml":                 {"ci/script-injection:16"},
	"template-injection/static-env.yml":                  {"ci/script-injection:43", "ci/script-injection:50", "ci/script-injection:55"},
	"artipacked/issue-1769-repro.yml (not analyzed)":     nil,
}

// TestZizmorCorpus runs the analyzer over zizmor's audit test workflows
// (real third-party files) and compares with the expected table; it skips
// when the corpus is absent.
func TestZizmorCorpus(t *testing.T) {
	dir := filepath.Join(corpusRoot(), "zizmor-workflows")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: []*analysis.Analyzer{Analyzer}, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	rel := func(p string) string { r, _ := filepath.Rel(dir, filepath.FromSlash(p)); return filepath.ToSlash(r) }
	for _, f := range res.Findings {
		k := rel(f.Location.Path)
		got[k] = append(got[k], fmt.Sprintf("%s:%d", f.RuleID, f.Location.Line))
	}
	for _, f := range res.NotAnalyzed {
		got[rel(f.Path)+" (not analyzed)"] = nil
	}
	for _, f := range res.Failed {
		t.Errorf("%s: failed: %s", rel(f.Path), f.Reason)
	}
	for k := range got {
		sort.Strings(got[k])
	}
	for k, want := range zizmorCorpus {
		g, ok := got[k]
		if !ok && strings.HasSuffix(k, "(not analyzed)") || strings.Join(g, " ") != strings.Join(want, " ") {
			t.Errorf("%s: got %v, want %v", k, g, want)
		}
	}
	for k, g := range got {
		if _, ok := zizmorCorpus[k]; !ok {
			t.Errorf("%s: unexpected %v", k, g)
		}
	}
	t.Logf("zizmor corpus: %d files analyzed, %d findings", res.Analyzed, len(res.Findings))
}
