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
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/bounds"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/objstore"
	"github.com/mlsec/mlsec/internal/redact"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Defaults for the per-file limits.
const (
	DefaultMaxTextSize = 50 << 20
	DefaultFileTimeout = 60 * time.Second
)

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
	// Shard, when it splits the scan (Count > 1), analyzes only this
	// shard's files and leaves project-level analyzers to Merge.
	Shard Shard
	// Remote configures access to object stores (s3://, gs://, azblob://).
	Remote objstore.Options
	// Progress, when set, is called after each file with the files done and in all,
	// and with done = -1 while a bucket is listed, with the objects found so far.
	Progress func(done, found int)
	// open replaces os.Open in tests that need a file to fail.
	open func(name string) (*os.File, error)
}

// fileResult is what one worker learns about one file.
type fileResult struct {
	findings []finding.Finding
	assets   []finding.Asset
	edges    []finding.Edge
	skip     *source.Skip
	fail     *source.Skip
	unread   *source.Skip // not analyzed, without failing the scan unless --strict
	warn     *source.Skip
	analyzed bool
	ignored  int
}

// Run performs the scan in two phases: the walk builds the project index
// (every file found, each accounted for), then the analyzers run over the
// index in parallel, and last the project-level analyzers run once over the
// index and the per-file results. It returns an error only when the scan
// cannot start (a path does not exist); problems with single files are
// recorded in the result.
func Run(ctx context.Context, opts Options) (*result.Result, error) {
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.NumCPU()
	}
	if opts.MaxTextSize <= 0 {
		opts.MaxTextSize = DefaultMaxTextSize
	}
	if opts.FileTimeout <= 0 {
		opts.FileTimeout = DefaultFileTimeout
	}
	if err := checkPaths(opts.Paths, "cannot scan"); err != nil {
		return nil, err
	}
	start := time.Now()
	opts.Analyzers = analysis.Expand(opts.Analyzers)
	byKind := map[source.Kind][]*analysis.Analyzer{}
	for _, a := range opts.Analyzers {
		if a.Run == nil {
			continue
		}
		for _, k := range a.Kinds {
			byKind[k] = append(byKind[k], a)
		}
	}
	// An analyzer's requirements run on every kind it reads, before it.
	for k, as := range byKind {
		byKind[k] = analysis.Expand(as)
	}

	res := &result.Result{Paths: opts.Paths}
	entries, err := walk(ctx, opts, func(sk source.Skip) { res.Skipped = append(res.Skipped, sk) },
		func(sk source.Skip) { res.Failed = append(res.Failed, sk) })
	if err != nil {
		return nil, err
	}
	ix := index.New(entries, opts.MaxTextSize, opts.open)
	s := &scanner{opts: opts, byKind: byKind, index: ix}
	res.Skipped, res.Failed = ownedSkips(opts.Shard, res.Skipped), ownedSkips(opts.Shard, res.Failed)
	mine := ix.Files()
	if opts.Shard.Sharded() {
		mine = nil
		for _, f := range ix.Files() {
			if opts.Shard.owns(f.Path) {
				mine = append(mine, f)
			}
		}
	}

	files := make(chan *index.File, 256)
	results := make(chan fileResult, 256)
	go func() {
		defer close(files)
		for _, f := range mine {
			files <- f
		}
	}()
	var wg sync.WaitGroup
	for range opts.Jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range files {
				results <- s.file(ctx, f)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	done := 0
	for fr := range results {
		done++
		s.add(res, fr)
		if opts.Progress != nil {
			opts.Progress(done, len(mine))
		}
	}
	if !opts.Shard.Sharded() {
		s.project(ctx, res)
	}
	res.Findings = foldAcross(res.Findings)
	res.Finish()
	res.Duration = time.Since(start)
	return res, nil
}

// checkPaths fails early on a local path that does not exist; a remote
// location is checked by listing it.
func checkPaths(paths []string, what string) error {
	for _, p := range paths {
		if objstore.IsURI(p) {
			if _, err := objstore.Parse(p); err != nil {
				return err
			}
			continue
		}
		if _, err := os.Lstat(p); err != nil {
			return fmt.Errorf("%s %s: %w", what, p, errors.Unwrap(err))
		}
	}
	return nil
}

