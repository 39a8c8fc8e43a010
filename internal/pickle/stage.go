package pickle

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Second stages: payloads carried as data.
//
// A pickle can hold a further payload as a plain value — a bytes or str
// argument that is, or decodes to (base64, hex, zlib, gzip, bz2, xz, lzma),
// a pickle stream or a marshalled code object — and hand it to a loader
// (pickle.loads, marshal.loads + exec) that is on no list, or leave it for
// the application to decode. Such values are scanned as a second stage,
// bounded in size, decoding layers and nesting.

// Bounds on second stages.
const (
	minStage      = 16      // shorter values are not checked
	maxStage      = 1 << 20 // bytes of a value captured, and of each decoded layer
	maxLayers     = 4       // decoding layers (base64 of zlib of …)
	maxStageDepth = 2       // second stages inside second stages
	stageHead     = 64      // bytes looked at to decide whether to capture a value
)

// ClassSecondStage is a value that is, or decodes to, a pickle or code object.
const ClassSecondStage Class = "second-stage"

// stageCandidate reports whether head, the first bytes of a value, starts
// something decodeStage may turn into a pickle or a code object. It is
// cheap and is asked of every long enough bytes and str value.
func stageCandidate(head []byte, layers int) bool {
	if len(head) < 2 || layers > maxLayers {
		return false
	}
	if compression(head) != "" || isPickleHead(head) || isCode(head) {
		return true
	}
	var buf [stageHead]byte
	if d, ok := decodeText(head, true, buf[:]); ok {
		return stageCandidate(d, layers+1)
	}
	return false
}

func isPickleHead(b []byte) bool {
	if len(b) >= 2 && b[0] == opProto {
		return b[1] <= highestProtocol
	}
	return LooksLikePickle(b[:min(len(b), 512)])
}

// isCode reports whether b starts a marshalled code object: TYPE_CODE
// ('c', with or without FLAG_REF), its int fields (5 in 3.11+, 6 in
// 3.8-3.10, 5 before), then the bytecode as a bytes object ('s').
func isCode(b []byte) bool {
	if len(b) < 30 || b[0]&0x7f != 'c' {
		return false
	}
	// argcount, posonlyargcount, kwonlyargcount, stacksize: small ints.
	for f := 1; f < 17; f += 4 {
		if b[f+2] != 0 || b[f+3] != 0 {
			return false
		}
	}
	for _, i := range []int{17, 21, 25} {
		if b[i]&0x7f == 's' {
			return true
		}
	}
	return false
}

// compression names the compressed format b starts with, or "".
func compression(b []byte) string {
	switch {
	case len(b) >= 2 && b[0] == 0x78 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0 && b[1]&0x20 == 0:
		return "zlib"
	case len(b) >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8:
		return "gzip"
	case len(b) >= 4 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] >= '1' && b[3] <= '9':
		return "bz2"
	case len(b) >= 6 && string(b[:6]) == "\xfd7zXZ\x00":
		return "xz"
	case len(b) >= 3 && b[0] == 0x5d && b[1] == 0 && b[2] == 0:
		return "lzma"
	}
	return ""
}

func isB64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// decodeText decodes hex or base64 text (line breaks allowed). With
// prefix, b may be cut anywhere and only its complete units are decoded.
// scratch, when at least len(b) long, is used instead of allocating.
func decodeText(b []byte, prefix bool, scratch []byte) ([]byte, bool) {
	t := bytes.TrimRight(b, "=\r\n \t")
	if len(t) < minStage {
		return nil, false
	}
	for _, c := range t {
		if !isB64(c) && c != '\n' && c != '\r' {
			return nil, false
		}
	}
	clean := scratch
	if len(clean) < len(t) {
		clean = make([]byte, len(t))
	}
	n := 0
	hexOnly := true
	for _, c := range t {
		if c == '\n' || c == '\r' {
			continue
		}
		if !isB64(c) {
			return nil, false
		}
		hexOnly = hexOnly && isHex(c)
		clean[n] = c
		n++
	}
	clean = clean[:n]
	if hexOnly && (prefix || n%2 == 0) {
		if k, err := hex.Decode(clean, clean[:n&^1]); err == nil {
			return clean[:k], true
		}
	}
	if prefix {
		clean = clean[:n&^3]
	}
	enc := base64.RawStdEncoding
	if bytes.ContainsAny(clean, "-_") {
		enc = base64.RawURLEncoding
	}
	k, err := enc.Decode(clean, clean)
	if err != nil {
		return nil, false
	}
	return clean[:k], true
}

