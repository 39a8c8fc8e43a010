package model

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/archive"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/format"
	"github.com/mlsec/mlsec/internal/npy"
	"github.com/mlsec/mlsec/internal/pickle"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

// Limits on the work one file may cause.
const (
	maxDepth     = 3        // containers nested inside the file
	bombRatio    = 100      // uncompressed:compressed ratio that marks a bomb…
	bombMinSize  = 1 << 20  // …once a member has inflated past this
	totalInflate = 4 << 30  // uncompressed bytes one file may produce in all
	memSpool     = 16 << 20 // nested random-access archives up to this are held in memory
	maxSpool     = 1 << 30  // …and up to this in a temporary file
	maxMembers   = 100_000  // tar and 7z members read per container
	sniffLen     = 512
	readBuf      = 64 << 10
)

// legacyTorchPickles is how many stacked pickles torch.load reads from a
// legacy file (magic, protocol, sys info, the object, storage keys); raw
// storage bytes follow and are never unpickled.
const legacyTorchPickles = 5

func newBudget() *archive.Budget { return &archive.Budget{Remaining: totalInflate} }

// scanner walks one file and everything nested in it.
type scanner struct {
	pass     *analysis.Pass
	policy   *pickle.Policy
	budget   *archive.Budget
	assetID  string // the model file's asset, carried by every finding
	folds    folds
	format   string // the top-level format, for the asset
	globals  []string
	pickles  int
	members  int
	limits   map[*archive.LimitError]bool // limit errors already reported
	joblib   bool
	encrypts int
}

// input is one stream to scan: the file itself or a member of a container.
type input struct {
	r      io.Reader
	at     io.ReaderAt // random access to the same bytes, nil when only streaming is possible
	size   int64       // -1 when unknown
	member string      // member path inside the file, nested containers joined with "!"
	depth  int         // containers entered so far
}

func (s *scanner) ctx() context.Context {
	if s.pass.Context == nil {
		return context.Background()
	}
	return s.pass.Context
}

func (s *scanner) scanFile() {
	r := io.NewSectionReader(s.pass.Reader, 0, s.pass.Size)
	s.scan(input{r: r, at: s.pass.Reader, size: s.pass.Size})
	s.folds.report(s.pass)
	if s.format == "" {
		s.format = "unknown"
	}
}

// at is a place in the file: a member, and an offset when known.
func (s *scanner) at(member string) finding.Location {
	return finding.Location{Path: s.pass.File.Path, Member: member}
}

func (s *scanner) setFormat(in input, f string) {
	if in.member == "" && s.format == "" {
		s.format = f
	}
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "!" + name
}

// watch notes a decompression limit hit anywhere below it, so a pickle that
// breaks off there is reported as a limit, not as a malformed stream.
type watch struct {
	r   io.Reader
	lim *archive.LimitError
}

func (w *watch) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if err != nil && w.lim == nil {
		errors.As(err, &w.lim)
	}
	return n, err
}