// walk finds the files of every scanned path, local or in an object store.
// skip receives what was passed over; fail what should have been read and
// could not be.
func walk(ctx context.Context, opts Options, skip, fail func(source.Skip)) ([]source.Entry, error) {
	var entries []source.Entry
	add := func(e source.Entry) { entries = append(entries, e) }
	w := &source.Walker{Excludes: opts.Excludes, NoGitignore: opts.NoGitignore, Fail: fail}
	for _, p := range opts.Paths {
		if !objstore.IsURI(p) {
			if err := w.Walk(p, add, skip); err != nil {
				return nil, err
			}
			continue
		}
		loc, err := objstore.Parse(p)
		if err != nil {
			return nil, err
		}
		st, err := objstore.Open(ctx, loc, opts.Remote)
		if err != nil {
			return nil, err
		}
		listed := 0
		addObject := func(e source.Entry) {
			add(e)
			if listed++; opts.Progress != nil && listed%1000 == 0 {
				opts.Progress(-1, listed)
			}
		}
		if err := st.Walk(ctx, opts.Excludes, addObject, skip); err != nil {
			return nil, fmt.Errorf("cannot scan %s: %w", p, err)
		}
	}
	return entries, nil
}

// add folds one file's result into the scan's.
func (s *scanner) add(res *result.Result, fr fileResult) {
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
	}{{fr.skip, &res.Skipped}, {fr.fail, &res.Failed}, {fr.unread, &res.NotAnalyzed}, {fr.warn, &res.Warnings}} {
		if p.s != nil {
			// Parse errors can quote the file; reasons are output too.
			p.s.Reason = redact.String(p.s.Reason)
			*p.dst = append(*p.dst, *p.s)
		}
	}
}

// project runs the project-level analyzers once, after every file, with
// the same panic isolation as per-file analysis. A failure is recorded
// against the first scanned path: the verdict is incomplete.
func (s *scanner) project(ctx context.Context, res *result.Result) {
	for _, a := range s.opts.Analyzers {
		if a.Project == nil {
			continue
		}
		col := &collector{}
		sinks := col.sinks()
		sinks.Unread = func(sk source.Skip) { col.add(func() { col.skips = append(col.skips, sk) }) }
		pp := analysis.NewProjectPass(ctx, a, s.index, sinks)
		pp.Findings, pp.Assets, pp.Edges, pp.Settings = res.Findings, res.Assets, res.Edges, s.opts.Settings
		problem := func() (msg string) {
			defer func() {
				if r := recover(); r != nil {
					msg = fmt.Sprintf("internal error: the %s project analyzer panicked: %v", a.Name, r)
				}
			}()
			if err := a.Project(pp); err != nil {
				return err.Error()
			}
			return ""
		}()
		fs, as, es, undeclared := col.close()
		if problem == "" {
			problem = undeclared
		}
		root := ""
		if len(s.opts.Paths) > 0 {
			root = displayRoot(s.opts.Paths[0])
		}
		for i := range fs {
			if fs[i].Location.Path == "" {
				fs[i].Location.Path = root
			}
		}
		fr := fileResult{assets: as, edges: es}
		fr.findings = s.postprocess(fs, source.Entry{Path: root, Rel: "."}, nil, &fr)
		if problem != "" {
			fr.fail = &source.Skip{Path: root, Reason: problem}
		}
		s.add(res, fr)
		for _, sk := range col.skips {
			sk := sk
			s.add(res, fileResult{unread: &sk})
		}
	}
}

// displayRoot is a scanned path as reports show it.
func displayRoot(p string) string {
	if objstore.IsURI(p) {
		return p
	}
	return filepath.ToSlash(filepath.Clean(p))
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
		tail := "\x00" + rel + "\x00" + f.Location.Member + "\x00" + strings.Join(strings.Fields(ev), " ")
		key := f.RuleID + tail
		n := seen[key]
		seen[key] = n + 1
		f.Fingerprint = hash(key, n)
		f.FormerFingerprints = nil
		for _, old := range rules.Former(f.RuleID) {
			f.FormerFingerprints = append(f.FormerFingerprints, hash(old+tail, n))
		}
	}
}