// decompress inflates b (format f), at most maxStage bytes.
func decompress(f string, b []byte) ([]byte, error) {
	var r io.Reader
	var err error
	br := bytes.NewReader(b)
	switch f {
	case "zlib":
		r, err = zlib.NewReader(br)
	case "gzip":
		r, err = gzip.NewReader(br)
	case "bz2":
		r = bzip2.NewReader(br)
	case "xz":
		r, err = xz.NewReader(br)
	case "lzma":
		r, err = lzma.NewReader(br)
	}
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, maxStage+1))
	if len(out) > maxStage {
		return nil, fmt.Errorf("inflates past %d bytes", maxStage)
	}
	if err != nil && len(out) == 0 {
		return nil, err
	}
	return out, nil
}

// decodeStage peels up to maxLayers encodings off b and says what is left:
// "pickle", "code" or "".
func decodeStage(b []byte) (kind string, data []byte, layers []string) {
	for range maxLayers + 1 {
		switch {
		case isCode(b):
			return "code", b, layers
		case len(b) >= 2 && b[0] == opProto && b[1] <= highestProtocol:
			return "pickle", b, layers
		}
		if f := compression(b); f != "" {
			d, err := decompress(f, b)
			if err != nil {
				return "", nil, nil
			}
			b, layers = d, append(layers, f)
			continue
		}
		if d, ok := decodeText(b, false, nil); ok {
			if len(b) > 0 && isHex(b[0]) && len(d)*2 <= len(b) && len(d)*2 >= len(bytes.TrimSpace(b))-2 {
				layers = append(layers, "hex")
			} else {
				layers = append(layers, "base64")
			}
			b = d
			continue
		}
		if isPickleHead(b) {
			return "pickle", b, layers
		}
		return "", nil, nil
	}
	return "", nil, nil
}

// dangerousNames are identifiers whose presence in a code object's names
// makes it a dangerous second stage.
var dangerousNames = map[string]bool{
	"system": true, "popen": true, "Popen": true, "exec": true, "eval": true, "__import__": true,
	"subprocess": true, "execve": true, "execv": true, "spawnv": true, "check_output": true,
	"check_call": true, "getoutput": true, "compile": true, "socket": true, "urlopen": true,
	"urlretrieve": true, "pty": true, "rmtree": true, "unlink": true, "remove": true, "loads": true,
}

// codeNames returns the dangerous identifiers found in a marshalled code object.
func codeNames(b []byte) []string {
	var out []string
	seen := map[string]bool{}
	start := -1
	for i := 0; i <= len(b); i++ {
		word := i < len(b) && (b[i] == '_' || b[i] >= 'a' && b[i] <= 'z' || b[i] >= 'A' && b[i] <= 'Z' || b[i] >= '0' && b[i] <= '9')
		if word && start < 0 {
			start = i
		}
		if !word && start >= 0 {
			w := string(b[start:i])
			if dangerousNames[w] && !seen[w] && len(out) < 6 {
				seen[w] = true
				out = append(out, w)
			}
			start = -1
		}
	}
	return out
}

// MayHoldStage reports whether head, the first bytes of a value or an
// archive member, starts something that may be a second stage; callers
// read the whole value only then.
func MayHoldStage(head []byte) bool {
	return len(head) >= minStage && stageFirst[head[0]] && stageCandidate(head[:min(len(head), stageHead)], 0)
}

// SecondStage scans b, a value carried as data (a bytes or str value in a
// pickle, an archive member), as a second stage. It returns the issue to
// report, and false when b is not, and does not decode to, a pickle or a
// code object. Offsets in the issue are 0; the caller places it.
func SecondStage(ctx context.Context, b []byte, opts Options) (Issue, bool) {
	return secondStage(ctx, b, opts, 0)
}

