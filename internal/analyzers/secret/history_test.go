package secret

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/history"
	"github.com/mlsec/mlsec/internal/result"
)

const (
	removedToken = "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"                // in history only
	headToken    = "gsk_Zq8vR3kP1xW7mN2bT5yL9cH4aQ6sD0fG8jK2lM4nB7vC1xZ3" // still in HEAD
)

// gitRepo makes a repository with three commits: a token added, then
// removed from the file (the leak stays in history), then a file with
// another token that HEAD still has.
func gitRepo(t *testing.T) (dir string, leak string) {
	t.Helper()
	dir = t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	commit := func(msg string, files map[string]string) string {
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := wt.Add(name); err != nil {
				t.Fatal(err)
			}
		}
		when = when.Add(time.Hour)
		h, err := wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "dev", Email: "dev@acme.io", When: when}})
		if err != nil {
			t.Fatal(err)
		}
		return h.String()
	}
	commit("train script", map[string]string{"train.py": "import os\n\nmodel = load()\n"})
	leak = commit("log in to the Hub", map[string]string{"train.py": "import os\nfrom huggingface_hub import login\n\nlogin(token=\"" + removedToken + "\")\nmodel = load()\n"})
	commit("read the token from the environment", map[string]string{"train.py": "import os\nfrom huggingface_hub import login\n\nlogin(token=os.environ[\"HF_TOKEN\"])\nmodel = load()\n"})
	commit("serve with Groq", map[string]string{"serve.py": "GROQ_API_KEY = \"" + headToken + "\"\n"})
	return dir, leak
}

func scanWithHistory(t *testing.T, dir string, lim history.Limits) *result.Result {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir},
		Analyzers: []*analysis.Analyzer{Analyzer, History([]string{dir}, lim)}, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) > 0 {
		t.Fatalf("scan failed: %+v", res.Failed)
	}
	return res
}

// TestHistory: a token removed from HEAD is reported at the file and line
// where a commit added it, naming the commit; a token still in HEAD is
// reported once, in the working tree.
func TestHistory(t *testing.T) {
	dir, leak := gitRepo(t)
	res := scanWithHistory(t, dir, history.Limits{})
	var lines []string
	for _, f := range res.Findings {
		lines = append(lines, f.RuleID+" "+filepath.Base(f.Location.Path)+" "+f.Severity.String()+" "+f.Message)
	}
	if len(res.Findings) != 2 {
		t.Fatalf("want 2 findings, got %d:\n%s", len(res.Findings), strings.Join(lines, "\n"))
	}
	var hist, tree int
	for _, f := range res.Findings {
		switch filepath.Base(f.Location.Path) {
		case "train.py":
			hist++
			if f.RuleID != "secret/hardcoded-token" || f.Location.Line != 4 || !strings.Contains(f.Message, "by commit "+leak[:12]) ||
				!strings.Contains(f.Message, "no longer in the working tree") || !strings.Contains(f.Evidence, "commit "+leak[:12]) {
				t.Errorf("history finding: %s:%d %s %q [%s]", f.Location.Path, f.Location.Line, f.RuleID, f.Message, f.Evidence)
			}
		case "serve.py":
			tree++
			if strings.Contains(f.Message, "commit") {
				t.Errorf("a token in HEAD is a working-tree finding, got %q", f.Message)
			}
		}
	}
	if hist != 1 || tree != 1 {
		t.Errorf("history %d, tree %d findings, want 1 and 1:\n%s", hist, tree, strings.Join(lines, "\n"))
	}
	for _, f := range res.Findings {
		if strings.Contains(f.Message+f.Evidence, removedToken[4:]) || strings.Contains(f.Message+f.Evidence, headToken[5:]) {
			t.Errorf("secret bytes in a finding: %q %q", f.Message, f.Evidence)
		}
	}
}

// TestHistoryLimit: a bound that is hit is reported, never passed over;
// testdata/history/limit.want holds the expected finding.
func TestHistoryLimit(t *testing.T) {
	dir, _ := gitRepo(t)
	res := scanWithHistory(t, dir, history.Limits{MaxCommits: 1})
	want, err := os.ReadFile("testdata/history/limit.want")
	if err != nil {
		t.Fatal(err)
	}
	var rule, msg string
	for _, line := range strings.Split(string(want), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			rule, msg, _ = strings.Cut(line, " message=")
			msg = strings.Trim(msg, `"`)
		}
	}
	limit := 0
	for _, f := range res.Findings {
		if f.RuleID == rule {
			limit++
			if !strings.Contains(f.Message, msg) {
				t.Errorf("limit message %q, want %q", f.Message, msg)
			}
		}
		if filepath.Base(f.Location.Path) == "train.py" {
			t.Errorf("the commit that added the token is past the bound, yet: %s", f.Message)
		}
	}
	if rule == "" || limit != 1 {
		t.Errorf("want one %s finding, got %d", rule, limit)
	}
}

// TestHistoryNotARepository: --history on a directory that is not a git
// repository adds nothing and fails nothing.
func TestHistoryNotARepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.py"), []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := scanWithHistory(t, dir, history.Limits{}); len(res.Findings) != 0 {
		t.Errorf("findings: %+v", res.Findings)
	}
}
