package cli

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/mlsec/mlsec/internal/report"
)

// openOutput is where a command's report goes: the -o file, created, or
// standard output. close must be called once the report is written.
func openOutput(g *globals, path string) (w io.Writer, close func(), err error) {
	if path == "" {
		return g.stdout, func() {}, nil
	}
	file, err := os.Create(path)
	if err != nil {
		return nil, nil, &exitError{code: ExitError, err: fmt.Errorf("cannot write the report file (-o): %w", err)}
	}
	return file, func() { file.Close() }, nil
}

// emit writes rep in format to -o output or standard output, with colour
// ("auto", "always" or "never") and the terminal's width for text on a
// terminal, and the one-line summary on standard error when the report
// itself goes to a file or is not text. Every command that reports
// findings writes them through here.
func emit(g *globals, rep *report.Report, format, output, color string) error {
	out, done, err := openOutput(g, output)
	if err != nil {
		return err
	}
	defer done()
	rep.Color = color == "always" || (color == "auto" && output == "" && format == "text" && isTerminal(out) && os.Getenv("NO_COLOR") == "")
	if fd, ok := out.(*os.File); ok && isTerminal(out) {
		if w, _, err := term.GetSize(int(fd.Fd())); err == nil {
			rep.Width = w
		}
	}
	if err := report.Write(out, format, rep); err != nil {
		return &exitError{code: ExitError, err: err}
	}
	if output != "" || format != "text" {
		fmt.Fprintln(g.stderr, report.Summary(rep))
	}
	return nil
}

// exitFor is the error that ends the command with rep's exit code, or
// nil for a clean result.
func exitFor(rep *report.Report) error {
	if code := rep.ExitCode(); code != ExitClean {
		return &exitError{code: code}
	}
	return nil
}
