// Package mlcmd recognises ML servers in command lines (MLflow, Ray,
// Jupyter, TensorBoard, TorchServe, Triton) and says when the way they are
// started exposes them: bound to every interface without authentication,
// with an empty token, with a web-security option turned off.
//
// It is shared by the analyzers that meet command lines: Kubernetes
// container command and args, Dockerfile CMD, ENTRYPOINT and RUN, compose
// command and entrypoint, shell scripts, MLproject entry points. Commands
// are only parsed, never run.
package mlcmd

import (
	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/rule"
)

// Match is one problem in an ML server's command line. mlcmd only
// recognises command lines; the analyzer that met the command reports it
// (see Diagnostic), adding what it knows: where the command sits, the
// assets it touches, whether a Service publishes the pod.
type Match struct {
	Rule *rule.Rule
	// Severity is this occurrence's: Rule.Severity unless SeverityReason
	// says why the command line makes it worse or milder.
	Severity       rule.Severity
	SeverityReason string
	Arg            int    // index in argv of the offending word, -1 if the problem is an absent flag
	Evidence       string // the offending words, as written
	Message        string // one sentence for the finding
}

// ShellMatch is a Match found in a shell script, with its place in the script.
type ShellMatch struct {
	Match
	Line, Col int // 1-based, within the script
}

// maxDepth bounds how deeply `sh -c "… sh -c …"` is followed.
const maxDepth = 4

// Check recognises ML servers started from argv and returns their exposure
// problems. argv is a command as a container runtime would exec it; shell
// wrappers (`sh -c "…"`, `bash -lc "…"`) are parsed and their commands
// checked too, with Arg the index of the script argument.
func Check(argv []string) []Match { return checkEnv(argv, 0, nil) }

// Diagnostic is the match as a diagnostic at loc, for the caller to
// complete (Assets, Related) and report with Pass.Report.
func (m Match) Diagnostic(loc finding.Location) analysis.Diagnostic {
	return analysis.Diagnostic{Rule: m.Rule, Location: loc, Message: m.Message, Evidence: m.Evidence,
		Severity: m.Severity, SeverityReason: m.SeverityReason}
}

func checkEnv(argv []string, depth int, env map[string]string) []Match {
	if depth > maxDepth || len(argv) == 0 {
		return nil
	}
	start := unwrap(argv)
	if start >= len(argv) {
		return nil
	}
	prog := base(argv[start])
	if isShell(prog) {
		return checkShellWrapper(argv, start, depth, envOf(argv, start, env))
	}
	t, rest := identify(argv, start)
	if t == nil {
		return nil
	}
	c := &cmdline{argv: argv, start: start, from: rest, env: envOf(argv, start, env)}
	c.parse()
	return t(c)
}

// checkShellWrapper handles `sh -c SCRIPT` and `bash -lc SCRIPT`.
func checkShellWrapper(argv []string, start, depth int, env map[string]string) []Match {
	for i := start + 1; i < len(argv); i++ {
		a := argv[i]
		if len(a) < 2 || a[0] != '-' || a[1] == '-' {
			return nil
		}
		if containsByte(a[1:], 'c') {
			if i+1 >= len(argv) {
				return nil
			}
			var out []Match
			for _, sm := range checkShellEnv(argv[i+1], depth+1, env) {
				m := sm.Match
				m.Arg = i + 1
				out = append(out, m)
			}
			return out
		}
	}
	return nil
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}
