package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/mlsec/mlsec/internal/objstore"
	"github.com/mlsec/mlsec/internal/report"
)

// openOutput is where a command's report goes: the -o file, created; an
// object in a bucket (-o s3://results/run-1/mlsec.sarif), uploaded when
// closed; or standard output. close must be called once the report is
// written, and its error reported: a report that did not reach its
// destination is a failed command.
func openOutput(g *globals, path string) (w io.Writer, close func() error, err error) {
	if path == "" {
		return g.stdout, func() error { return nil }, nil
	}
	if objstore.IsURI(path) {
		return openRemoteOutput(g, path)
	}
	file, err := os.Create(path)
	if err != nil {
		return nil, nil, &exitError{code: ExitError, err: fmt.Errorf("cannot write the report file (-o): %w", err)}
	}
	return file, func() error {
		if err := file.Close(); err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("cannot write the report file (-o): %w", err)}
		}
		return nil
	}, nil
}

// openRemoteOutput collects the report in memory (reports are megabytes,
// not gigabytes) and uploads it in one request when closed.
func openRemoteOutput(g *globals, uri string) (io.Writer, func() error, error) {
	loc, err := objstore.Parse(uri)
	if err != nil {
		return nil, nil, usageErr("-o: %v", err)
	}
	if loc.Prefix == "" || strings.HasSuffix(loc.Prefix, "/") {
		return nil, nil, usageErr("-o %s: name the object to write, not a prefix", uri)
	}
	var buf bytes.Buffer
	return &buf, func() error {
		ctx := context.Background()
		st, err := objstore.Open(ctx, loc, g.remote)
		if err == nil {
			err = st.Put(ctx, loc.Prefix, buf.Bytes())
		}
		if err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("cannot write the report to %s (-o): %w", uri, err)}
		}
		return nil
	}, nil
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
	rep.Color = color == "always" || (color == "auto" && output == "" && format == "text" && isTerminal(out) && os.Getenv("NO_COLOR") == "")
	if fd, ok := out.(*os.File); ok && isTerminal(out) {
		if w, _, err := term.GetSize(int(fd.Fd())); err == nil {
			rep.Width = w
		}
	}
	if err := report.Write(out, format, rep); err != nil {
		done()
		return &exitError{code: ExitError, err: err}
	}
	if err := done(); err != nil {
		return err
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