func hash(key string, n int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d", key, n))
	return hex.EncodeToString(sum[:16])
}

type scanner struct {
	opts   Options
	byKind map[source.Kind][]*analysis.Analyzer
	index  *index.Index
}

// file analyzes one file. It never panics: an analyzer that panics on a
// hostile input fails that file, and the scan goes on.
func (s *scanner) file(ctx context.Context, f *index.File) fileResult {
	e := f.Entry
	kind, content, err := s.index.Kind(f)
	if err != nil {
		return fileResult{fail: &source.Skip{Path: e.Path, Reason: "could not read: " + err.Error()}}
	}
	return s.analyze(ctx, f, e, kind, content)
}

func (s *scanner) analyze(ctx context.Context, f *index.File, e source.Entry, kind source.Kind, content []byte) fileResult {
	if kind == source.LFSPointer {
		return fileResult{unread: &source.Skip{Path: e.Path, Reason: "Git LFS pointer: the content (model weights) is not in this checkout; run 'git lfs pull' and scan again"}}
	}
	analyzers := s.byKind[kind]
	if len(analyzers) == 0 {
		return fileResult{skip: &source.Skip{Path: e.Path, Reason: noAnalyzerReason(kind)}}
	}
	var fr fileResult
	var fh source.Handle
	if analyzers[0].Binary {
		h, err := s.index.Open(f)
		if err != nil {
			return fileResult{fail: &source.Skip{Path: e.Path, Reason: "could not read: " + index.Unwrap(err)}}
		}
		fh = h
		defer fh.Close()
	} else {
		if e.Size > s.opts.MaxTextSize {
			return fileResult{fail: &source.Skip{Path: e.Path, Reason: fmt.Sprintf("%s file of %s is over the %s size limit for text files (--max-file-size)", kind, index.HumanSize(e.Size), index.HumanSize(s.opts.MaxTextSize))}}
		}
		if content == nil {
			var err error
			if content, err = s.index.Read(f); err != nil {
				return fileResult{fail: &source.Skip{Path: e.Path, Reason: "could not read: " + err.Error()}}
			}
		}
		if looksBinary(content) {
			// A pickle renamed to .py is still a pickle to torch.load.
			if k := source.Refine(source.Unknown, content[:min(len(content), index.HeadLen)]); k == source.Model && len(s.byKind[source.Model]) > 0 {
				return s.analyze(ctx, f, e, source.Model, nil)
			}
			return fileResult{skip: &source.Skip{Path: e.Path, Reason: fmt.Sprintf("binary content (NUL bytes) where a %s file was expected; not analyzed", kind)}}
		}
		if !utf8.Valid(content) {
			fr.warn = &source.Skip{Path: e.Path, Reason: fmt.Sprintf("invalid UTF-8 at byte %d; analyzed leniently", invalidAt(content))}
		}
	}

	col := &collector{}
	out := s.runLimited(ctx, analyzers, f, kind, content, fh, col)
	var undeclared string
	fr.findings, fr.assets, fr.edges, undeclared = col.close()
	if out.fail == "" {
		out.fail = undeclared
	}
	// A read that failed mid-parse (an object store that stopped
	// answering) may have looked like the end of the file to the parser:
	// whatever it concluded, the file was not read whole.
	if rf, ok := fh.(source.ReadFailure); ok && rf.Err() != nil {
		out.fail = "could not read: " + rf.Err().Error()
	}
	switch {
	case out.fail != "":
		fr.fail = &source.Skip{Path: e.Path, Reason: out.fail}
	case out.unparsed != "":
		fr.unread = &source.Skip{Path: e.Path, Reason: "could not be parsed: " + out.unparsed}
	case col.unread != "":
		fr.unread = &source.Skip{Path: e.Path, Reason: col.unread}
	default:
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
	mu         sync.Mutex
	closed     bool
	findings   []finding.Finding
	assets     []finding.Asset
	edges      []finding.Edge
	undeclared string
	unread     string        // the first NotAnalyzed reason
	skips      []source.Skip // files a project analyzer could not check
}

func (c *collector) sinks() analysis.Sinks {
	return analysis.Sinks{
		NotAnalyzed: func(reason string) {
			c.add(func() {
				if c.unread == "" {
					c.unread = reason
				}
			})
		},
		Finding: func(f finding.Finding) { c.add(func() { c.findings = append(c.findings, f) }) },
		Asset:   func(a finding.Asset) { c.add(func() { c.assets = append(c.assets, a) }) },
		Edge:    func(e finding.Edge) { c.add(func() { c.edges = append(c.edges, e) }) },
		Undeclared: func(a *analysis.Analyzer, id string) {
			c.add(func() {
				if c.undeclared == "" {
					c.undeclared = fmt.Sprintf("internal error: the %s analyzer reported rule %s, which it does not declare; the finding was dropped", a.Name, id)
				}
			})
		},
	}
}

func (c *collector) add(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		f()
	}
}

