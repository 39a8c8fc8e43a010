// Package shellrisk finds risky patterns in shell scripts parsed with
// mvdan.cc/sh: remote code piped into an interpreter, package indexes that
// can be spoofed, and model weights downloaded without a checksum. It is
// shared by the analyzers that meet shell: Dockerfile RUN, DVC stage
// commands, MLproject entry points and plain scripts.
package shellrisk

import (
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/mlsec/mlsec/internal/mlcmd"
)

// Hit is one risky command, at a position in the parsed script.
type Hit struct {
	Pos      syntax.Pos
	Evidence string // the command or words at fault
	What     string // a short description for the message
	// Raise, when set, says why this hit is worse than its rule's default
	// severity (weights in a pickle format run code when loaded).
	Raise string
}

// Call is a simple command with its argv, unquoted.
type Call struct {
	Expr *syntax.CallExpr
	Argv []string
	prog int // index of the real program after launchers (sudo, env…)
}

// Prog is the real program's base name, after sudo, env and the like.
func (c Call) Prog() string {
	if c.prog >= len(c.Argv) {
		return ""
	}
	return path.Base(c.Argv[c.prog])
}

// Args are the words after the real program.
func (c Call) Args() []string {
	if c.prog+1 > len(c.Argv) {
		return nil
	}
	return c.Argv[c.prog+1:]
}

// Calls lists every simple command in n, in source order.
func Calls(n syntax.Node) []Call {
	var out []Call
	syntax.Walk(n, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 {
			argv := mlcmd.Argv(c)
			out = append(out, Call{Expr: c, Argv: argv, prog: skipLaunchers(argv)})
		}
		return true
	})
	return out
}

func skipLaunchers(argv []string) int {
	i := 0
	for guard := 0; guard < 8 && i < len(argv); guard++ {
		switch path.Base(argv[i]) {
		case "sudo", "env", "exec", "command", "nohup", "time":
			i++
			for i < len(argv) && (strings.HasPrefix(argv[i], "-") || strings.Contains(argv[i], "=")) {
				if argv[i] == "-u" {
					i++
				}
				i++
			}
		default:
			return i
		}
	}
	return i
}

// interpreters run code read from standard input or a file argument.
var interpreters = map[string]bool{
	"sh": true, "bash": true, "dash": true, "zsh": true, "ash": true, "ksh": true,
	"python": true, "python3": true, "python2": true, "perl": true, "ruby": true, "node": true, "php": true,
	"source": true, ".": true, "eval": true,
}

func isInterpreter(prog string) bool {
	if interpreters[prog] {
		return true
	}
	return strings.HasPrefix(prog, "python3.")
}

func isFetcher(prog string) bool { return prog == "curl" || prog == "wget" }

// RemoteExec finds code fetched from the network and run at once:
// `curl … | sh`, `wget -O- … | python`, `bash <(curl …)`,
// `sh -c "$(curl …)"`, `eval "$(wget -qO- …)"`.
func RemoteExec(f *syntax.File) []Hit {
	var out []Hit
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.BinaryCmd:
			if n.Op != syntax.Pipe && n.Op != syntax.PipeAll {
				return true
			}
			// Only look at the top of a pipeline chain: a|b|c parses as (a|b)|c.
			stages := flattenPipe(n)
			fetchAt := -1
			for i, st := range stages {
				c := stmtCall(st)
				if c == nil {
					continue
				}
				if fetchAt < 0 && isFetcher(c.Prog()) {
					fetchAt = i
					continue
				}
				if fetchAt >= 0 && isInterpreter(c.Prog()) && readsStdin(*c) {
					out = append(out, Hit{Pos: stages[fetchAt].Pos(), Evidence: strings.Join(stmtCall(stages[fetchAt]).Argv, " ") + " | " + strings.Join(c.Argv, " "),
						What: "a script downloaded with " + stmtCall(stages[fetchAt]).Prog() + " is piped into " + c.Prog()})
					break
				}
			}
			return false // stages were walked here; nested substitutions are rare in pipelines
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				return true
			}
			argv := mlcmd.Argv(n)
			p := skipLaunchers(argv)
			if p >= len(argv) || !isInterpreter(path.Base(argv[p])) {
				return true
			}
			for _, w := range n.Args[p+1:] {
				if fetchInWord(w) {
					out = append(out, Hit{Pos: n.Args[0].Pos(), Evidence: strings.Join(argv, " "),
						What: path.Base(argv[p]) + " runs code fetched from the network"})
					break
				}
			}
		}
		return true
	})
	return out
}

