package assess_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/analyzers"
	"github.com/mlsec/mlsec/internal/assess"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
)

// run assesses dir with every analyzer, as `mlsec assess` does.
func run(t *testing.T, dir string) (*result.Assessment, *result.Result) {
	t.Helper()
	var got *result.Assessment
	var as []*analysis.Analyzer
	for _, a := range analyzers.All() {
		if a == assess.Analyzer {
			a = assess.New(func(x *result.Assessment) { got = x })
		}
		as = append(as, a)
	}
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: as, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got == nil {
		t.Fatal("no assessment")
	}
	return got, res
}

func rel(dir string, l finding.Location) string {
	p := strings.TrimPrefix(l.Path, filepath.ToSlash(dir)+"/")
	if l.Line > 0 {
		return fmt.Sprintf("%s:%d", p, l.Line)
	}
	return p
}

// summary renders an assessment compactly and exactly: levels, scores,
// each present practice with its evidence places, each mitigation's
// status with its evidence places, and the assess findings with their
// severities.
func summary(dir string, a *result.Assessment, res *result.Result) string {
	var b strings.Builder
	for _, l := range a.Levels {
		fmt.Fprintf(&b, "level %s %d missing=%s\n", l.Scale, l.Level, strings.Join(l.Missing, "; "))
	}
	for _, p := range a.Phases {
		fmt.Fprintf(&b, "phase %s %d\n", p.Phase, p.Score)
		for _, pr := range p.Practices {
			if !pr.Present {
				continue
			}
			var ev []string
			for _, e := range pr.Evidence {
				ev = append(ev, rel(dir, e.Location))
			}
			fmt.Fprintf(&b, "  %s %s\n", pr.ID, strings.Join(ev, " "))
		}
	}
	for _, m := range a.Mitigations {
		var ev []string
		for _, e := range m.Evidence {
			ev = append(ev, rel(dir, e.Location))
		}
		fmt.Fprintf(&b, "mitigation %s %s\n", m.ID, strings.TrimSpace(m.Status+" "+strings.Join(ev, " ")))
	}
	var fs []string
	for _, f := range res.Findings {
		if f.Rule.Family() == "assess" {
			fs = append(fs, fmt.Sprintf("finding %s@%s %s", f.RuleID, f.Severity, rel(dir, f.Location)))
		}
	}
	sort.Strings(fs)
	for _, f := range fs {
		b.WriteString(f + "\n")
	}
	return b.String()
}

