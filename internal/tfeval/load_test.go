package tfeval

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/bounds"
)

// load loads primary (as main.tf) with siblings named by their keys, in the
// order given by names.
func load(t *testing.T, primary string, sibs ...string) *Module {
	t.Helper()
	var files []File
	for i := 0; i+1 < len(sibs); i += 2 {
		files = append(files, File{Path: sibs[i], Content: []byte(sibs[i+1])})
	}
	m, err := Load(File{Path: "main.tf", Content: []byte(primary)}, files)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return m
}

// TestPositions checks that every position names the file it is in and
// that file's own line, for the primary file and its siblings alike.
func TestPositions(t *testing.T) {
	m := load(t,
		"resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"training\"\n}\n",
		"a.tf", "# companion\n\nresource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = aws_s3_bucket.b.id\n}\n",
	)
	b, v := m.Resource("aws_s3_bucket.b"), m.Resource("aws_s3_bucket_versioning.v")
	if b == nil || v == nil {
		t.Fatalf("resources: %v", m.Resources)
	}
	if r := b.Range(); r.Filename != "main.tf" || r.Start.Line != 1 || !m.InPrimary(r) {
		t.Errorf("bucket at %s:%d, primary %v", r.Filename, r.Start.Line, m.InPrimary(r))
	}
	if r := v.Range(); r.Filename != "a.tf" || r.Start.Line != 3 || m.InPrimary(r) {
		t.Errorf("versioning at %s:%d, primary %v", r.Filename, r.Start.Line, m.InPrimary(r))
	}
	val := m.Eval(v.Body(), "bucket")
	if r := val.Range(); r.Filename != "a.tf" || r.Start.Line != 4 {
		t.Errorf("attribute at %s:%d", r.Filename, r.Start.Line)
	}
	if got := val.Source(); got != "bucket = aws_s3_bucket.b.id" {
		t.Errorf("Source = %q: not read from the sibling's own text", got)
	}
	if got := m.Source(v.Range()); got != "resource" {
		t.Errorf("Module.Source = %q", got)
	}
	if m.Before(v.Range(), b.Range()) {
		t.Error("a sibling's line 3 sorts before the primary's line 1")
	}
	if !m.Before(b.Range(), v.Range()) {
		t.Error("the primary file does not sort first")
	}
	if m.InPrimary(Value{}.Range()) {
		t.Error("an absent attribute is in the primary file")
	}
}

// TestMultiLineSource checks that evidence is cut at the first line break.
func TestMultiLineSource(t *testing.T) {
	m := load(t, "resource \"x\" \"y\" {\n  tags = {\n    a = \"b\"\n  }\n}\n")
	if got := m.Eval(m.Resource("x.y").Body(), "tags").Source(); got != "tags = { …" {
		t.Errorf("Source = %q", got)
	}
}

// TestRelevance checks which siblings are loaded: those naming what the
// primary file uses, transitively, and not the others.
func TestRelevance(t *testing.T) {
	m := load(t,
		"resource \"aws_s3_bucket\" \"b\" {\n  bucket = local.name\n}\n",
		"locals.tf", "locals {\n  name = \"${var.env}-training\"\n}\n",
		"vars.tf", "variable \"env\" {\n  default = \"prod\"\n}\n",
		"other.tf", "resource \"aws_instance\" \"web\" {\n  ami = \"x\"\n}\n",
		"account.tf", "resource \"aws_s3_account_public_access_block\" \"acct\" {\n  block_public_acls = true\n}\n",
	)
	if s, ok := m.Eval(m.Resource("aws_s3_bucket.b").Body(), "bucket").Str(); !ok || s != "prod-training" {
		t.Errorf("bucket = %q, %v: the variable two files away was not followed", s, ok)
	}
	if m.Resource("aws_instance.web") != nil {
		t.Error("a sibling that names nothing the file uses was loaded")
	}
	if len(m.OfType("aws_s3_account_public_access_block")) != 1 {
		t.Error("the account-wide public access block was not loaded")
	}
}