// flattenPipe lists the statements of a|b|c in order.
func flattenPipe(b *syntax.BinaryCmd) []*syntax.Stmt {
	var out []*syntax.Stmt
	var rec func(s *syntax.Stmt, depth int)
	rec = func(s *syntax.Stmt, depth int) {
		if bc, ok := s.Cmd.(*syntax.BinaryCmd); ok && (bc.Op == syntax.Pipe || bc.Op == syntax.PipeAll) && depth < 64 {
			rec(bc.X, depth+1)
			rec(bc.Y, depth+1)
			return
		}
		out = append(out, s)
	}
	rec(b.X, 0)
	rec(b.Y, 0)
	return out
}

func stmtCall(s *syntax.Stmt) *Call {
	if s == nil {
		return nil
	}
	c, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || len(c.Args) == 0 {
		return nil
	}
	argv := mlcmd.Argv(c)
	return &Call{Expr: c, Argv: argv, prog: skipLaunchers(argv)}
}

// readsStdin reports whether an interpreter in a pipeline runs its input:
// `sh`, `bash -s -- args`, `bash -s stable`, `python3 - args`, but not
// `python3 check.py` or `python3 -m json.tool`. After -s or a lone "-" the
// script comes from standard input and the remaining words are its
// arguments.
func readsStdin(c Call) bool {
	shell := false
	switch c.Prog() {
	case "sh", "bash", "dash", "zsh", "ash", "ksh":
		shell = true
	}
	for _, a := range c.Args() {
		switch {
		case a == "-" || shell && a == "-s":
			return true
		case a == "-c", !shell && (a == "-m" || a == "-e" || a == "-r"):
			return false // code or a module given on the command line
		case strings.HasPrefix(a, "-"):
			continue
		}
		return false
	}
	return true
}

// fetchInWord reports whether a word holds a command or process
// substitution that runs curl or wget: "$(curl …)", <(wget -O- …).
func fetchInWord(w *syntax.Word) bool {
	found := false
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n.(type) {
		case *syntax.CmdSubst, *syntax.ProcSubst:
			for _, c := range Calls(n) {
				if isFetcher(c.Prog()) {
					found = true
				}
			}
			return false
		}
		return !found
	})
	return found
}

// DownloadThenRun finds `wget URL -O x.sh; bash x.sh` and `curl -o f URL && sh f`:
// a file downloaded and then run by an interpreter in the same script
// that verifies no checksum.
func DownloadThenRun(f *syntax.File) []Hit {
	calls := Calls(f)
	for _, c := range calls {
		if verifies(c) {
			return nil
		}
	}
	var out []Hit
	downloaded := map[string]Call{}
	for _, c := range calls {
		switch prog := c.Prog(); {
		case isFetcher(prog):
			if name := outputFile(c); name != "" {
				downloaded[name] = c
			}
		case isInterpreter(prog) || prog == "chmod":
			for _, a := range c.Args() {
				if d, ok := downloaded[a]; ok && prog != "chmod" {
					out = append(out, Hit{Pos: c.Expr.Pos(), Evidence: strings.Join(d.Argv, " ") + "; " + strings.Join(c.Argv, " "),
						What: prog + " runs " + a + ", downloaded just before with " + d.Prog()})
					break
				}
			}
		default:
			// ./install.sh after a download of install.sh. A wrapper with no
			// program after it (a bare `env`) has nothing to run.
			if c.prog >= len(c.Argv) {
				continue
			}
			if d, ok := downloaded[strings.TrimPrefix(c.Argv[c.prog], "./")]; ok && strings.HasPrefix(c.Argv[c.prog], "./") {
				out = append(out, Hit{Pos: c.Expr.Pos(), Evidence: strings.Join(d.Argv, " ") + "; " + strings.Join(c.Argv, " "),
					What: "runs " + c.Argv[c.prog] + ", downloaded just before with " + d.Prog()})
			}
		}
	}
	return out
}