// scan sniffs in by content and dispatches to the right reader.
func (s *scanner) scan(in input) {
	if s.ctx().Err() != nil {
		return
	}
	w := &watch{r: in.r}
	br := bufio.NewReaderSize(w, readBuf)
	in.r = br
	head, _ := br.Peek(sniffLen)
	defer func() {
		if w.lim != nil {
			s.limit(in.member, w.lim)
		}
	}()
	f := format.Sniff(head)
	if f.IsContainer() {
		s.setFormat(in, f.String())
		if in.depth >= maxDepth {
			s.inconclusive(in.member, fmt.Sprintf("%s archive nested more than %d levels deep was not scanned", f, maxDepth))
			return
		}
		s.container(f, in)
		return
	}
	if in.at != nil && in.size > 0 {
		// A zip appended to other data (a pickle, typically) is still a zip
		// to torch.load; the data in front is what pickle.load runs.
		if z, ok := archive.FindZip(in.at, in.size); ok && z.Prefix > 0 {
			s.setFormat(in, "polyglot-zip")
			if in.depth >= maxDepth {
				s.inconclusive(in.member, fmt.Sprintf("zip archive nested more than %d levels deep was not scanned", maxDepth))
				return
			}
			s.scanZipDir(z, in.at, in.member, in.depth+1)
			return
		}
	}
	if in.member != "" && (f == format.Unknown || f == format.PickleNoProto) && s.nestedText(in, br) {
		return
	}
	switch f {
	case format.NPY:
		s.setFormat(in, "numpy")
		s.scanNPY(in, w)
	case format.TorchLegacy, format.Pickle, format.PickleNoProto:
		legacy := f == format.TorchLegacy
		if legacy {
			s.setFormat(in, "pytorch-legacy")
		} else {
			s.setFormat(in, "pickle")
		}
		s.scanPickle(in.r, w, in.member, 0, legacy, f != format.PickleNoProto)
	case format.Safetensors:
		if format.SafetensorsFits(head, in.size) {
			s.setFormat(in, "safetensors")
		}
	case format.GGUF:
		s.setFormat(in, "gguf")
	case format.HDF5:
		s.setFormat(in, "hdf5")
	case format.Unknown:
		if in.member == "" {
			// Named like a model, but nothing a loader would read: say so
			// rather than pass it as analyzed and clean.
			s.pass.NotAnalyzed(fmt.Sprintf("content matches no known model or archive format (first bytes %q)", printable(head, 16)))
			return
		}
		s.secondStage(in, br)
	}
}

// maxStageMember bounds an archive member read to be checked as a second
// stage (a pickle or code object encoded as base64, hex or compressed data).
const maxStageMember = 1 << 20

// secondStage checks a member of no known format for a payload carried as
// data: one that is, or decodes to, a pickle or a marshalled code object.
func (s *scanner) secondStage(in input, br *bufio.Reader) {
	if in.size > maxStageMember {
		return
	}
	if head, _ := br.Peek(sniffLen); !pickle.MayHoldStage(head) {
		return // raw tensor data and the like: not read further
	}
	data, err := io.ReadAll(io.LimitReader(br, maxStageMember+1))
	if err != nil || len(data) > maxStageMember {
		return
	}
	if is, ok := pickle.SecondStage(s.ctx(), data, pickle.Options{Policy: s.policy}); ok {
		s.reportIssue(in.member, 0, is)
	}
}

// maxNestedText bounds a text member read into memory to be analyzed as
// the file its name says it is.
const maxNestedText = 4 << 20

// nestedText hands an archive member whose name says it is text (a .py in
// a Lambda deployment zip, a manifest in a tarball) to the analyzers for
// that kind, instead of sniffing it as a protocol-0 pickle, which any text
// can look like. It reports whether it did.
func (s *scanner) nestedText(in input, br *bufio.Reader) bool {
	k, _ := source.ClassifyName(in.member)
	switch k {
	case source.Unknown, source.Model, source.Archive:
		return false
	}
	content, err := io.ReadAll(io.LimitReader(br, maxNestedText+1))
	if err != nil {
		return false
	}
	if len(content) > maxNestedText {
		s.inconclusive(in.member, fmt.Sprintf("%s member over %d MiB was not analyzed", k, maxNestedText>>20))
		return true
	}
	s.pass.Nested(in.member, content)
	return true
}

// printable shows at most n bytes of b with non-printing bytes escaped.
func printable(b []byte, n int) string {
	return string(b[:min(len(b), n)])
}

func (s *scanner) scanNPY(in input, w *watch) {
	br, ok := in.r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(in.r, readBuf)
	}
	h, err := npy.ReadHeader(br)
	if h == nil {
		// numpy.load refuses such a file before reading any pickle.
		return
	}
	if err != nil {
		s.inconclusiveLow(in.member, "the data after the header was still checked for a pickle",
			"NumPy header not understood ("+err.Error()+"); numpy.load may still read it, so the data was checked for a pickle")
	}
	switch {
	case h.HasObject:
		s.scanPickle(br, w, in.member, h.DataOffset, false, true)
	case h.MaybeObject:
		// An unclassified dtype: scan the data only if it reads as a pickle,
		// so raw numbers do not turn into malformed-pickle noise.
		if head, _ := br.Peek(sniffLen); format.Pickle.Match(head) || format.PickleNoProto.Match(head) {
			s.scanPickle(br, w, in.member, h.DataOffset, false, format.Pickle.Match(head))
		}
	}
}

