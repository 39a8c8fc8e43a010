package secret

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/history"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/secretscan"
	"github.com/mlsec/mlsec/internal/source"
)

// History returns the project analyzer of `mlsec scan --history`: for each
// root that is a git repository, the lines every commit added are scanned
// with the same rules and judge as files. A secret that is also in the
// working tree is reported there, once; a secret only in history is
// reported at the file and line where it was added, with the commit. One
// secret added by several commits is one finding, at the oldest.
func History(roots []string, lim history.Limits) *analysis.Analyzer {
	return &analysis.Analyzer{
		Name:  "secret-history",
		Doc:   "finds credentials in the lines each commit of the git history added",
		Rules: Rules,
		Project: func(pp *analysis.ProjectPass) error {
			return scanHistory(pp, roots, lim)
		},
	}
}

func scanHistory(pp *analysis.ProjectPass, roots []string, lim history.Limits) error {
	d, err := secretscan.Default()
	if err != nil {
		return fmt.Errorf("secret rules: %w", err)
	}
	inTree := map[string]bool{} // credential assets the file scan found
	for _, f := range pp.Findings {
		for _, a := range f.Assets {
			inTree[a] = true
		}
	}
	for _, root := range roots {
		type hit struct {
			d     analysis.Diagnostic
			asset finding.Asset
		}
		oldest := map[string]hit{} // asset ID → the oldest commit that added it
		var order []string
		display := filepath.ToSlash(filepath.Clean(root))
		rep, err := history.Walk(pp.Context, root, lim, func(a history.Added) {
			p := path.Join(display, a.Path)
			for _, m := range d.Scan(a.Text, a.Path) {
				v := judge(m, scanCtx{path: a.Path, kind: kindOf(a.Path), text: a.Text})
				if v.drop {
					continue
				}
				as := credentialAsset(m, v)
				if inTree[as.ID] {
					continue
				}
				line := a.Lines[strings.Count(string(a.Text[:m.SecretStart]), "\n")]
				loc := finding.Location{Path: p, Line: line}
				as.Locations = []finding.Location{loc}
				short := a.Commit[:12]
				where := fmt.Sprintf(" added to %s by commit %s (%s, %q) and no longer in the working tree", a.Path, short, a.When.UTC().Format("2006-01-02"), clip(a.Subject, 60))
				diag := analysis.Diagnostic{Rule: v.rule, Location: loc, Message: v.message(m, where),
					Evidence: "commit " + short + " " + a.Path + ": " + v.evidence, Severity: v.severity, SeverityReason: v.reason, Assets: []string{as.ID}}
				if _, ok := oldest[as.ID]; !ok {
					order = append(order, as.ID)
				}
				oldest[as.ID] = hit{diag, as} // the walk goes newest first
			}
		})
		if errors.Is(err, history.ErrNotRepository) {
			continue
		}
		if err != nil {
			return err
		}
		for _, id := range order {
			h := oldest[id]
			pp.AddAsset(h.asset)
			pp.Report(h.d)
		}
		if rep.Truncated {
			pp.Report(analysis.Diagnostic{Rule: rules.HistoryLimit, Location: finding.Location{Path: display},
				Message: fmt.Sprintf("only the newest %d commits of the git history were scanned for secrets", rep.Commits), Evidence: "history: commits"})
		}
		if n := len(rep.Skipped); n > 0 {
			msg := fmt.Sprintf("%d file versions of the git history were not scanned for secrets (size bounds): %s", n, strings.Join(rep.Skipped[:min(n, 5)], "; "))
			if n > 5 {
				msg += "; …"
			}
			pp.Report(analysis.Diagnostic{Rule: rules.HistoryLimit, Location: finding.Location{Path: display}, Message: msg, Evidence: "history: size"})
		}
	}
	return nil
}

// kindOf is a file's kind from its name, for the judge.
func kindOf(p string) source.Kind {
	k, _ := source.ClassifyName(p)
	return k
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
