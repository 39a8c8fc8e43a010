// Package analysistest checks analyzers against fixtures that carry their
// expected findings, in the spirit of golang.org/x/tools/go/analysis/analysistest.
//
// In a text fixture, a comment holding "want: RULE-ID [RULE-ID…]" expects
// exactly those findings on its own line; "want-next: RULE-ID…" expects them
// on the line below (for formats such as Dockerfile where a comment must
// stand alone). A file that cannot hold comments, or a binary one, gets a
// sidecar NAME.want beside it: one expected finding per line, as
// "RULE-ID", "RULE-ID line=N" or "RULE-ID member=archive/data.pkl", and the
// line "failed" when the file must be reported as not fully analyzed.
// A file with neither annotations nor sidecar must produce no finding.
// The harness fails on any missing or extra finding.
package analysistest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/engine"
	"github.com/mlsec/mlsec/internal/finding"
)

var wantRE = regexp.MustCompile(`\bwant(-next)?: ((?:[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9.-]*[ \t,]*)+)`)

// key identifies one expected or actual finding.
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

// Run scans dir with the analyzers through the real engine (classification,
// suppression and all) and compares the findings with the fixtures'
// expectations. It returns the result for further assertions.
func Run(t testing.TB, dir string, analyzers ...*analysis.Analyzer) *engine.Result {
	t.Helper()
	res, err := engine.Run(context.Background(), engine.Options{Paths: []string{dir}, Analyzers: analyzers, Jobs: 2})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
	want, wantFailed, err := expectations(dir)
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.ToSlash(filepath.Clean(dir)) + "/"
	got := map[key]int{}
	byKey := map[key]finding.Finding{}
	for _, f := range res.Findings {
		k := key{strings.TrimPrefix(f.Location.Path, prefix), f.RuleID, f.Location.Member, 0}
		if _, sidecar := want.sidecar[k.path]; !sidecar || wantsLine(want, k.path) {
			k.line = f.Location.Line
		}
		got[k]++
		byKey[k] = f
	}
	for k, n := range want.counts {
		if got[k] < n {
			t.Errorf("missing finding: %s", k)
		}
	}
	var extra []string
	for k, n := range got {
		if n > want.counts[k] {
			f := byKey[k]
			extra = append(extra, fmt.Sprintf("unexpected finding: %s: %s [%s]", k, f.Message, f.Evidence))
		}
	}
	sort.Strings(extra)
	for _, e := range extra {
		t.Error(e)
	}
	failed := map[string]string{}
	for _, f := range res.Failed {
		failed[strings.TrimPrefix(f.Path, prefix)] = f.Reason
	}
	for p, reason := range failed {
		if !wantFailed[p] {
			t.Errorf("file not fully analyzed: %s: %s", p, reason)
		}
	}
	for p := range wantFailed {
		if _, ok := failed[p]; !ok {
			t.Errorf("%s: expected to be reported as not fully analyzed, but was not", p)
		}
	}
	return res
}

type wants struct {
	counts  map[key]int
	sidecar map[string]bool // path → sidecar expectations name lines
}

func wantsLine(w wants, path string) bool { return w.sidecar[path] }

// expectations reads the want annotations and sidecars under dir.
func expectations(dir string) (wants, map[string]bool, error) {
	w := wants{counts: map[key]int{}, sidecar: map[string]bool{}}
	failed := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, ".want") {
			target := strings.TrimSuffix(rel, ".want")
			hasLines, err := readSidecar(p, target, w.counts, failed)
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
			for _, m := range wantRE.FindAllStringSubmatch(line, -1) {
				at := i + 1
				if m[1] != "" {
					at++
				}
				for _, id := range strings.FieldsFunc(m[2], func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
					w.counts[key{rel, id, "", at}]++
				}
			}
		}
		return nil
	})
	return w, failed, err
}

func readSidecar(p, target string, counts map[key]int, failed map[string]bool) (hasLines bool, err error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if fields[0] == "failed" {
			failed[target] = true
			continue
		}
		k := key{path: target, rule: fields[0]}
		for _, f := range fields[1:] {
			name, val, _ := strings.Cut(f, "=")
			switch name {
			case "line":
				if k.line, err = strconv.Atoi(val); err != nil {
					return false, fmt.Errorf("%s:%d: bad line %q", p, n, val)
				}
				hasLines = true
			case "member":
				k.member = val
			default:
				return false, fmt.Errorf("%s:%d: unknown field %q (want line= or member=)", p, n, name)
			}
		}
		counts[k]++
	}
	return hasLines, sc.Err()
}