// TestFirstDeclarationWins checks that the primary file's variables,
// locals and resources win over a sibling's of the same name.
func TestFirstDeclarationWins(t *testing.T) {
	m := load(t,
		"variable \"env\" {\n  default = \"dev\"\n}\nlocals {\n  l = \"mine\"\n}\nresource \"x\" \"y\" {\n  a = var.env\n  b = local.l\n}\n",
		"dup.tf", "variable \"env\" {\n  default = \"prod\"\n}\nlocals {\n  l = \"theirs\"\n}\nresource \"x\" \"y\" {\n  a = \"sibling\"\n}\n",
	)
	r := m.Resource("x.y")
	if !m.InPrimary(r.Range()) {
		t.Error("the sibling's duplicate resource replaced the primary's")
	}
	if s, _ := m.Eval(r.Body(), "a").Str(); s != "dev" {
		t.Errorf("var.env = %q, want the primary's default", s)
	}
	if s, _ := m.Eval(r.Body(), "b").Str(); s != "mine" {
		t.Errorf("local.l = %q, want the primary's", s)
	}
	if n := len(m.Resources); n != 1 {
		t.Errorf("%d resources, want 1", n)
	}
}

// TestLoadErrors checks that what is wrong with the primary file fails
// Load, naming the line, while a broken sibling is only skipped. A limit on
// hostile input is a bounds error (the scan is incomplete); a syntax error
// is not (the file is merely invalid).
func TestLoadErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		src, want string
		bound     bool
	}{
		"syntax":   {"resource \"a\" \"b\" {\n  x = = 1\n}\n", "line 2", false},
		"unclosed": {"resource \"a\" \"b\" {\n", "line 1", false},
		"brackets": {"locals {\n  x = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n}\n", "levels deep", true},
		"unary":    {"locals {\n  x = " + strings.Repeat("!", 100000) + "true\n}\n", "levels deep", true},
		"blocks":   {strings.Repeat("a {\n}\n", maxBlocks+1), "top-level blocks", true},
		"size":     {"# " + strings.Repeat("x", maxSource) + "\n", "MiB limit", true},
	} {
		_, err := Load(File{Path: "main.tf", Content: []byte(tc.src)}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, tc.want)
		}
		if bounds.Is(err) != tc.bound {
			t.Errorf("%s: bounds.Is = %v, want %v", name, bounds.Is(err), tc.bound)
		}
	}

	m := load(t, "resource \"x\" \"y\" {\n  a = var.v\n}\n",
		"broken.tf", "variable \"v\" {\n  default = \n",
		"main.tf", "variable \"v\" {\n  default = \"same path as the primary\"\n}\n",
	)
	if len(m.Skipped) != 2 {
		t.Fatalf("skipped %v, want the broken sibling and the duplicate path", m.Skipped)
	}
	if !strings.Contains(m.Skipped[0].Error(), "main.tf: path given twice") || !strings.Contains(m.Skipped[1].Error(), "broken.tf: invalid HCL at line") {
		t.Errorf("skipped %v", m.Skipped)
	}
	// Neither skipped file declares var.v, so it is undeclared: evaluation
	// fails rather than yielding a placeholder.
	if v := m.Eval(m.Resource("x.y").Body(), "a"); !v.Failed || v.Resolved() {
		t.Errorf("undeclared var.v: failed %v, resolved %v", v.Failed, v.Resolved())
	}
}

// TestDefinition checks where variables and locals are defined: the
// definition evaluation uses, in whichever file it is.
func TestDefinition(t *testing.T) {
	m := load(t, "locals {\n  a = var.x\n}\nresource \"t\" \"r\" {\n  v = local.a\n}\n",
		"vars.tf", "variable \"x\" {\n  default = \"y\"\n}\nvariable \"nodefault\" {}\n")
	for ref, want := range map[string]string{
		"local.a":       "main.tf:2 a = var.x",
		"var.x":         "vars.tf:2 default = \"y\"",
		"var.nodefault": "vars.tf:4 ",
	} {
		d, ok := m.Definition(ref)
		if !ok {
			t.Errorf("%s: no definition", ref)
			continue
		}
		src := m.Source(d.At)
		if d.Expr == nil {
			src = ""
		}
		if got := d.At.Filename + ":" + strconv.Itoa(d.At.Start.Line) + " " + src; got != want {
			t.Errorf("%s: %q, want %q", ref, got, want)
		}
	}
	if _, ok := m.Definition("var.undeclared"); ok {
		t.Error("an undeclared variable has a definition")
	}
}