// outputFile is the file curl -o / wget -O writes, or the remote name
// (wget's default, curl -O), or "" when the download goes to standard
// output. Short options may be clustered: curl -fsSLO, curl -fsSLo FILE,
// wget -qO FILE, wget -qO- (standard output).
func outputFile(c Call) string {
	args := c.Args()
	curl := c.Prog() == "curl"
	var url string
	remote := !curl // wget names the file after the URL unless told otherwise
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--output" || a == "--output-document":
			if i+1 < len(args) {
				return stdoutName(args[i+1])
			}
		case strings.HasPrefix(a, "--output-document="), strings.HasPrefix(a, "--output="):
			return stdoutName(a[strings.IndexByte(a, '=')+1:])
		case a == "--remote-name" || a == "--remote-name-all":
			remote = true
		case len(a) >= 2 && a[0] == '-' && a[1] != '-':
			for j := 1; j < len(a); j++ {
				if curl && a[j] == 'O' {
					remote = true
					continue
				}
				if curl && a[j] == 'o' || !curl && a[j] == 'O' {
					if j+1 < len(a) {
						return stdoutName(a[j+1:])
					}
					if i+1 < len(args) {
						return stdoutName(args[i+1])
					}
					return ""
				}
			}
		case isURL(a):
			url = a
		}
	}
	if url != "" && remote {
		return path.Base(stripQuery(url))
	}
	return ""
}

// stdoutName maps "-" (standard output) to "".
func stdoutName(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "ftp://")
}

func stripQuery(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		return u[:i]
	}
	return u
}

// PipInstallVCS finds `pip install git+https://…` (code from a branch, run
// at install time) that is not pinned to a commit.
func PipInstallVCS(f *syntax.File) []Hit {
	var out []Hit
	for _, c := range Calls(f) {
		args, ok := pipInstallArgs(c)
		if !ok {
			continue
		}
		for _, a := range args {
			spec := a
			if _, after, ok := strings.Cut(a, " @ "); ok {
				spec = after
			}
			if strings.HasPrefix(spec, "git+") || strings.HasPrefix(spec, "hg+") || strings.HasPrefix(spec, "svn+") ||
				isURL(spec) && (strings.HasSuffix(stripQuery(spec), ".zip") || strings.HasSuffix(stripQuery(spec), ".tar.gz")) {
				if pinnedVCS(spec) {
					continue
				}
				out = append(out, Hit{Pos: c.Expr.Pos(), Evidence: strings.Join(c.Argv, " "), What: "pip installs unpinned code from " + spec})
				break
			}
		}
	}
	return out
}

var hex40 = regexp.MustCompile(`@[0-9a-f]{40}(?:#|$)`)

func pinnedVCS(spec string) bool {
	return hex40.MatchString(spec) || strings.Contains(spec, "#sha256=")
}

// pipInstallArgs recognises pip install in its usual spellings and returns
// the words after "install".
func pipInstallArgs(c Call) ([]string, bool) {
	argv := c.Argv[c.prog:]
	prog := path.Base(argv[0])
	i := 1
	switch {
	case prog == "pip" || prog == "pip3" || strings.HasPrefix(prog, "pip3."):
	case prog == "uv" && len(argv) > 1 && argv[1] == "pip":
		i = 2
	case prog == "python" || prog == "python3" || strings.HasPrefix(prog, "python3."):
		for i < len(argv) && argv[i] != "-m" {
			i++
		}
		if i+1 >= len(argv) || argv[i+1] != "pip" {
			return nil, false
		}
		i += 2
	default:
		return nil, false
	}
	if i >= len(argv) || argv[i] != "install" {
		return nil, false
	}
	return argv[i+1:], true
}

// PipIndexHit is a pip option that adds or weakens a package index.
type PipIndexHit struct {
	Hit
	Insecure bool // plain-HTTP index or --trusted-host: the index can be spoofed on the wire
}

// PipIndexes finds `pip install --extra-index-url …` (dependency confusion)
// and plain-HTTP or trusted-host indexes (spoofable).
func PipIndexes(f *syntax.File) []PipIndexHit {
	var out []PipIndexHit
	for _, c := range Calls(f) {
		args, ok := pipInstallArgs(c)
		if !ok {
			continue
		}
		for i := 0; i < len(args); i++ {
			name, val, hasEq := strings.Cut(args[i], "=")
			if !hasEq && i+1 < len(args) {
				val = args[i+1]
			}
			switch name {
			case "--trusted-host":
				out = append(out, PipIndexHit{Hit{Pos: c.Expr.Pos(), Evidence: name + " " + val, What: "pip trusts host " + val + " without TLS verification"}, true})
			case "--extra-index-url", "--index-url", "-i":
				if strings.HasPrefix(val, "http://") {
					out = append(out, PipIndexHit{Hit{Pos: c.Expr.Pos(), Evidence: name + " " + val, What: "pip fetches packages over plain HTTP from " + val}, true})
				} else if name == "--extra-index-url" {
					out = append(out, PipIndexHit{Hit{Pos: c.Expr.Pos(), Evidence: name + " " + val, What: "pip resolves packages from a second index, " + val + ": a public package of the same name can win"}, false})
				}
			}
		}
	}
	return out
}