func secondStage(ctx context.Context, b []byte, opts Options, depth int) (Issue, bool) {
	if len(b) < minStage || len(b) > maxStage || depth >= maxStageDepth {
		return Issue{}, false
	}
	kind, data, layers := decodeStage(b)
	how := "this value"
	if len(layers) > 0 {
		how = "decoding this value (" + strings.Join(layers, " → ") + ")"
	}
	switch kind {
	case "code":
		names := codeNames(data)
		if len(names) == 0 {
			return Issue{Class: ClassSecondStage, Severity: rule.Low, Evidence: fmt.Sprintf("marshalled code object, %d bytes", len(data)),
				Message:        "second-stage payload: " + how + " gives a marshalled code object that names nothing known to be dangerous; marshal.loads and exec of it runs it",
				SeverityReason: "a code object carried as data that names no dangerous call"}, true
		}
		ev := "code object naming " + strings.Join(names, ", ")
		return Issue{Class: ClassSecondStage, Severity: rule.High, Evidence: ev,
			Message:        "second-stage payload: " + how + " gives a marshalled code object; loading it with marshal.loads and exec runs code naming " + strings.Join(names, ", "),
			SeverityReason: "a code object carried as data that names " + strings.Join(names, ", ")}, true
	case "pickle":
		m := newMachine(ctx, bytes.NewReader(data), opts)
		m.stageDepth = depth + 1
		m.run()
		m.finishShapes()
		if m.res.Pickles == 0 {
			return Issue{}, false
		}
		var worst *Issue
		for i := range m.res.Issues {
			is := &m.res.Issues[i]
			if is.Class == ClassMalformed || is.Class == ClassLimit {
				continue
			}
			if worst == nil || is.Severity > worst.Severity {
				worst = is
			}
		}
		if worst == nil || worst.Severity < rule.High {
			ev := fmt.Sprintf("pickle of %d opcodes", m.res.Opcodes)
			if worst != nil {
				ev = worst.Evidence
			}
			return Issue{Class: ClassSecondStage, Severity: rule.Low, Evidence: ev,
				Message:        "second-stage payload: " + how + " gives a pickle that calls nothing known to be dangerous; noted because whatever decodes and loads it runs it",
				SeverityReason: "a benign pickle carried as data"}, true
		}
		return Issue{Class: ClassSecondStage, Severity: rule.High, Module: worst.Module, Name: worst.Name, Evidence: worst.Evidence,
			Message:        "second-stage payload: " + how + " and loading it runs " + worst.Evidence,
			SeverityReason: "a pickle carried as data whose loading runs " + worst.Evidence}, true
	}
	return Issue{}, false
}

// stageFirst marks the bytes that can start a second stage: PROTO, a
// protocol 0/1 opcode, a code object, a compression magic, hex or base64.
var stageFirst = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		t[c] = isOpcode(b) || isB64(b) || b == 0xe3 || b == 0x78 || b == 0x1f || b == 0xfd || b == 0x5d
	}
	return t
}()

// maybeStage is the fast test, on the next byte, of whether a value of n
// bytes may hold a second stage; stageCandidate then looks at more.
func (m *machine) maybeStage(n uint64) bool {
	if n < minStage || n > maxStage || m.stageDepth >= maxStageDepth {
		return false
	}
	b, _ := m.r.br.Peek(1)
	if len(b) == 0 || !stageFirst[b[0]] {
		return false
	}
	head, _ := m.r.br.Peek(min(int(n), stageHead))
	return stageCandidate(head, 0)
}

// strArg reads a str argument of n bytes, keeping its prefix.
func (m *machine) strArg(n uint64) (string, error) {
	if n < minStage {
		return m.r.prefix(n, maxKeep)
	}
	return m.stageValue(n, true)
}

// stageValue reads a bytes or str argument of n bytes, returning the kept
// prefix. A value whose first bytes start a pickle, a code object, or an
// encoding of one is captured whole (up to maxStage) and scanned as a
// second stage.
//
// keep says the prefix is wanted (a str); bytes values keep nothing.
func (m *machine) stageValue(n uint64, keep bool) (string, error) {
	r := m.r
	if !m.maybeStage(n) {
		if keep {
			return r.prefix(n, maxKeep)
		}
		return "", r.skip(n)
	}
	buf := make([]byte, n)
	k, err := io.ReadFull(r.br, buf)
	r.off += int64(k)
	if err != nil {
		return "", r.eof(err)
	}
	if is, ok := secondStage(m.ctx, buf, Options{Policy: m.pol}, m.stageDepth); ok {
		is.Offset = m.opStart
		m.issue(is)
	}
	if !keep {
		return "", nil
	}
	return intern(buf[:min(len(buf), maxKeep)]), nil
}

// textLine reads the argument line of STRING (quoted) or UNICODE like
// readLine, keeping maxKeep bytes. A line whose content starts like a
// second stage is read whole (up to maxStage) and scanned first.
func (m *machine) textLine(quoted bool) ([]byte, bool, error) {
	if m.stageDepth < maxStageDepth {
		head, _ := m.r.br.Peek(stageHead + 1)
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			head = head[:i]
		}
		if quoted && len(head) > 0 {
			head = head[1:]
		}
		if len(head) >= minStage && stageFirst[head[0]] && stageCandidate(head, 0) {
			start := m.opStart
			b, cut, err := m.r.line(maxStage+2, m.stageLine[:0])
			if err != nil {
				return b, cut, err
			}
			m.stageLine = b[:0]
			content := b
			if quoted && len(content) >= 2 && (content[0] == '\'' || content[0] == '"') && content[len(content)-1] == content[0] {
				content = content[1 : len(content)-1]
			}
			if !cut {
				if is, ok := secondStage(m.ctx, content, Options{Policy: m.pol}, m.stageDepth); ok {
					is.Offset = start
					m.issue(is)
				}
			}
			if len(b) > maxKeep {
				return b[:maxKeep], true, nil
			}
			return b, cut, nil
		}
	}
	return m.readLine(&m.line)
}
