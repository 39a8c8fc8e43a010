// Package analysistest checks analyzers against fixtures that carry their
// expected findings, in the spirit of golang.org/x/tools/go/analysis/analysistest.
//
// In a text fixture, a comment holding "want: EXPECTATION…" expects exactly
// those findings on its own line; "want-next: EXPECTATION…" expects them on
// the line below (for formats such as Dockerfile where a comment must stand
// alone). An expectation is a rule ID, optionally with the severity the
// finding must have and a regular expression its message must match:
//
//	# want: code/pickle-load@high "pickle\.load of" deps/extra-index-url
//
// "want-asset: ID" expects an asset with that ID met on the line (a file
// with any want-asset must declare every asset met in it), and
// "want-edge: FROM KIND TO" expects that edge somewhere in the scan (a tree
// with any want-edge must declare every edge).
//
// A file that cannot hold comments, or a binary one, gets a sidecar
// NAME.want beside it: one expected finding per line, as "RULE-ID" with
// optional fields line=N, member=archive/data.pkl, severity=S and
// message="regexp", the line "failed" when the file must be reported as not
// fully analyzed (the scan is incomplete), and "not-analyzed" when it must be
// reported as not analyzed without failing the scan (text that does not
// parse). A file with neither annotations nor sidecar must
// produce no finding. The harness fails on any missing or extra finding.
package analysistest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/source"
)

var (
	wantRE = regexp.MustCompile(`\bwant(-next)?: (.*)`)
	// one expectation: rule ID, optional @severity, optional "message regexp"
	expRE   = regexp.MustCompile(`^\s*,?\s*([a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9.-]*)(?:@(critical|high|medium|low|info))?(?:\s+"((?:[^"\\]|\\.)*)")?`)
	assetRE = regexp.MustCompile(`\bwant-asset: (\S+)`)
	edgeRE  = regexp.MustCompile(`\bwant-edge: (\S+) (\S+) (\S+)`)
)

// key identifies one expected or actual finding's place.
type key struct {
	path, rule, member string
	line               int
}

func (k key) String() string {
	s := k.path
	if k.member != "" {
		s += "!" + k.member
	}
	if k.line > 0 {
		s += ":" + strconv.Itoa(k.line)
	}
	return s + " " + k.rule
}

// expect is one expected finding: its place and what else it must show.
type expect struct {
	severity string         // "" when not pinned
	message  *regexp.Regexp // nil when not pinned
}

func (e expect) String() string {
	s := ""
	if e.severity != "" {
		s += "@" + e.severity
	}
	if e.message != nil {
		s += fmt.Sprintf(" %q", e.message.String())
	}
	return s
}

func (e expect) matches(f finding.Finding) bool {
	return (e.severity == "" || e.severity == f.Severity.String()) && (e.message == nil || e.message.MatchString(f.Message))
}

// Run scans dir with the analyzers through the real engine (classification,
// suppression and all) and compares the findings, assets and edges with the
// fixtures' expectations. It returns the result for further assertions.
func Run(t testing.TB, dir string, analyzers ...*analysis.Analyzer) *result.Result {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: analyzers, Jobs: 2})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	want, err := expectations(dir)
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.ToSlash(filepath.Clean(dir)) + "/"
	got := map[key][]finding.Finding{}
	for _, f := range res.Findings {
		k := key{strings.TrimPrefix(f.Location.Path, prefix), f.RuleID, f.Location.Member, 0}
		if _, sidecar := want.sidecar[k.path]; !sidecar || want.sidecar[k.path] {
			k.line = f.Location.Line
		}
		got[k] = append(got[k], f)
	}
	var complaints []string
	for k, exps := range want.findings {
		// Pinned expectations first, so a loose one cannot take the
		// finding a pinned one needs.
		sort.SliceStable(exps, func(i, j int) bool { return exps[i].String() > exps[j].String() })
		for _, e := range exps {
			fs := got[k]
			i := slices.IndexFunc(fs, e.matches)
			if i < 0 {
				var seen []string
				for _, f := range fs {
					seen = append(seen, fmt.Sprintf("%s %q", f.Severity, f.Message))
				}
				msg := fmt.Sprintf("missing finding: %s%s", k, e)
				if len(seen) > 0 {
					msg += " (got " + strings.Join(seen, "; ") + ")"
				}
				complaints = append(complaints, msg)
				continue
			}
			got[k] = slices.Delete(fs, i, i+1)
		}
	}
	for k, fs := range got {
		for _, f := range fs {
			complaints = append(complaints, fmt.Sprintf("unexpected finding: %s@%s: %s [%s]", k, f.Severity, f.Message, f.Evidence))
		}
	}
	complaints = append(complaints, checkAssets(res, prefix, want)...)
	for _, l := range []struct {
		got  []source.Skip
		want map[string]bool
		what string
	}{{res.Failed, want.failed, "not fully analyzed"}, {res.NotAnalyzed, want.unread, "not analyzed"}} {
		got := map[string]string{}
		for _, f := range l.got {
			got[strings.TrimPrefix(f.Path, prefix)] = f.Reason
		}
		for p, reason := range got {
			if !l.want[p] {
				complaints = append(complaints, fmt.Sprintf("file %s: %s: %s", l.what, p, reason))
			}
		}
		for p := range l.want {
			if _, ok := got[p]; !ok {
				complaints = append(complaints, fmt.Sprintf("%s: expected to be reported as %s, but was not", p, l.what))
			}
		}
	}
	sort.Strings(complaints)
	for _, c := range complaints {
		t.Error(c)
	}
	return res
}

