package container

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"mvdan.cc/sh/v3/syntax"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/mlcmd/shellrisk"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// script is the shell text of a RUN, CMD or ENTRYPOINT instruction, laid
// out so that its line and column numbers map back onto the Dockerfile.
type script struct {
	text      string
	startLine int  // Dockerfile line of the script's first line
	flat      bool // positions are not exact: every finding goes to startLine
}

func (s *script) loc(p *analysis.Pass, line, col int) finding.Location {
	if s.flat || line < 1 {
		return p.Line(s.startLine, 1)
	}
	return p.Line(s.startLine+line-1, col)
}

// script extracts n's shell text from the raw lines when it can, so that
// positions are exact, and from the parser's joined line otherwise.
func (d *dockerfile) script(n *parser.Node) *script {
	if n.Attributes["json"] {
		argv, _ := words(n)
		if len(argv) == 3 && (path.Base(argv[0]) == "sh" || path.Base(argv[0]) == "bash") && strings.HasPrefix(argv[1], "-") && strings.Contains(argv[1], "c") {
			return &script{text: argv[2], startLine: n.StartLine, flat: true}
		}
		q := make([]string, len(argv))
		for i, a := range argv {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		return &script{text: strings.Join(q, " "), startLine: n.StartLine, flat: true}
	}
	if d.escape != '\\' || n.StartLine < 1 || n.EndLine > len(d.lines) || n.EndLine < n.StartLine {
		if n.Next == nil {
			return nil
		}
		return &script{text: n.Next.Value, startLine: n.StartLine, flat: true}
	}
	raw := d.lines[n.StartLine-1 : n.EndLine]
	var b strings.Builder
	first := blankInstruction(raw[0])
	b.WriteString(first)
	for _, l := range raw[1:] {
		b.WriteByte('\n')
		t := strings.TrimSpace(l)
		if len(n.Heredocs) == 0 && (t == "" || strings.HasPrefix(t, "#")) {
			// Docker drops comment and empty lines inside a continued
			// instruction; keep the continuation going for the shell.
			b.WriteByte('\\')
			continue
		}
		b.WriteString(strings.TrimSuffix(l, "\r"))
	}
	return &script{text: b.String(), startLine: n.StartLine}
}

// blankInstruction replaces the instruction keyword and its --flags on the
// first line with spaces, keeping the columns of what follows.
func blankInstruction(line string) string {
	line = strings.TrimSuffix(line, "\r")
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	for i < len(line) && line[i] != ' ' && line[i] != '\t' {
		i++ // the keyword
	}
	for {
		j := i
		for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
			j++
		}
		if !strings.HasPrefix(line[j:], "--") {
			break
		}
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		i = j
	}
	return strings.Repeat(" ", i) + line[i:]
}

func (d *dockerfile) run(n *parser.Node) {
	sc := d.script(n)
	if sc == nil {
		return
	}
	f, err := mlcmd.Parse(sc.text)
	if err != nil {
		return // valid Dockerfile, shell we cannot read: nothing to say about it
	}
	d.checkRun(f, sc, 0)
}

// checkRun applies the RUN rules to a parsed shell body, and to the scripts
// of heredocs fed to a shell.
func (d *dockerfile) checkRun(f *syntax.File, sc *script, depth int) {
	p := d.pass
	at := func(pos syntax.Pos) finding.Location { return sc.loc(p, int(pos.Line()), int(pos.Col())) }
	for _, h := range shellrisk.RemoteExec(f) {
		p.Report(analysis.Diagnostic{Rule: rules.RemoteCodeExec, Location: at(h.Pos), Evidence: h.Evidence, Message: "RUN: " + h.What})
	}
	for _, h := range shellrisk.DownloadThenRun(f) {
		p.Report(analysis.Diagnostic{Rule: rules.RemoteCodeExec, Location: at(h.Pos), Evidence: h.Evidence, Message: "RUN: " + h.What + ", without a checksum"})
	}
	for _, h := range shellrisk.PipIndexes(f) {
		r := rules.ExtraIndexURL
		if h.Insecure {
			r = rules.InsecureIndex
		}
		diag := analysis.Diagnostic{Rule: r, Location: at(h.Pos), Evidence: h.Evidence, Message: "RUN: " + h.What}
		// The evidence is the pip option and its value as written.
		if opt, val, _ := strings.Cut(h.Evidence, " "); opt != "--trusted-host" {
			if id := indexAsset(p, val, "pip "+opt, diag.Location); id != "" {
				diag.Assets = []string{id}
			}
		}
		p.Report(diag)
	}
	for _, h := range shellrisk.ModelDownloadsWith(f, d.lookup) {
		d := analysis.Diagnostic{Rule: rules.ModelFetchUnverified, Location: at(h.Pos), Evidence: h.Evidence, Message: "RUN: " + h.What}
		if h.Raise != "" {
			d.Severity, d.SeverityReason = rule.High, h.Raise
		}
		p.Report(d)
	}
	if depth > 0 {
		return
	}
	// RUN <<EOF … EOF and RUN bash <<EOF: the heredoc is the script.
	syntax.Walk(f, func(nd syntax.Node) bool {
		st, ok := nd.(*syntax.Stmt)
		if !ok {
			return true
		}
		if c, ok := st.Cmd.(*syntax.CallExpr); ok && len(c.Args) > 0 {
			prog := path.Base(mlcmd.WordString(c.Args[0]))
			if prog != "sh" && prog != "bash" && prog != "dash" {
				return true
			}
		} else if st.Cmd != nil {
			return true
		}
		for _, r := range st.Redirs {
			if r.Hdoc == nil || len(r.Hdoc.Parts) == 0 {
				continue
			}
			start, end := r.Hdoc.Pos().Offset(), r.Hdoc.End().Offset()
			if end > uint(len(sc.text)) || start >= end {
				continue
			}
			body := sc.text[start:end]
			hf, err := mlcmd.Parse(body)
			if err != nil {
				continue
			}
			sub := &script{text: body, startLine: sc.startLine + int(r.Hdoc.Pos().Line()) - 1, flat: sc.flat}
			d.checkRun(hf, sub, depth+1)
		}
		return true
	})
}
