// Package engine runs a scan: it walks the sources, classifies each file,
// hands it to the analyzers that read its kind, applies suppressions and the
// rule configuration, and returns the finished result for the report writers.
// Data flows one way: source → classify → analyze → findings → report.
package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/redact"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/source"
)

// Defaults for the per-file limits.
const (
	DefaultMaxTextSize = 50 << 20
	DefaultFileTimeout = 60 * time.Second
)

// UnusedIgnore is reported for an inline ignore that suppressed nothing, so
// stale suppressions do not pile up and hide the next real finding.
var UnusedIgnore = &rule.Rule{
	ID:       "mlsec/unused-ignore",
	Title:    "Inline ignore that matches no finding",
	Severity: rule.Low,
	Phase:    rule.Design,
	Summary:  "An `mlsec: ignore[...]` comment suppresses nothing: the finding moved, was fixed, or the rule ID is misspelled.",
	Fix:      "Remove the comment, or correct the rule ID and move it to the finding's line or the line above.",
}

// Options configure one scan.
type Options struct {
	Paths       []string
	Analyzers   []*analysis.Analyzer
	Jobs        int                      // parallel workers; 0 means one per CPU
	Excludes    []string                 // gitignore-style patterns
	NoGitignore bool                     // do not honour .gitignore files
	Enabled     func(ruleID string) bool // nil enables every rule
	Severity    map[string]rule.Severity // per-rule severity overrides
	MaxTextSize int64                    // text files larger than this fail; 0 means DefaultMaxTextSize
	FileTimeout time.Duration            // per-file analysis time; 0 means DefaultFileTimeout
	Settings    analysis.Settings
	// Progress, when set, is called after each file with the files done and found so far.
	Progress func(done, found int)
	// open replaces os.Open in tests that need a file to fail.
	open func(name string) (*os.File, error)
}

// Result is a finished scan.
type Result struct {
	Paths      []string          `json:"paths"`
	Findings   []finding.Finding `json:"findings"`
	Assets     []finding.Asset   `json:"assets"`
	Edges      []finding.Edge    `json:"edges"`
	Skipped    []source.Skip     `json:"skipped"`
	Failed     []source.Skip     `json:"failed"`   // should have been analyzed and could not be
	Warnings   []source.Skip     `json:"warnings"` // analyzed, with something to note
	Analyzed   int               `json:"analyzed"`
	Suppressed int               `json:"suppressed"` // by inline ignores
	Baselined  int               `json:"baselined"`
	Duration   time.Duration     `json:"-"`
}

// Incomplete reports whether some file could not be fully analyzed, which
// makes the scan's verdict incomplete (exit code 2).
func (r *Result) Incomplete() bool { return len(r.Failed) > 0 }

// fileResult is what one worker learns about one file.
type fileResult struct {
	findings []finding.Finding
	assets   []finding.Asset
	edges    []finding.Edge
	skip     *source.Skip
	fail     *source.Skip
	warn     *source.Skip
	analyzed bool
	ignored  int
}