// close stops collecting and returns what was collected, and a description
// of the first report of an undeclared rule, or "".
func (c *collector) close() ([]finding.Finding, []finding.Asset, []finding.Edge, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return c.findings, c.assets, c.edges, c.undeclared
}

// nested runs the text analyzers for an archive member's kind on its
// content, with their findings located at the member inside the archive: a
// .py file in a Lambda deployment zip is Python, never a protocol-0 pickle.
// Members are analyzed where the archive is, with its time limit; nested
// archives inside them are the binary analyzer's business, so nothing
// recurses here.
func (s *scanner) nested(ctx context.Context, f *index.File, col *collector, member string, content []byte) {
	kind, needs := source.ClassifyName(member)
	if needs {
		kind = source.Refine(kind, content[:min(len(content), index.HeadLen)])
	}
	as := s.byKind[kind]
	if len(as) == 0 || as[0].Binary || looksBinary(content) || int64(len(content)) > s.opts.MaxTextSize {
		return
	}
	inner := col.sinks()
	place := func(l finding.Location) finding.Location {
		if l.Path == f.Path {
			l.Member = path.Join(member, l.Member)
		}
		return l
	}
	sinks := inner
	sinks.Nested = nil
	sinks.NotAnalyzed = nil
	sinks.Finding = func(fd finding.Finding) {
		fd.Location = place(fd.Location)
		for i := range fd.Related {
			fd.Related[i].Location = place(fd.Related[i].Location)
		}
		inner.Finding(fd)
	}
	sinks.Asset = func(a finding.Asset) {
		for i := range a.Locations {
			a.Locations[i] = place(a.Locations[i])
		}
		inner.Asset(a)
	}
	s.runAnalyzers(ctx, as, f.Entry, nil, kind, content, nil, sinks)
}

// outcome is how a file's analysis ended, beyond its findings.
type outcome struct {
	// fail says why the file could not be fully analyzed: a panic, the
	// time limit, a bound on hostile input (package bounds), a model or
	// archive an analyzer could not read. The scan is incomplete.
	fail string
	// unparsed is the parse error of a text file (YAML, TOML, JSON, a
	// notebook, a Dockerfile…). Invalid manifests are common test fixtures,
	// so it is reported as not analyzed without failing the scan unless
	// --strict; binary inputs never take this path, since an unreadable
	// model file may be a hostile one.
	unparsed string
}

// runLimited runs the analyzers under the per-file time limit. Analyzers
// check the context in their long loops; one that does not is abandoned
// shortly after the limit.
func (s *scanner) runLimited(ctx context.Context, as []*analysis.Analyzer, f *index.File, kind source.Kind, content []byte, fh source.Handle, col *collector) outcome {
	fctx, cancel := context.WithTimeout(ctx, s.opts.FileTimeout)
	defer cancel()
	done := make(chan outcome, 1)
	sinks := col.sinks()
	sinks.Nested = func(member string, content []byte) { s.nested(fctx, f, col, member, content) }
	go func() { done <- s.runAnalyzers(fctx, as, f.Entry, f, kind, content, fh, sinks) }()
	select {
	case out := <-done:
		if fctx.Err() == nil || ctx.Err() != nil {
			return out
		}
	case <-fctx.Done():
		if ctx.Err() != nil {
			return outcome{fail: "scan cancelled"}
		}
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
	}
	return outcome{fail: fmt.Sprintf("analysis exceeded the %s time limit per file (--file-timeout); findings so far are kept", s.opts.FileTimeout)}
}

