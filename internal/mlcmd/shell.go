package mlcmd

import (
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// CheckShell parses a shell script or command string and runs Check on
// every simple command in it, returning matches with their line and column
// within the script. A script that does not parse yields no matches; use
// CheckScript to learn why.
func CheckShell(script string) []ShellMatch {
	return checkShell(script, 0)
}

// CheckShellEnv is CheckShell for a script that runs with the environment
// env (a compose service's command string under its environment).
func CheckShellEnv(script string, env map[string]string) []ShellMatch {
	return checkShellEnv(script, 0, env)
}

// CheckScript is CheckShell that also returns the parse error, for callers
// that must report a file they could not analyze.
func CheckScript(script string) ([]ShellMatch, error) {
	f, err := Parse(script)
	if err != nil {
		return nil, err
	}
	return checkFile(f, 0), nil
}

// CheckParsed is CheckShell on a script already parsed with Parse.
func CheckParsed(f *syntax.File) []ShellMatch { return checkFile(f, 0) }

// Parse parses a shell script as bash.
func Parse(script string) (*syntax.File, error) {
	return syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(script), "")
}

func checkShell(script string, depth int) []ShellMatch { return checkShellEnv(script, depth, nil) }

func checkShellEnv(script string, depth int, env map[string]string) []ShellMatch {
	if depth > maxDepth {
		return nil
	}
	f, err := Parse(script)
	if err != nil {
		return nil
	}
	return checkFileEnv(f, depth, env)
}

func checkFile(f *syntax.File, depth int) []ShellMatch { return checkFileEnv(f, depth, nil) }

// checkFileEnv checks every simple command of f. Variables the script
// exports or assigns (`export OLLAMA_HOST=0.0.0.0`) and assignments before
// a command are its environment, in source order.
func checkFileEnv(f *syntax.File, depth int, env map[string]string) []ShellMatch {
	var out []ShellMatch
	set := func(as []*syntax.Assign, into map[string]string) map[string]string {
		for _, a := range as {
			if a.Name == nil || a.Value == nil {
				continue
			}
			if into == nil {
				into = map[string]string{}
			}
			into[a.Name.Value] = WordString(a.Value)
		}
		return into
	}
	copyEnv := func() map[string]string {
		c := make(map[string]string, len(env)+1)
		for k, v := range env {
			c[k] = v
		}
		return c
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		if d, ok := n.(*syntax.DeclClause); ok && (d.Variant == nil || d.Variant.Value == "export" || d.Variant.Value == "declare") {
			env = set(d.Args, copyEnv())
			return true
		}
		call, ok := n.(*syntax.CallExpr)
		if !ok {
			return true
		}
		if len(call.Args) == 0 {
			if len(call.Assigns) > 0 {
				env = set(call.Assigns, copyEnv())
			}
			return true
		}
		argv := Argv(call)
		cmdEnv := env
		if len(call.Assigns) > 0 {
			cmdEnv = set(call.Assigns, copyEnv())
		}
		for _, m := range checkEnv(argv, depth, cmdEnv) {
			pos := call.Args[0].Pos()
			if m.Arg >= 0 && m.Arg < len(call.Args) {
				pos = call.Args[m.Arg].Pos()
			}
			out = append(out, ShellMatch{Match: m, Line: int(pos.Line()), Col: int(pos.Col())})
		}
		return true
	})
	return out
}

// Argv turns a simple command's words into the argv it would run with,
// quotes removed. Parts that only exist at run time (variables, command
// substitutions) are kept as their source text, "$HOST", so they never
// look like a literal bind address or an empty token.
func Argv(call *syntax.CallExpr) []string {
	argv := make([]string, 0, len(call.Args))
	for _, w := range call.Args {
		argv = append(argv, WordString(w))
	}
	return argv
}

// WordString is a word's value with quotes removed and run-time parts
// kept as a "$…" placeholder.
func WordString(w *syntax.Word) string {
	var b strings.Builder
	writeParts(&b, w.Parts, false)
	return b.String()
}

func writeParts(b *strings.Builder, parts []syntax.WordPart, inDbl bool) {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			writeLit(b, p.Value, inDbl)
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			writeParts(b, p.Parts, true)
		case *syntax.ParamExp:
			b.WriteString("$")
			if p.Param != nil {
				b.WriteString(p.Param.Value)
			}
		case *syntax.CmdSubst:
			b.WriteString("$(…)")
		default:
			b.WriteString("$…")
		}
	}
}

// writeLit removes the backslash escapes the parser leaves in literals:
// any character outside quotes, only $ ` " \ and newline inside double quotes.
func writeLit(b *strings.Builder, v string, inDbl bool) {
	if !strings.Contains(v, `\`) {
		b.WriteString(v)
		return
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+1 < len(v) {
			n := v[i+1]
			switch {
			case n == '\n':
				i++
				continue
			case !inDbl || strings.IndexByte("$`\"\\", n) >= 0:
				b.WriteByte(n)
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
}