// scanPickle streams r through the pickle machine and reports its issues at
// offsets shifted by base.
//
// proto says the stream starts with a PROTO opcode. Without one the content
// was only guessed to be a protocol 0/1 pickle; when not even one pickle
// parses and nothing but the parse error came out, it was text or data,
// not a pickle, and nothing is reported.
func (s *scanner) scanPickle(r io.Reader, w *watch, member string, base int64, legacy, proto bool) {
	opts := pickle.Options{Policy: s.policy}
	if legacy {
		opts.MaxPickles = legacyTorchPickles
	}
	res := pickle.Scan(s.ctx(), r, opts)
	if !proto && res.Pickles == 0 && onlyMalformed(res.Issues) {
		return
	}
	s.pickles += res.Pickles
	for _, g := range res.Globals {
		if g == "joblib.numpy_pickle.NumpyArrayWrapper" || g == "joblib.numpy_pickle.NDArrayWrapper" {
			s.joblib = true
		}
		if len(s.globals) < 200 {
			s.globals = append(s.globals, g)
		}
	}
	var unknown []pickle.Issue
	for _, is := range res.Issues {
		if w != nil && w.lim != nil && (is.Class == pickle.ClassMalformed || is.Class == pickle.ClassLimit) {
			continue // the stream was cut by a decompression limit, reported as such
		}
		if is.Class == pickle.ClassUnknownGlobal {
			unknown = append(unknown, is)
			continue
		}
		s.reportIssue(member, base, is)
	}
	s.reportUnknown(member, base, unknown)
}

// maxNamed is how many unknown globals one finding names before "+N more".
const maxNamed = 6

// reportUnknown reports the globals outside the allowlists as one finding
// per pickle and severity level: a whole-model checkpoint names dozens of
// layer classes, and one finding listing them reads better than dozens
// saying the same thing. The pickle machine rates each by the shape of its
// use (a custom class rebuilt the way pickle rebuilds objects is low, a
// callable given strings or bytes is high), so the classes of the model's
// own code do not drown the one callable that matters. Each finding sits at
// the first global of its level.
func (s *scanner) reportUnknown(member string, base int64, issues []pickle.Issue) {
	var levels []rule.Severity
	by := map[rule.Severity][]pickle.Issue{}
	for _, is := range issues {
		sev := atLeast(is.Severity, rule.Low)
		if by[sev] == nil {
			levels = append(levels, sev)
		}
		by[sev] = append(by[sev], is)
	}
	for _, sev := range levels {
		group := by[sev]
		if len(group) == 1 {
			s.reportIssue(member, base, group[0])
			continue
		}
		first := group[0]
		names := make([]string, 0, maxNamed)
		for i, is := range group {
			if i < maxNamed {
				names = append(names, qualified(is))
			}
		}
		list := strings.Join(names, ", ")
		if extra := len(group) - len(names); extra > 0 {
			list += fmt.Sprintf(" (+%d more)", extra)
		}
		first.Evidence = list
		switch sev {
		case rule.Low:
			first.Message = fmt.Sprintf("loading the pickle rebuilds instances of %d classes that are not on the allowlist of any expected framework, the first %s; if they are part of your own code, add them to model.allow in .mlsec.yaml", len(group), qualified(first))
		case rule.High:
			first.Message = fmt.Sprintf("loading the pickle imports %d callables that are not on the allowlist of any expected framework and are called with strings, bytes or the results of other calls, or cannot be resolved exactly; the first %s: %s", len(group), qualified(first), first.Message)
		default:
			first.Message = fmt.Sprintf("loading the pickle imports %d callables that are not on the allowlist of any expected framework, the first %s", len(group), qualified(first))
		}
		s.reportIssue(member, base, first)
	}
}

func qualified(is pickle.Issue) string {
	if is.Module == "" {
		return is.Name
	}
	return is.Module + "." + is.Name
}

