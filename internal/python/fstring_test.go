package python

import (
	"strings"
	"testing"
)

// TestFStringFields checks that calls inside f-string replacement fields are
// found, with their positions, and that the literal text, escaped braces
// and named escapes make no calls.
func TestFStringFields(t *testing.T) {
	src := "import torch as T\n" +
		"a = f\"{T.load(p)}\"\n" +
		"b = f'value: {T.load(p)!r:>{width(3)}} {{not_a(call)}}'\n" +
		"c = f\"{d[\"k\"]} {f'{pickle.loads(x)}'}\"\n" +
		"d = f'''\n{T.load(\n  p)}\n'''\n" +
		"e = rf\"\\N{raw(1)}\" + f\"\\N{BULLET} {x!=y(2)}\"\n" +
		"g = f\"{broken(\n" +
		"h = after(3)\n" +
		"i = f\"{a:{b}\" + tail(4)\n"
	m := Parse([]byte(src))
	var got []string
	for _, c := range m.Calls {
		got = append(got, c.Resolved+"@"+itoa(c.Line)+":"+itoa(c.Col))
	}
	want := "torch.load@2:8 torch.load@3:15 width@3:29 pickle.loads@4:20 torch.load@6:2 raw@9:11 y@9:39 broken@10:8 after@11:5 tail@12:17"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("calls:\n got %s\nwant %s", g, want)
	}
	for _, c := range m.Calls {
		if c.Resolved == "torch.load" && c.Line == 6 && (c.Close < 0 || len(c.Args) != 1) {
			t.Errorf("multi-line call in a triple-quoted f-string: %+v", c)
		}
	}
}

func TestFStringTokens(t *testing.T) {
	src := []byte("x = f\"a{b(1)}c{{d}}\" 'e'\n")
	var got []string
	for _, tk := range Tokenize(src) {
		got = append(got, tk.Kind.String()+":"+strings.ReplaceAll(tk.Text(src), "\n", `\n`))
	}
	want := `NAME:x OP:= STRING:f"a{ NAME:b OP:( NUMBER:1 OP:) STRING:}c{{d}}" STRING:'e' NEWLINE:\n`
	if g := strings.Join(got, " "); g != want {
		t.Errorf("tokens:\n got %s\nwant %s", g, want)
	}
	// A string made of an f-string with fields is no literal.
	m := Parse([]byte("g(f\"{a}\", f\"plain\")\n"))
	if a := m.Calls[0].Positional(0); a.Kind != Other {
		t.Errorf("f-string with a field parsed as %v", a.Kind)
	}
	if a := m.Calls[0].Positional(1); a.Kind != StringLit || a.Value != "plain" {
		t.Errorf("plain f-string = %+v", a)
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// TestFStringHostile checks that deeply nested fields and specs stay
// bounded: no deep recursion, and the code after them still parses.
func TestFStringHostile(t *testing.T) {
	for _, src := range []string{
		"x = f\"" + strings.Repeat("{a:", 200000) + "\"\nload(p)\n",
		"x = f\"" + strings.Repeat("{f\\\"", 200000) + "\"\nload(p)\n",
		"x = f'''" + strings.Repeat("{(", 200000) + "\nload(p)\n",
	} {
		m := Parse([]byte(src))
		if strings.HasPrefix(src, "x = f'''") {
			continue // an unterminated triple-quoted string runs to the end
		}
		if n := len(m.Calls); n == 0 || m.Calls[n-1].Callee != "load" {
			t.Errorf("%.20q…: calls %d, last not load()", src, n)
		}
	}
}