// checkAssets compares assets and edges with want-asset and want-edge.
func checkAssets(res *result.Result, prefix string, want wants) []string {
	var out []string
	have := map[placedAsset]bool{}
	for _, a := range res.Assets {
		for _, l := range a.Locations {
			p := placedAsset{strings.TrimPrefix(l.Path, prefix), a.ID, l.Line}
			have[p] = true
			if want.assetFiles[p.path] && !want.assets[p] {
				out = append(out, fmt.Sprintf("unexpected asset: %s:%d %s", p.path, p.line, p.id))
			}
		}
	}
	for p := range want.assets {
		if !have[p] {
			out = append(out, fmt.Sprintf("missing asset: %s:%d %s", p.path, p.line, p.id))
		}
	}
	edges := map[string]bool{}
	for _, e := range res.Edges {
		s := e.From + " " + string(e.Kind) + " " + e.To
		edges[s] = true
		if len(want.edges) > 0 && !want.edges[s] {
			out = append(out, "unexpected edge: "+s)
		}
	}
	for e := range want.edges {
		if !edges[e] {
			out = append(out, "missing edge: "+e)
		}
	}
	return out
}

// placedAsset is an asset ID met on a line of a file.
type placedAsset struct {
	path, id string
	line     int
}

type wants struct {
	findings   map[key][]expect
	sidecar    map[string]bool // path → its sidecar names lines
	failed     map[string]bool
	unread     map[string]bool
	assets     map[placedAsset]bool
	assetFiles map[string]bool // files with any want-asset
	edges      map[string]bool
}

// expectations reads the want annotations and sidecars under dir.
func expectations(dir string) (wants, error) {
	w := wants{findings: map[key][]expect{}, sidecar: map[string]bool{}, failed: map[string]bool{}, unread: map[string]bool{},
		assets: map[placedAsset]bool{}, assetFiles: map[string]bool{}, edges: map[string]bool{}}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".want") {
			target := strings.TrimSuffix(rel, ".want")
			hasLines, err := readSidecar(p, target, &w)
			w.sidecar[target] = hasLines
			return err
		}
		if _, err := os.Stat(p + ".want"); err == nil {
			return nil // the sidecar speaks for this file
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if m := wantRE.FindStringSubmatch(line); m != nil {
				at := i + 1
				if m[1] != "" {
					at++
				}
				rest := m[2]
				for {
					e := expRE.FindStringSubmatchIndex(rest)
					if e == nil {
						break
					}
					id, sev := rest[e[2]:e[3]], ""
					if e[4] >= 0 {
						sev = rest[e[4]:e[5]]
					}
					exp := expect{severity: sev}
					if e[6] >= 0 {
						re, err := regexp.Compile(strings.ReplaceAll(rest[e[6]:e[7]], `\"`, `"`))
						if err != nil {
							return fmt.Errorf("%s:%d: %v", rel, i+1, err)
						}
						exp.message = re
					}
					k := key{rel, id, "", at}
					w.findings[k] = append(w.findings[k], exp)
					rest = rest[e[1]:]
				}
			}
			for _, m := range assetRE.FindAllStringSubmatch(line, -1) {
				w.assets[placedAsset{rel, m[1], i + 1}] = true
				w.assetFiles[rel] = true
			}
			for _, m := range edgeRE.FindAllStringSubmatch(line, -1) {
				w.edges[m[1]+" "+m[2]+" "+m[3]] = true
			}
		}
		return nil
	})
	return w, err
}

// sidecarField reads one name=value field; a quoted value may hold spaces.
var sidecarField = regexp.MustCompile(`^(\w+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))\s*`)

func readSidecar(p, target string, w *wants) (hasLines bool, err error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "failed" {
			w.failed[target] = true
			continue
		}
		if line == "not-analyzed" {
			w.unread[target] = true
			continue
		}
		id, rest, _ := strings.Cut(line, " ")
		k := key{path: target, rule: id}
		var exp expect
		rest = strings.TrimSpace(rest)
		for rest != "" {
			m := sidecarField.FindStringSubmatch(rest)
			if m == nil {
				return false, fmt.Errorf("%s:%d: cannot read %q (want name=value)", p, n, rest)
			}
			rest = rest[len(m[0]):]
			val := m[3]
			if m[2] != "" {
				val = strings.ReplaceAll(m[2], `\"`, `"`)
			}
			switch m[1] {
			case "line":
				if k.line, err = strconv.Atoi(val); err != nil {
					return false, fmt.Errorf("%s:%d: bad line %q", p, n, val)
				}
				hasLines = true
			case "member":
				k.member = val
			case "severity":
				exp.severity = val
			case "message":
				if exp.message, err = regexp.Compile(val); err != nil {
					return false, fmt.Errorf("%s:%d: %v", p, n, err)
				}
			default:
				return false, fmt.Errorf("%s:%d: unknown field %q (want line=, member=, severity= or message=)", p, n, m[1])
			}
		}
		w.findings[k] = append(w.findings[k], exp)
	}
	return hasLines, sc.Err()
}