// runAnalyzers runs each analyzer on the file and returns the first failure
// and the first parse error.
func (s *scanner) runAnalyzers(ctx context.Context, as []*analysis.Analyzer, e source.Entry, f *index.File, kind source.Kind, content []byte, fh source.Handle, sinks analysis.Sinks) (out outcome) {
	results := map[*analysis.Analyzer]any{}
	failed := map[*analysis.Analyzer]bool{}
	for _, a := range as {
		if slices.ContainsFunc(a.Requires, func(r *analysis.Analyzer) bool { return failed[r] }) {
			failed[a] = true // its input is missing; the requirement's failure is reported
			continue
		}
		var parseErr string
		msg := func() (msg string) {
			defer func() {
				if r := recover(); r != nil {
					msg = fmt.Sprintf("internal error: the %s analyzer panicked: %v", a.Name, r)
				}
			}()
			p := analysis.NewPass(ctx, a, e, kind, s.index, f, sinks)
			p.Settings = s.opts.Settings
			if len(a.Requires) > 0 {
				p.ResultOf = map[*analysis.Analyzer]any{}
				for _, r := range a.Requires {
					p.ResultOf[r] = results[r]
				}
			}
			defer func() { results[a] = p.Result() }()
			if a.Binary {
				p.Reader = fh
			} else {
				p.Content = content
			}
			if err := a.Run(p); err != nil {
				if a.Binary || ctx.Err() != nil || bounds.Is(err) {
					return err.Error()
				}
				parseErr = err.Error()
			}
			return ""
		}()
		if msg != "" || parseErr != "" {
			failed[a] = true
		}
		if msg != "" && out.fail == "" {
			out.fail = msg
		}
		if parseErr != "" && out.unparsed == "" {
			out.unparsed = parseErr
		}
		if ctx.Err() != nil {
			break
		}
	}
	return out
}

// postprocess applies rule selection, severity overrides, redaction and
// inline ignores to one file's findings.
func (s *scanner) postprocess(fs []finding.Finding, e source.Entry, content []byte, fr *fileResult) []finding.Finding {
	ignores := parseIgnores(content)
	kept := fs[:0]
	for _, f := range fs {
		if s.opts.Enabled != nil && !s.opts.Enabled(f.RuleID) {
			continue
		}
		if sev, ok := s.opts.Severity[f.RuleID]; ok && sev != f.Severity {
			f.Severity, f.SeverityReason = sev, "set by rules.severity in the configuration"
		}
		f.Message = redact.String(f.Message)
		f.Evidence = redact.String(f.Evidence)
		if f.Related != nil {
			rel := make([]finding.Related, len(f.Related))
			for i, r := range f.Related {
				r.Message = redact.String(r.Message)
				rel[i] = r
			}
			f.Related = rel
		}
		f.SeverityReason = redact.String(f.SeverityReason)
		kept = append(kept, f)
	}
	kept = merge(kept)
	kept = foldSecrets(kept) // one leaked key, one finding (see secrets.go)
	// Fingerprints are taken before inline suppression, so that suppressing
	// one of two identical findings does not shift the other's fingerprint
	// onto a stale baseline entry that would then hide it.
	result.SortFindings(kept)
	fingerprint(kept, e.Rel)
	out := kept[:0]
	for _, f := range kept {
		suppressed := false
		if f.Location.Member == "" {
			for _, ig := range ignores {
				if ig.covers(f.RuleID, f.Location) {
					suppressed = true
				}
			}
		}
		if suppressed {
			fr.ignored++
			continue
		}
		out = append(out, f)
	}
	for _, ig := range ignores {
		for _, sel := range ig.rules {
			if d := rules.Deprecated(sel); d != "" && fr.warn == nil {
				fr.warn = &source.Skip{Path: e.Path, Reason: fmt.Sprintf("line %d: inline ignore uses a former rule ID: %s", ig.line, d)}
			}
		}
	}
	if s.opts.Enabled == nil || s.opts.Enabled(rules.UnusedIgnore.ID) {
		var unused []finding.Finding
		for _, ig := range ignores {
			for _, sel := range ig.unused() {
				unused = append(unused, analysis.Build(analysis.Diagnostic{
					Rule:     rules.UnusedIgnore,
					Location: finding.Location{Path: e.Path, Line: ig.line},
					Message:  fmt.Sprintf("inline ignore for %s matches no finding on this line or the next", sel),
					Evidence: "mlsec: ignore[" + sel + "]",
				}, e.Path))
			}
		}
		result.SortFindings(unused)
		fingerprint(unused, e.Rel)
		out = append(out, unused...)
	}
	result.SortFindings(out)
	return out
}