// Run performs the scan. It returns an error only when the scan cannot
// start (a path does not exist); problems with single files are recorded in
// the result.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.NumCPU()
	}
	if opts.MaxTextSize <= 0 {
		opts.MaxTextSize = DefaultMaxTextSize
	}
	if opts.FileTimeout <= 0 {
		opts.FileTimeout = DefaultFileTimeout
	}
	if opts.open == nil {
		opts.open = os.Open
	}
	for _, p := range opts.Paths {
		if _, err := os.Lstat(p); err != nil {
			return nil, fmt.Errorf("cannot scan %s: %w", p, errors.Unwrap(err))
		}
	}
	start := time.Now()
	byKind := map[source.Kind][]*analysis.Analyzer{}
	for _, a := range opts.Analyzers {
		for _, k := range a.Kinds {
			byKind[k] = append(byKind[k], a)
		}
	}
	s := &scanner{opts: opts, byKind: byKind}

	entries := make(chan source.Entry, 256)
	results := make(chan fileResult, 256)
	var walkErr error
	var skips []source.Skip
	var found int
	var mu sync.Mutex // guards found and skips, written by the walker
	go func() {
		defer close(entries)
		w := &source.Walker{Excludes: opts.Excludes, NoGitignore: opts.NoGitignore}
		for _, p := range opts.Paths {
			err := w.Walk(p, func(e source.Entry) {
				mu.Lock()
				found++
				mu.Unlock()
				entries <- e
			}, func(sk source.Skip) {
				mu.Lock()
				skips = append(skips, sk)
				mu.Unlock()
			})
			if err != nil {
				walkErr = err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range opts.Jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range entries {
				results <- s.file(ctx, e)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	res := &Result{Paths: opts.Paths}
	done := 0
	for fr := range results {
		done++
		res.Findings = append(res.Findings, fr.findings...)
		res.Assets = append(res.Assets, fr.assets...)
		res.Edges = append(res.Edges, fr.edges...)
		res.Suppressed += fr.ignored
		if fr.analyzed {
			res.Analyzed++
		}
		for _, p := range []struct {
			s   *source.Skip
			dst *[]source.Skip
		}{{fr.skip, &res.Skipped}, {fr.fail, &res.Failed}, {fr.warn, &res.Warnings}} {
			if p.s != nil {
				// Parse errors can quote the file; reasons are output too.
				p.s.Reason = redact.String(p.s.Reason)
				*p.dst = append(*p.dst, *p.s)
			}
		}
		if opts.Progress != nil {
			mu.Lock()
			f := found
			mu.Unlock()
			opts.Progress(done, f)
		}
	}
	if walkErr != nil {
		return nil, walkErr
	}
	res.Skipped = append(res.Skipped, skips...)
	finish(res)
	res.Duration = time.Since(start)
	return res, nil
}

// finish sorts everything into a stable order and drops duplicate assets
// and edges: output must not depend on which worker finished first.
func finish(res *Result) {
	for _, l := range [][]source.Skip{res.Skipped, res.Failed, res.Warnings} {
		sort.Slice(l, func(i, j int) bool { return l[i].Path < l[j].Path })
	}
	SortFindings(res.Findings)
	sort.Slice(res.Assets, func(i, j int) bool { return res.Assets[i].ID < res.Assets[j].ID })
	res.Assets = dedupeAssets(res.Assets)
	sort.Slice(res.Edges, func(i, j int) bool {
		a, b := res.Edges[i], res.Edges[j]
		return a.From+"\x00"+a.To+"\x00"+a.Kind < b.From+"\x00"+b.To+"\x00"+b.Kind
	})
	res.Edges = dedupeEdges(res.Edges)
}

// SortFindings orders findings most severe first, then by place.
func SortFindings(fs []finding.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Location.Path != b.Location.Path {
			return a.Location.Path < b.Location.Path
		}
		if a.Location.Member != b.Location.Member {
			return a.Location.Member < b.Location.Member
		}
		if a.Location.Line != b.Location.Line {
			return a.Location.Line < b.Location.Line
		}
		if a.Location.Offset != b.Location.Offset {
			return a.Location.Offset < b.Location.Offset
		}
		if a.Location.Column != b.Location.Column {
			return a.Location.Column < b.Location.Column
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
}

// fingerprint gives each of one file's findings an ID that survives edits
// elsewhere in the file: rule, path relative to the scan root, archive member
// and the whitespace-folded evidence (the message when there is none), plus
// a counter to tell identical findings apart. Line numbers are deliberately
// left out. fs must be sorted, so the counter is stable.
func fingerprint(fs []finding.Finding, rel string) {
	seen := map[string]int{}
	for i := range fs {
		f := &fs[i]
		ev := f.Evidence
		if ev == "" {
			ev = f.Message
		}
		key := f.RuleID + "\x00" + rel + "\x00" + f.Location.Member + "\x00" + strings.Join(strings.Fields(ev), " ")
		n := seen[key]
		seen[key] = n + 1
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", key, n))
		f.Fingerprint = hex.EncodeToString(sum[:16])
	}
}

func dedupeAssets(as []finding.Asset) []finding.Asset {
	out := as[:0]
	for i, a := range as {
		if i > 0 && a.ID == as[i-1].ID {
			continue
		}
		out = append(out, a)
	}
	return out
}

func dedupeEdges(es []finding.Edge) []finding.Edge {
	out := es[:0]
	for i, e := range es {
		if i > 0 && e == es[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

type scanner struct {
	opts   Options
	byKind map[source.Kind][]*analysis.Analyzer
}

// headLen is how much of a file classification reads; YAML needs enough to
// see apiVersion and kind past a license header.
const headLen = 8 << 10

// file analyzes one file. It never panics: an analyzer that panics on a
// hostile input fails that file, and the scan goes on.
func (s *scanner) file(ctx context.Context, e source.Entry) fileResult {
	kind, content, fail := s.classify(e)
	if fail != nil {
		return fileResult{fail: fail}
	}
	analyzers := s.byKind[kind]
	if len(analyzers) == 0 {
		return fileResult{skip: &source.Skip{Path: e.Path, Reason: noAnalyzerReason(kind)}}
	}
	var fr fileResult
	var fh *os.File
	if analyzers[0].Binary {
		f, err := s.opts.open(e.OS)
		if err != nil {
			return fileResult{fail: &source.Skip{Path: e.Path, Reason: "could not read: " + unwrap(err)}}
		}
		fh = f
		defer fh.Close()
	} else {
		if e.Size > s.opts.MaxTextSize {
			return fileResult{fail: &source.Skip{Path: e.Path, Reason: fmt.Sprintf("%s file of %s is over the %s size limit for text files (--max-file-size)", kind, humanSize(e.Size), humanSize(s.opts.MaxTextSize))}}
		}
		if content == nil {
			var err error
			if content, err = s.readAll(e.OS); err != nil {
				return fileResult{fail: &source.Skip{Path: e.Path, Reason: "could not read: " + err.Error()}}
			}
		}
		if looksBinary(content) {
			// A pickle renamed to .py is still a pickle to torch.load.
			if k := source.Refine(source.Unknown, content[:min(len(content), headLen)]); k == source.Model && len(s.byKind[source.Model]) > 0 {
				e.Kind, e.NeedsContent = source.Model, false
				return s.file(ctx, e)
			}
			return fileResult{skip: &source.Skip{Path: e.Path, Reason: fmt.Sprintf("binary content (NUL bytes) where a %s file was expected; not analyzed", kind)}}
		}
		if !utf8.Valid(content) {
			fr.warn = &source.Skip{Path: e.Path, Reason: fmt.Sprintf("invalid UTF-8 at byte %d; analyzed leniently", invalidAt(content))}
		}
	}

	col := &collector{}
	problem := s.runLimited(ctx, analyzers, e, kind, content, fh, col)
	fr.findings, fr.assets, fr.edges = col.close()
	if problem != "" {
		fr.fail = &source.Skip{Path: e.Path, Reason: problem}
	} else {
		fr.analyzed = true
	}
	fr.findings = s.postprocess(fr.findings, e, content, &fr)
	for _, f := range fr.findings {
		if f.Inconclusive && fr.fail == nil {
			fr.analyzed = false
			fr.fail = &source.Skip{Path: e.Path, Reason: "inconclusive: " + f.Message}
		}
	}
	return fr
}

// classify works out the file's kind, reading its head when the name is
// not enough. Text that needed reading to classify is read whole, once, and
// returned, so the analyzers get the same bytes.
func (s *scanner) classify(e source.Entry) (source.Kind, []byte, *source.Skip) {
	if !e.NeedsContent {
		return e.Kind, nil, nil
	}
	var content, head []byte
	var err error
	if (e.Kind == source.YAML || e.Kind == source.JSON || e.Kind == source.Text) && e.Size <= s.opts.MaxTextSize {
		if content, err = s.readAll(e.OS); err == nil {
			head = content[:min(len(content), headLen)]
		}
	} else {
		head, err = s.readHead(e.OS)
	}
	if err != nil {
		return source.Unknown, nil, &source.Skip{Path: e.Path, Reason: "could not read: " + err.Error()}
	}
	return source.Refine(e.Kind, head), content, nil
}

// noAnalyzerReason says why a file of this kind was skipped.
func noAnalyzerReason(kind source.Kind) string {
	switch kind {
	case source.Unknown:
		return "no analyzer reads this kind of file"
	case source.HelmTemplate:
		return "Helm chart template: not YAML until rendered; scan the output of 'helm template' instead"
	}
	return fmt.Sprintf("no analyzer reads %s files", kind)
}

// collector gathers what the analyzers report on one file. An analyzer
// abandoned at the time limit may still be running: once the collector is
// closed, its late reports are dropped instead of racing the result.
type collector struct {
	mu       sync.Mutex
	closed   bool
	findings []finding.Finding
	assets   []finding.Asset
	edges    []finding.Edge
}

func (c *collector) report(f finding.Finding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.findings = append(c.findings, f)
	}
}

func (c *collector) asset(a finding.Asset) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.assets = append(c.assets, a)
	}
}

func (c *collector) edge(ed finding.Edge) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.edges = append(c.edges, ed)
	}
}

// close stops collecting and returns what was collected.
func (c *collector) close() ([]finding.Finding, []finding.Asset, []finding.Edge) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return c.findings, c.assets, c.edges
}

// runLimited runs the analyzers under the per-file time limit and returns
// a description of what went wrong, or "". Analyzers check the context in
// their long loops; one that does not is abandoned shortly after the limit.
func (s *scanner) runLimited(ctx context.Context, as []*analysis.Analyzer, e source.Entry, kind source.Kind, content []byte, fh *os.File, col *collector) string {
	fctx, cancel := context.WithTimeout(ctx, s.opts.FileTimeout)
	defer cancel()
	done := make(chan string, 1)
	go func() { done <- s.runAnalyzers(fctx, as, e, kind, content, fh, col) }()
	select {
	case problem := <-done:
		if fctx.Err() == nil || ctx.Err() != nil {
			return problem
		}
	case <-fctx.Done():
		if ctx.Err() != nil {
			return "scan cancelled"
		}
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
	}
	return fmt.Sprintf("analysis exceeded the %s time limit per file (--file-timeout); findings so far are kept", s.opts.FileTimeout)
}

// runAnalyzers runs each analyzer on the file and returns a description of
// the first failure, or "" when all finished.
func (s *scanner) runAnalyzers(ctx context.Context, as []*analysis.Analyzer, e source.Entry, kind source.Kind, content []byte, fh *os.File, col *collector) (problem string) {
	for _, a := range as {
		msg := func() (msg string) {
			defer func() {
				if r := recover(); r != nil {
					msg = fmt.Sprintf("internal error: the %s analyzer panicked: %v", a.Name, r)
				}
			}()
			p := analysis.NewPass(ctx, a, e, kind, col.report, col.asset, col.edge)
			p.Settings = s.opts.Settings
			if a.Binary {
				p.Reader = fh
			} else {
				p.Content = content
			}
			if err := a.Run(p); err != nil {
				return err.Error()
			}
			return ""
		}()
		if msg != "" && problem == "" {
			problem = msg
		}
		if ctx.Err() != nil {
			break
		}
	}
	return problem
}

// postprocess applies rule selection, severity overrides, redaction and
// inline ignores to one file's findings.
func (s *scanner) postprocess(fs []finding.Finding, e source.Entry, content []byte, fr *fileResult) []finding.Finding {
	ignores := parseIgnores(content)
	out := fs[:0]
	for _, f := range fs {
		if s.opts.Enabled != nil && !s.opts.Enabled(f.RuleID) {
			continue
		}
		if sev, ok := s.opts.Severity[f.RuleID]; ok {
			f.Severity = sev
		}
		f.Message = redact.String(f.Message)
		f.Evidence = redact.String(f.Evidence)
		suppressed := false
		for _, ig := range ignores {
			if f.Location.Member == "" && ig.matches(f.RuleID, f.Location.Line) {
				ig.used = true
				suppressed = true
			}
		}
		if suppressed {
			fr.ignored++
			continue
		}
		out = append(out, f)
	}
	if s.opts.Enabled == nil || s.opts.Enabled(UnusedIgnore.ID) {
		for _, ig := range ignores {
			if !ig.used {
				out = append(out, finding.Finding{
					Rule: UnusedIgnore, RuleID: UnusedIgnore.ID, Severity: UnusedIgnore.Severity, Phase: UnusedIgnore.Phase,
					Techniques: []string{}, Location: finding.Location{Path: e.Path, Line: ig.line},
					Message:  fmt.Sprintf("inline ignore for %s matches no finding on this line or the next", strings.Join(ig.rules, ", ")),
					Evidence: "mlsec: ignore[" + strings.Join(ig.rules, ",") + "]",
				})
			}
		}
	}
	SortFindings(out)
	fingerprint(out, e.Rel)
	return out
}

// readAll reads a whole text file, failing when it has grown past the size
// limit since the walk measured it.
func (s *scanner) readAll(name string) ([]byte, error) {
	f, err := s.opts.open(name)
	if err != nil {
		return nil, errors.New(unwrap(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, s.opts.MaxTextSize+1))
	if err != nil {
		return nil, errors.New(unwrap(err))
	}
	if int64(len(b)) > s.opts.MaxTextSize {
		return nil, fmt.Errorf("file grew past the %s size limit while being read", humanSize(s.opts.MaxTextSize))
	}
	if b == nil {
		b = []byte{} // read, and empty: not the same as not read
	}
	return b, nil
}

func (s *scanner) readHead(name string) ([]byte, error) {
	f, err := s.opts.open(name)
	if err != nil {
		return nil, errors.New(unwrap(err))
	}
	defer f.Close()
	buf := make([]byte, headLen)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, errors.New(unwrap(err))
	}
	return buf[:n], nil
}

// looksBinary says a text file is not text: NUL bytes in its first 8 KiB,
// the test git and grep use.
func looksBinary(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), headLen)], 0) >= 0
}

func invalidAt(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

func unwrap(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
