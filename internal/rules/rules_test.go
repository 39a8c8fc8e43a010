package rules

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/atlas"
)

func TestRulesAreValidAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for i, r := range All() {
		if err := r.Validate(); err != nil {
			t.Error(err)
		}
		if seen[r.ID] {
			t.Errorf("rule %s defined twice", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && All()[i-1].ID >= r.ID {
			t.Errorf("All is not sorted at %s", r.ID)
		}
	}
	if err := atlas.Default().Validate(All()); err != nil {
		t.Error(err)
	}
}

// Every former ID names a current rule, and none is still in use.
func TestRenamedPointAtCurrentRules(t *testing.T) {
	for old, cur := range renamed {
		if Lookup(cur) == nil || Lookup(cur).ID != cur {
			t.Errorf("%s renamed to %s, which does not exist", old, cur)
		}
		for _, r := range All() {
			if r.ID == old {
				t.Errorf("%s is both a current rule and a former ID", old)
			}
		}
	}
}

func TestSelectors(t *testing.T) {
	for _, c := range []struct {
		sel, id string
		want    bool
	}{
		{"exposure", "exposure/mlflow-no-auth", true},
		{"exposure/mlflow-no-auth", "exposure/mlflow-no-auth", true},
		{"config/mlflow-no-auth", "exposure/mlflow-no-auth", true}, // former ID
		{"k8s/run-as-root", "workload/runs-as-root", true},         // merged
		{"container/runs-as-root", "workload/runs-as-root", true},  // merged
		{"container", "workload/runs-as-root", true},               // former family
		{"container", "workload/privileged", false},                // was k8s only
		{"deps", "deps/extra-index-url", true},
		{"deps", "secret/credential-in-index-url", false}, // moved out of deps: the current family wins
		{"code", "model/pickle-gadget", false},
	} {
		if got := Match(c.sel, c.id); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.sel, c.id, got, c.want)
		}
	}
	for _, s := range []string{"exposure", "k8s", "iac/ml-bucket-public", "secret/credential-in-env"} {
		if !ValidSelector(s) {
			t.Errorf("ValidSelector(%q) = false", s)
		}
	}
	for _, s := range []string{"nope", "k8s/nope", "exposure/nope", ""} {
		if ValidSelector(s) {
			t.Errorf("ValidSelector(%q) = true", s)
		}
	}
	if d := Deprecated("k8s"); d == "" {
		t.Error("former family k8s is not reported deprecated")
	}
	if d := Deprecated("iac/ml-bucket-public"); d != "rule iac/ml-bucket-public is now cloud/bucket-public" {
		t.Errorf("Deprecated = %q", d)
	}
	if got := Former("workload/runs-as-root"); len(got) != 2 || got[0] != "container/runs-as-root" || got[1] != "k8s/run-as-root" {
		t.Errorf("Former = %v", got)
	}
}

// Every rule value declared in this package is in All: a rule missing from
// the list would have no docs, no SARIF metadata and no --disable.
func TestEveryDeclaredRuleIsListed(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	listed := map[string]bool{}
	for _, r := range All() {
		listed[r.ID] = true
	}
	n := 0
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, v := range vs.Values {
					u, ok := v.(*ast.UnaryExpr)
					if !ok {
						continue
					}
					if cl, ok := u.X.(*ast.CompositeLit); ok {
						if sel, ok := cl.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Rule" {
							n++
							for _, e := range cl.Elts {
								kv, ok := e.(*ast.KeyValueExpr)
								if !ok || kv.Key.(*ast.Ident).Name != "ID" {
									continue
								}
								id := strings.Trim(kv.Value.(*ast.BasicLit).Value, `"`)
								if !listed[id] {
									t.Errorf("rule %s (%s) is declared but not in All", id, vs.Names[i].Name)
								}
							}
						}
					}
				}
			}
		}
	}
	if n != len(All()) {
		t.Errorf("%d rules declared, %d listed", n, len(All()))
	}
}