// merge folds findings of one rule at one place (same line and column, or
// same archive member and offset) into one: two checks that reach the same
// conclusion about the same node, such as a pip index that is both plain
// HTTP and trusted-host, are one finding with two reasons. The most severe occurrence wins; the other messages
// are kept as related information at the same place, and assets are
// united. fs is sorted on return.
func merge(fs []finding.Finding) []finding.Finding {
	result.SortFindings(fs)
	type place struct {
		rule string
		loc  finding.Location
	}
	at := map[place]int{}
	out := fs[:0]
	for _, f := range fs {
		k := place{f.RuleID, f.Location}
		i, dup := at[k]
		if !dup || f.Location.Line == 0 && !f.Location.HasOff {
			at[k] = len(out)
			out = append(out, f)
			continue
		}
		m := &out[i] // sorted most severe first, so m is the one that stays
		if f.Message != m.Message {
			m.Related = append(m.Related, finding.Related{Location: f.Location, Message: f.Message})
		}
		m.Related = append(m.Related, f.Related...)
		for _, a := range f.Assets {
			if !slices.Contains(m.Assets, a) {
				m.Assets = append(m.Assets, a)
			}
		}
		m.Inconclusive = m.Inconclusive || f.Inconclusive
	}
	return out
}

// maxFolded bounds the related places one folded finding lists.
const maxFolded = 20

// foldAcross folds the findings of OnePerEvidence rules that share their
// evidence across the whole scan into the most severe, first in path
// order; the others become related places (the first maxFolded of them)
// and the message says how many there are. Fingerprints are per file and
// stay those of the finding that is kept.
func foldAcross(fs []finding.Finding) []finding.Finding {
	type subject struct{ rule, evidence string }
	groups := map[subject][]int{}
	for i, f := range fs {
		if f.Rule != nil && f.Rule.OnePerEvidence && f.Evidence != "" {
			k := subject{f.RuleID, f.Evidence}
			groups[k] = append(groups[k], i)
		}
	}
	drop := map[int]bool{}
	for _, idx := range groups {
		if len(idx) < 2 {
			continue
		}
		sort.Slice(idx, func(a, b int) bool { return result.Less(fs[idx[a]], fs[idx[b]]) })
		keep := &fs[idx[0]]
		for n, i := range idx[1:] {
			drop[i] = true
			if n < maxFolded {
				keep.Related = append(keep.Related, finding.Related{Location: fs[i].Location, Message: "also here: " + fs[i].Message})
			}
			for _, a := range fs[i].Assets {
				if !slices.Contains(keep.Assets, a) {
					keep.Assets = append(keep.Assets, a)
				}
			}
		}
		keep.Message += fmt.Sprintf(" (in %d places in this scan", len(idx))
		if len(idx)-1 > maxFolded {
			keep.Message += fmt.Sprintf("; the first %d others are listed", maxFolded)
		}
		keep.Message += ")"
	}
	if len(drop) == 0 {
		return fs
	}
	out := fs[:0]
	for i, f := range fs {
		if !drop[i] {
			out = append(out, f)
		}
	}
	return out
}

// looksBinary says a text file is not text: NUL bytes in its first 8 KiB,
// the test git and grep use.
func looksBinary(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), index.HeadLen)], 0) >= 0
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