func (s *scanner) reportIssue(member string, base int64, is pickle.Issue) {
	loc := s.at(member)
	loc.Offset, loc.HasOff = base+is.Offset, true
	d := analysis.Diagnostic{Location: loc, Message: is.Message, Evidence: is.Evidence, Assets: []string{s.assetID}}
	sev := is.Severity
	switch is.Class {
	case pickle.ClassDangerousGlobal:
		d.Rule, sev = rules.PickleDangerousCall, atLeast(sev, rule.High)
		d.SeverityReason = fmt.Sprintf("%s is rated %s on the list of dangerous callables", qualified(is), sev)
		if is.Sink != "" {
			// Derived from the library's source: the category sets the severity.
			d.SeverityReason = fmt.Sprintf("%s reaches a %s sink in its library's source, rated %s", qualified(is), is.Sink, sev)
		}
	case pickle.ClassCallOnCall, pickle.ClassStateOnClass, pickle.ClassDynamicType, pickle.ClassDunderAccess:
		d.Rule, sev = rules.PickleGadget, atLeast(sev, rule.High)
		d.SeverityReason = fmt.Sprintf("the pickle scanner rates this construct %s", sev)
	case pickle.ClassSecondStage:
		d.Rule, d.SeverityReason = rules.PickleSecondStage, is.SeverityReason
	case pickle.ClassMalformed, pickle.ClassLimit:
		// High when the break is a deliberate desync (STOP inside a frame).
		d.Rule, sev, d.Inconclusive = rules.PickleMalformed, atLeast(sev, rules.PickleMalformed.Severity), true
		d.SeverityReason = "the break is a deliberate desync that shows scanners one stream and the loader another, not damage"
		d.Message = is.Message + "; findings before the break are kept, and the file is NOT clean: the loader runs everything up to the break"
	default:
		d.Rule, sev = rules.PickleUnknownGlobal, atLeast(sev, rule.Low)
		d.SeverityReason = is.SeverityReason
		if d.SeverityReason == "" {
			d.SeverityReason = fmt.Sprintf("the pickle policy rates what it imports %s", sev)
		}
	}
	// The reason only counts when the severity differs from the rule's.
	d.Severity = sev
	if d.Message == "" {
		d.Message = fmt.Sprintf("pickle imports %s.%s", is.Module, is.Name)
	}
	s.pass.Report(d)
}

func atLeast(s, floor rule.Severity) rule.Severity { return max(s, floor) }

// inconclusive reports a part of the file that could not be checked, at
// the rule's severity: a pickle a loader runs may hide in it.
func (s *scanner) inconclusive(member, msg string) {
	s.folds.add(analysis.Diagnostic{Rule: rules.ScanLimit, Location: s.at(member), Message: msg, Inconclusive: true, Assets: []string{s.assetID}})
}

// inconclusiveLow reports, at low severity, a part of the file that could
// not be checked but is unlikely to hide what a loader runs; why says so.
func (s *scanner) inconclusiveLow(member, why, msg string) {
	s.folds.add(analysis.Diagnostic{Rule: rules.ScanLimit, Location: s.at(member), Message: msg, Inconclusive: true, Assets: []string{s.assetID},
		Severity: rule.Low, SeverityReason: why})
}

func (s *scanner) limit(member string, e *archive.LimitError) {
	if s.limits == nil {
		s.limits = map[*archive.LimitError]bool{}
	}
	if s.limits[e] {
		return
	}
	s.limits[e] = true
	s.inconclusive(member, "stopped reading: "+e.Reason+"; the rest of this member was not scanned")
}

func (s *scanner) anomaly(member, msg string) {
	s.folds.add(analysis.Diagnostic{Rule: rules.ArchiveAnomaly, Location: s.at(member), Message: msg, Assets: []string{s.assetID}})
}

func (s *scanner) attrs() map[string]string {
	a := map[string]string{"format": s.format}
	if s.joblib && s.format == "pickle" {
		a["format"] = "joblib"
	}
	if s.pickles > 0 {
		a["pickles"] = fmt.Sprint(s.pickles)
	}
	if s.members > 0 {
		a["members"] = fmt.Sprint(s.members)
	}
	return a
}

func onlyMalformed(is []pickle.Issue) bool {
	for _, i := range is {
		if i.Class != pickle.ClassMalformed {
			return false
		}
	}
	return true
}
