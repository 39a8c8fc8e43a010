package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// scanProcess runs the test binary as mlsec in its own process.
func scanProcess(t *testing.T, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "MLSEC_TEST_AS_CLI=1")
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String() + errb.String()
}

// comparable is what must not depend on sharding: every finding with its
// fingerprint, severity and place, the file accounts, assets, edges,
// attack paths and the summary.
func comparable(t *testing.T, b []byte) string {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	summary := d["summary"].(map[string]any)
	delete(summary, "duration_ms")
	out, _ := json.MarshalIndent(map[string]any{"findings": d["findings"], "summary": summary, "failed": d["failed"],
		"not_analyzed": d["not_analyzed"], "skipped": d["skipped"], "warnings": d["warnings"], "assets": d["assets"],
		"edges": d["edges"], "attack_paths": d["attack_paths"], "chokepoints": d["chokepoints"]}, "", " ")
	return string(out)
}

// TestShardsMergeToTheSingleScan: N = 1, 2, 3 and 7 shards of the example,
// each its own process, merged, give exactly the single scan's result.
func TestShardsMergeToTheSingleScan(t *testing.T) {
	dir := t.TempDir()
	single := filepath.Join(dir, "single.json")
	if code, out := scanProcess(t, "scan", "--no-progress", "-f", "json", "-o", single, example); code != ExitFindings {
		t.Fatalf("single scan: exit %d\n%s", code, out)
	}
	want, _ := os.ReadFile(single)
	for _, n := range []int{1, 2, 3, 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			var parts []string
			var wg sync.WaitGroup
			codes := make([]int, n)
			outs := make([]string, n)
			for i := 0; i < n; i++ {
				p := filepath.Join(dir, fmt.Sprintf("part-%d-%d.json", n, i))
				parts = append(parts, p)
				wg.Add(1)
				go func() {
					defer wg.Done()
					codes[i], outs[i] = scanProcess(t, "scan", "--no-progress", "--fail-on", "none", "--shard", fmt.Sprintf("%d/%d", i, n), "-f", "json", "-o", p, example)
				}()
			}
			wg.Wait()
			for i, c := range codes {
				if c != ExitClean {
					t.Fatalf("shard %d/%d: exit %d\n%s", i, n, c, outs[i])
				}
			}
			merged := filepath.Join(dir, fmt.Sprintf("merged-%d.json", n))
			code, out := scanProcess(t, append([]string{"merge", "--root", example, "-f", "json", "-o", merged}, parts...)...)
			if code != ExitFindings {
				t.Fatalf("merge: exit %d\n%s", code, out)
			}
			got, _ := os.ReadFile(merged)
			if g, w := comparable(t, got), comparable(t, want); g != w {
				t.Errorf("merged %d shards differ from the single scan:\n%s", n, firstDiff(g, w))
			}
		})
	}
}

// TestShardsSplitTheFiles: every analyzed file belongs to exactly one shard.
func TestShardsSplitTheFiles(t *testing.T) {
	total := 0
	for i := 0; i < 3; i++ {
		code, out, _ := run(t, "scan", "--no-progress", "--fail-on", "none", "--shard", fmt.Sprintf("%d/3", i), "-f", "json", example)
		if code != ExitClean {
			t.Fatalf("exit %d", code)
		}
		var d struct {
			Summary struct {
				FilesAnalyzed int `json:"files_analyzed"`
			} `json:"summary"`
		}
		_ = json.Unmarshal([]byte(out), &d)
		if d.Summary.FilesAnalyzed == 0 {
			t.Errorf("shard %d/3 analyzed nothing", i)
		}
		total += d.Summary.FilesAnalyzed
	}
	_, out, _ := run(t, "scan", "--no-progress", "--fail-on", "none", "-f", "json", example)
	var d struct {
		Summary struct {
			FilesAnalyzed int `json:"files_analyzed"`
		} `json:"summary"`
	}
	_ = json.Unmarshal([]byte(out), &d)
	if total != d.Summary.FilesAnalyzed {
		t.Errorf("shards analyzed %d files, the single scan %d", total, d.Summary.FilesAnalyzed)
	}
	for _, bad := range []string{"3/3", "-1/2", "1", "a/b", "0/0"} {
		if code, _, _ := run(t, "scan", "--shard", bad, example); code != ExitError {
			t.Errorf("--shard %s: exit %d, want %d", bad, code, ExitError)
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			lo := max(0, i-3)
			return fmt.Sprintf("at line %d:\n got: %s\nwant: %s", i+1, strings.Join(al[lo:min(i+3, len(al))], "\n      "), strings.Join(bl[lo:min(i+3, len(bl))], "\n      "))
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(al), len(bl))
}