// want is each fixture's assessment, exactly: a change of detector, weight
// or level criterion shows here.
var want = map[string]string{
	"readme-only": `level ml-ops.org 0 missing=Pipeline orchestration; Continuous-training triggers
level google 0 missing=Pipeline orchestration; Continuous-training triggers; Experiment tracking
level microsoft 0 missing=CI that tests pipeline code
phase design 0
phase development 0
phase operations 0
mitigation AML.M0004 not-applicable
mitigation AML.M0005 not-applicable
mitigation AML.M0007 not-applicable
mitigation AML.M0008 not-applicable
mitigation AML.M0011 not-applicable
mitigation AML.M0013 missing
mitigation AML.M0014 not-applicable
mitigation AML.M0016 missing
mitigation AML.M0019 not-applicable
mitigation AML.M0023 missing
mitigation AML.M0024 not-applicable
mitigation AML.M0025 not-applicable
`,
	"level0": `level ml-ops.org 0 missing=Pipeline orchestration; Continuous-training triggers
level google 0 missing=Pipeline orchestration; Continuous-training triggers; Experiment tracking
level microsoft 0 missing=CI that tests pipeline code
phase design 0
phase development 0
phase operations 0
mitigation AML.M0004 not-applicable
mitigation AML.M0005 not-applicable
mitigation AML.M0007 missing
mitigation AML.M0008 missing
mitigation AML.M0011 missing
mitigation AML.M0013 missing
mitigation AML.M0014 missing
mitigation AML.M0016 missing
mitigation AML.M0019 not-applicable
mitigation AML.M0023 missing
mitigation AML.M0024 not-applicable
mitigation AML.M0025 missing
finding assess/missing-ai-bom@medium testdata/level0
finding assess/missing-artifact-verification@medium testdata/level0
finding assess/missing-data-sanitization@low testdata/level0
finding assess/missing-dataset-provenance@low testdata/level0
finding assess/missing-model-validation@medium testdata/level0
finding assess/missing-safe-loading@medium testdata/level0
finding assess/missing-signing@medium testdata/level0
finding assess/missing-vulnerability-scanning@medium testdata/level0
`,
	"level1": `level ml-ops.org 1 missing=CI that tests pipeline code; CD that deploys pipelines or models
level google 1 missing=CI that tests pipeline code; CD that deploys pipelines or models; Model registry
level microsoft 0 missing=CI that tests pipeline code
phase design 0
phase development 65
  data-versioning data/customers.csv.dvc:2 dvc.lock:1 dvc.yaml:1
  experiment-tracking src/train.py:10 src/train.py:12
  pipeline-orchestration dags/retrain_churn.py:7 dvc.yaml:1
phase operations 40
  continuous-training dags/retrain_churn.py:7
  serving serve/app.py:2
mitigation AML.M0004 missing
mitigation AML.M0005 not-applicable
mitigation AML.M0007 missing
mitigation AML.M0008 missing
mitigation AML.M0011 missing
mitigation AML.M0013 missing
mitigation AML.M0014 missing
mitigation AML.M0016 missing
mitigation AML.M0019 missing
mitigation AML.M0023 missing
mitigation AML.M0024 missing
mitigation AML.M0025 present data/customers.csv.dvc:2 dvc.lock:1
finding assess/missing-ai-bom@medium testdata/level1
finding assess/missing-artifact-verification@medium testdata/level1
finding assess/missing-model-validation@medium testdata/level1
finding assess/missing-safe-loading@medium testdata/level1
finding assess/missing-signing@medium testdata/level1
finding assess/missing-vulnerability-scanning@medium testdata/level1
`,
	"level2": `level ml-ops.org 2 missing=
level google 2 missing=
level microsoft 4 missing=
phase design 100
  ml-tests tests/test_train.py:7
  data-validation src/churn/train.py:6
  locked-environment requirements.txt:1
phase development 100
  data-versioning data/customers.parquet.dvc:2
  experiment-tracking src/churn/train.py:12 src/churn/train.py:14 src/churn/train.py:15
  pipeline-orchestration pipelines/churn_pipeline.py:17 pipelines/churn_pipeline.py:24
  model-registry src/churn/train.py:15
  feature-store features/feature_store.yaml:1
phase operations 100
  continuous-training .github/workflows/retrain.yml:4
  ci-tests .github/workflows/ci.yml:12
  continuous-delivery .github/workflows/deploy.yml:16
  serving deploy/inferenceservice.yaml:2 src/churn/serve.py:1
  monitoring monitoring/alerts.yaml:2 monitoring/drift.py:7 monitoring/drift.py:7
mitigation AML.M0004 missing
mitigation AML.M0005 missing
mitigation AML.M0007 present src/churn/train.py:6 .github/workflows/ci.yml:17
mitigation AML.M0008 present src/churn/train.py:16
mitigation AML.M0011 present src/churn/serve.py:9
mitigation AML.M0013 present .github/workflows/deploy.yml:14 .github/workflows/deploy.yml:13
mitigation AML.M0014 present .github/workflows/ci.yml:18
mitigation AML.M0016 present .github/workflows/ci.yml:16
mitigation AML.M0019 present deploy/inferenceservice.yaml:17 src/churn/serve.py:7
mitigation AML.M0023 present bom.cdx.json:7
mitigation AML.M0024 present deploy/inferenceservice.yaml:9 src/churn/serve.py:8 src/churn/serve.py:14
mitigation AML.M0025 present data/customers.parquet.dvc:2 .github/workflows/ci.yml:17
`,
	"exposed-serving": `level ml-ops.org 0 missing=Pipeline orchestration; Continuous-training triggers
level google 0 missing=Pipeline orchestration; Continuous-training triggers; Experiment tracking
level microsoft 0 missing=CI that tests pipeline code
phase design 0
phase development 0
phase operations 20
  serving docker-compose.yml:4
mitigation AML.M0004 missing
mitigation AML.M0005 missing
mitigation AML.M0007 not-applicable
mitigation AML.M0008 not-applicable
mitigation AML.M0011 not-applicable
mitigation AML.M0013 missing
mitigation AML.M0014 not-applicable
mitigation AML.M0016 missing
mitigation AML.M0019 missing
mitigation AML.M0023 missing
mitigation AML.M0024 missing
mitigation AML.M0025 not-applicable
finding assess/missing-access-control-at-rest@high testdata/exposed-serving
finding assess/missing-ai-bom@high testdata/exposed-serving
finding assess/missing-rate-limit@medium testdata/exposed-serving
finding assess/missing-serving-access-control@medium testdata/exposed-serving
finding assess/missing-signing@high testdata/exposed-serving
finding assess/missing-telemetry@medium testdata/exposed-serving
`,
}

// TestFixtures assesses the fixture repositories at automation levels 0,
// 1 and 2, and a repository that names every tool in its README only,
// which must be credited with nothing.
func TestFixtures(t *testing.T) {
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			a, res := run(t, dir)
			if got := summary(dir, a, res); got != w {
				t.Errorf("assessment of %s:\n%s\nwant:\n%s", name, got, w)
			}
		})
	}
}

// The assess findings of all fixtures, as testdata/findings.want lists
// them: every rule of the family has a positive fixture.
func TestFindingsSidecar(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "findings.want"))
	if err != nil {
		t.Fatal(err)
	}
	var wantLines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			wantLines = append(wantLines, l)
		}
	}
	var got []string
	for name := range want {
		dir := filepath.Join("testdata", name)
		_, res := run(t, dir)
		for _, f := range res.Findings {
			if f.Rule.Family() == "assess" {
				got = append(got, fmt.Sprintf("%s %s %s", f.RuleID, f.Severity, name))
			}
		}
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("assess findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
	}
	covered := map[string]bool{}
	for _, l := range got {
		covered[strings.Fields(l)[0]] = true
	}
	for _, r := range assess.Rules() {
		if !covered[r.ID] {
			t.Errorf("rule %s has no positive fixture", r.ID)
		}
	}
}
