package jinjascan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Chat templates of real model families, written from their public
// definitions, must give nothing.
func TestBenignTemplates(t *testing.T) {
	files, _ := filepath.Glob("testdata/benign/*.jinja")
	if len(files) < 6 {
		t.Fatalf("benign fixtures missing: %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if got := Scan(string(b)); len(got) > 0 {
			t.Errorf("%s: unexpected findings %+v", f, got)
		}
	}
}

type want struct {
	tech  Technique
	level Level
	msg   string // substring
}

func TestEscapes(t *testing.T) {
	cases := []struct {
		name, tmpl string
		want       []want
	}{
		{"self globals", `{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}`, []want{
			{EscapeObject, Critical, `"self" global`}, {Dunder, Critical, "__init__"}, {Dunder, Critical, "__globals__"},
			{Dunder, Critical, "__builtins__"}, {Dunder, Critical, "__import__"}, {ExecName, High, `literal "os"`}, {ExecName, Critical, `"popen"`}}},
		{"cycler", `{{ cycler.__init__.__globals__.os.popen('id').read() }}`, []want{
			{EscapeObject, Critical, `"cycler"`}, {Dunder, Critical, "__init__"}, {Dunder, Critical, "__globals__"}, {ExecName, Critical, `"os"`}, {ExecName, Critical, `"popen"`}}},
		{"joiner", `{{ joiner.__init__ }}`, []want{{EscapeObject, Critical, `"joiner"`}, {Dunder, Critical, "__init__"}}},
		{"namespace reached", `{{ namespace|attr('x') }}`, []want{{EscapeObject, Critical, `"namespace"`}, {AttrFilter, High, "attr()"}}},
		{"lipsum", `{{ lipsum['__globals__']['os'].popen('id') }}`, []want{
			{EscapeObject, Critical, `"lipsum"`}, {Dunder, Critical, "__globals__"}, {ExecName, High, `literal "os"`}, {ExecName, Critical, `"popen"`}}},
		{"lipsum named", `{{ lipsum(1) }}`, []want{{EscapeObject, Medium, `names the "lipsum"`}}},
		{"request config", `{{ config.items() }}{{ request.args }}`, []want{{EscapeObject, Critical, `"config"`}, {EscapeObject, Critical, `"request"`}}},
		{"attr hex escapes", `{{ ''|attr('\x5f\x5fclass\x5f\x5f') }}`, []want{
			{AttrFilter, High, "attr()"}, {Dunder, Critical, "__class__"}, {BuiltName, High, `spells "__class__" through escapes`}}},
		{"unicode escapes", `{{ ''['\u005f\u005fclass\u005f\u005f'] }}`, []want{
			{Dunder, Critical, "__class__"}, {BuiltName, High, "through escapes"}}},
		{"octal escapes", `{{ ''['\137\137class\137\137'] }}`, []want{
			{Dunder, Critical, "__class__"}, {BuiltName, High, "through escapes"}}},
		{"tilde concat", `{% set a = '__cla' ~ 'ss__' %}{{ ''|attr(a) }}`, []want{
			{BuiltName, High, `concatenate or reverse to "__class__"`}, {AttrFilter, High, "attr()"}}},
		{"join", `{{ ()|attr(['_','_','glob','als','_','_']|join) }}`, []want{
			{AttrFilter, High, "attr()"}, {BuiltName, High, `"__globals__"`}}},
		{"reverse", `{{ ''|attr('__ssalc__'|reverse) }}`, []want{
			{AttrFilter, High, "attr()"}, {Dunder, High, "__ssalc__"}, {BuiltName, High, `"__class__"`}}},
		{"format %c", `{{ ''|attr('%c%c%s%c%c'|format(95,95,'class',95,95)) }}`, []want{
			{AttrFilter, High, "attr()"}, {BuiltName, High, "%c and format"}}},
		{"cve-2024-34359", `{% for x in ().__class__.__base__.__subclasses__() %}{% if "warning" in x.__name__ %}{{x()._module.__builtins__['__import__']('os').popen("touch /tmp/retr0reg")}}{%endif%}{% endfor %}`, []want{
			{Dunder, Critical, "__class__"}, {Dunder, Critical, "__base__"}, {Dunder, Critical, "__subclasses__"}, {Dunder, High, "__name__"},
			{Dunder, Critical, "__builtins__"}, {Dunder, Critical, "__import__"}, {ExecName, High, `literal "os"`}, {ExecName, Critical, `"popen"`}}},
		{"include", `{% include 'other.jinja' %}`, []want{{Include, Medium, "include"}}},
		{"unterminated", `hello {{ x.__class__ `, []want{{Unparsed, Medium, "never closes"}}},
		{"eval call", `{{ eval('1') }}`, []want{{ExecName, Critical, `"eval"`}, {ExecName, High, ""}}[:1]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Scan(c.tmpl)
			for _, w := range c.want {
				found := false
				for i, g := range got {
					if g.Technique == w.tech && g.Level == w.level && strings.Contains(g.Msg, w.msg) {
						got = append(got[:i], got[i+1:]...)
						found = true
						break
					}
				}
				if !found {
					t.Errorf("missing %s@%d %q", w.tech, w.level, w.msg)
				}
			}
			for _, g := range got {
				t.Errorf("unexpected %s@%d %q", g.Technique, g.Level, g.Msg)
			}
		})
	}
}

// Look-alikes that are not escapes: role names, set targets, text.
func TestNegatives(t *testing.T) {
	for _, tmpl := range []string{
		`{% if message['role'] == 'system' %}{{ message['content'] }}{% endif %}`,
		`__class__ in plain text is not code {{ x }}`,
		`{% raw %}{{ self.__init__ }}{% endraw %}`,
		`{# {{ cycler.__init__ }} #}{{ 'ok' }}`,
		`{% set ns = namespace(found=false) %}{% set ns.found = true %}{{ ns.found }}`,
		`{{ '%d items'|format(3) }}`,
		`{{ "{% not a block %}" }}`,
		`{% set open = 1 %}{{ open }}`,
	} {
		if got := Scan(tmpl); len(got) > 0 {
			t.Errorf("%q: unexpected %+v", tmpl, got)
		}
	}
}

func TestLine(t *testing.T) {
	got := Scan("line1\n{{ x }}\n\n{{ x.__globals__ }}")
	if len(got) != 1 || got[0].Line != 4 {
		t.Fatalf("got %+v, want one finding on line 4", got)
	}
}
