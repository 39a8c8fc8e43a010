package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/mlsec/mlsec/internal/atlas"
	"github.com/mlsec/mlsec/internal/cli"
	"github.com/mlsec/mlsec/internal/report"
	"github.com/mlsec/mlsec/internal/report/reporttest"
	"github.com/mlsec/mlsec/internal/rule"
)

// The example is scanned from the repository root, so that the report
// (and the screenshot in docs/) shows the paths a user would see.
const (
	repoRoot = "../../.."
	example  = "examples/credit-risk"
)

// chromium finds the browser: MLSEC_CHROMIUM, else Debian's chromium (as
// .ci/run installs it) or another Chromium or Chrome on the PATH.
func chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("MLSEC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium binary found (install Debian's chromium, or set MLSEC_CHROMIUM)")
	return ""
}

// browser starts headless Chromium with a fresh profile. The flags keep it
// off the network: on a machine without internet, Chromium otherwise waits
// on component updates and sync.
func browser(t testing.TB) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.NoFirstRun,
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// Start the browser now, on a context without a deadline (a deadline
	// on the first run would bound the browser's whole life).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromium(t), err)
	}
	return ctx
}

// step bounds one browser action, so that a hung browser fails the test
// instead of hanging it.
func step(t testing.TB, ctx context.Context) context.Context {
	c, cancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func scan(t *testing.T, format, out string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := []string{"scan", "--no-progress", "--fail-on", "none", "-f", format}
	if out != "" {
		args = append(args, "-o", out)
	}
	if code := cli.Main(append(args, example), &stdout, &stderr); code != 0 {
		t.Fatalf("mlsec scan -f %s: exit %d: %s", format, code, stderr.String())
	}
	return stdout.String()
}

type cell struct {
	T    string `json:"t"`
	Sev  string `json:"sev"`
	BG   string `json:"bg"`
	Text string `json:"text"`
}

// TestExampleReportInChromium opens the example project's report, checks
// that exactly the techniques of its findings are coloured, with their
// worst severity's colour, clicks one, and checks that the table shows
// exactly that technique's findings. It saves a screenshot, to the path in
// MLSEC_SCREENSHOT when set (docs/report-example.png is made so).
func TestExampleReportInChromium(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	if p := os.Getenv("MLSEC_SCREENSHOT"); p != "" && !filepath.IsAbs(p) {
		t.Fatalf("MLSEC_SCREENSHOT must be an absolute path, not %q", p)
	}
	t.Chdir(repoRoot)
	htmlPath := filepath.Join(dir, "example.html")
	scan(t, "html", htmlPath)
	var doc report.JSONDocument
	if err := json.Unmarshal([]byte(scan(t, "json", "")), &doc); err != nil {
		t.Fatal(err)
	}

	// What the matrix must show, from the findings and the catalog alone:
	// a finding's technique colours its top-level technique's cell in every
	// tactic column that lists it, with the worst severity.
	cat := atlas.Default()
	worst := map[string]rule.Severity{}
	hits := map[string]int{}
	for _, f := range doc.Findings {
		seen := map[string]bool{}
		for _, id := range f.Techniques {
			tech := cat.Technique(id)
			if tech == nil {
				continue
			}
			top := tech.ID
			if tech.Parent != "" {
				top = tech.Parent
			}
			if s, ok := worst[top]; !ok || f.Severity > s {
				worst[top] = f.Severity
			}
			if !seen[top] {
				seen[top] = true
				hits[top]++
			}
		}
	}
	var want []string
	for _, ta := range cat.Tactics {
		for _, id := range ta.Techniques {
			if _, ok := worst[id]; ok {
				want = append(want, id+"="+worst[id].String())
			}
		}
	}
	sort.Strings(want)
	if len(want) == 0 {
		t.Fatal("the example has no ATLAS techniques: nothing to check")
	}

	if err := chromedp.Do(step(t, ctx), chromedp.EmulateViewport(1400, 1900), chromedp.Navigate("file://"+htmlPath)); err != nil {
		t.Fatal(err)
	}
	cells, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[[]cell](`Array.from(document.querySelectorAll("button.cell.hit")).map(b => ({
		t: b.dataset.t, sev: (b.className.match(/sev-(\w+)/) || [])[1] || "", bg: getComputedStyle(b).backgroundColor, text: b.textContent}))`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	colour := map[string]string{ // report.css: --crit, --high, --med, --low, --info
		"critical": "rgb(185, 28, 28)", "high": "rgb(234, 88, 12)", "medium": "rgb(250, 204, 21)", "low": "rgb(96, 165, 250)", "info": "rgb(209, 213, 219)",
	}
	for _, c := range cells {
		got = append(got, c.T+"="+c.Sev)
		if c.BG != colour[c.Sev] {
			t.Errorf("cell %s (%s) is painted %s, want %s: the stylesheet did not apply", c.T, c.Sev, c.BG, colour[c.Sev])
		}
	}
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("coloured cells:\n got %v\nwant %v", got, want)
	}
	grey, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[string](`getComputedStyle(document.querySelector("span.cell")).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	if grey == colour["critical"] || grey == colour["high"] {
		t.Errorf("cells without findings are painted %s", grey)
	}

	shot, err := chromedp.Run(step(t, ctx), chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report-example.png")
	if p := os.Getenv("MLSEC_SCREENSHOT"); p != "" {
		out = p
	}
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", out, len(shot))

	// Click the technique with the fewest findings (but more than one), so
	// that filtering visibly removes rows.
	pick := ""
	for id, n := range hits {
		if pick == "" || n > 1 && (hits[pick] < 2 || n < hits[pick] || n == hits[pick] && id < pick) {
			pick = id
		}
	}
	total := len(doc.Findings)
	if err := chromedp.Do(step(t, ctx), chromedp.Click(chromedp.CSS(fmt.Sprintf(`button.cell[data-t=%q]`, pick)))); err != nil {
		t.Fatal(err)
	}
	type shownRows struct {
		Visible []string `json:"visible"`
		Counter string   `json:"counter"`
		Pressed int      `json:"pressed"`
	}
	rows, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[shownRows](`({
		visible: Array.from(document.querySelectorAll("#ftable tbody tr")).filter(tr => !tr.hidden && tr.offsetParent !== null).map(tr => tr.cells[4].textContent),
		counter: document.getElementById("shown").textContent,
		pressed: document.querySelectorAll('button.cell[aria-pressed="true"]').length})`))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Visible) != hits[pick] || rows.Counter != fmt.Sprint(hits[pick]) {
		t.Errorf("after clicking %s: %d rows shown (counter %q), want %d of %d", pick, len(rows.Visible), rows.Counter, hits[pick], total)
	}
	for _, techs := range rows.Visible {
		if !strings.Contains(" "+techs, " "+pick) {
			t.Errorf("row with techniques %q shown for %s", techs, pick)
		}
	}
	if rows.Pressed == 0 {
		t.Error("the clicked cell is not marked pressed")
	}
	// Clicking again clears the filter.
	if err := chromedp.Do(step(t, ctx), chromedp.Click(chromedp.CSS(fmt.Sprintf(`button.cell[data-t=%q]`, pick)))); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[string](`document.getElementById("shown").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if n != fmt.Sprint(total) {
		t.Errorf("after the second click %s rows shown, want all %d", n, total)
	}

	// Printed, the filters are gone, the matrix keeps its colours, and the
	// page makes a PDF.
	printed, err := chromedp.Run(step(t, ctx), chromedp.Action[string](func(ctx context.Context, tg *chromedp.Target) (string, error) {
		if _, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			return "", err
		}
		return chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".controls")).display + " " + getComputedStyle(document.querySelector("button.cell.hit")).backgroundColor`)(ctx, tg)
	}))
	if err != nil {
		t.Fatal(err)
	}
	if want := "none " + colour[cells[0].Sev]; printed != want {
		t.Errorf("print styles: got %q, want %q", printed, want)
	}
	yes := true
	pdf, err := chromedp.Run(step(t, ctx), chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PrintBackground: &yes})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 10000 {
		t.Errorf("printing to PDF gave %d bytes starting %q", len(pdf), pdf[:min(len(pdf), 8)])
	}
	t.Logf("printed to PDF: %d bytes", len(pdf))
}

// loadTime opens a page and returns the wall time until it has been laid
// out and painted, and the page's own count of milliseconds to the same
// point.
func loadTime(t testing.TB, ctx context.Context, page string) (time.Duration, float64) {
	t.Helper()
	start := time.Now()
	if err := chromedp.Do(step(t, ctx), chromedp.Navigate("file://"+page)); err != nil {
		t.Fatal(err)
	}
	// Two animation frames: the first paint after load has happened.
	ms, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[float64](
		`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => { document.body.offsetHeight; r(performance.now()); })))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	return time.Since(start), ms
}

func bigReport(t testing.TB) (string, int) {
	t.Helper()
	var b bytes.Buffer
	r := &report.Report{Result: reporttest.Synthetic(5000), Version: "bench", FailOn: rule.High}
	if err := report.WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "big.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return page, b.Len()
}

// TestBigReportInChromium opens the report of 5,000 findings and checks
// the table is complete and filters; it logs the size and the load time,
// which BenchmarkBigReportLoad measures.
func TestBigReportInChromium(t *testing.T) {
	ctx := browser(t)
	page, size := bigReport(t)
	cpu0 := chromiumCPU(ctx)
	wall, ms := loadTime(t, ctx, page)
	t.Logf("5,000 findings: %d bytes of HTML, loaded and painted in %v (page clock %.0f ms; Chromium CPU time %v)",
		size, wall.Round(time.Millisecond), ms, chromiumCPU(ctx)-cpu0)
	n, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[int](`document.querySelectorAll("#ftable tbody tr").length`))
	if err != nil {
		t.Fatal(err)
	}
	if n != 5000 {
		t.Errorf("%d rows, want 5000", n)
	}
	shown, err := chromedp.Run(step(t, ctx), chromedp.Evaluate[string](`(() => { const s = document.getElementById("f-sev"); s.value = "critical"; s.dispatchEvent(new Event("change")); return document.getElementById("shown").textContent; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if shown == "5000" || shown == "0" {
		t.Errorf("severity filter shows %s rows", shown)
	}
}

// BenchmarkBigReportLoad measures how long headless Chromium takes to load
// and paint the report of 5,000 findings (the target is under 2 s): the
// page's own clock, and the CPU time Chromium spent, which does not grow
// when other processes share the machine.
func BenchmarkBigReportLoad(b *testing.B) {
	ctx := browser(b)
	page, size := bigReport(b)
	var total float64
	cpu0 := chromiumCPU(ctx)
	for b.Loop() {
		_, ms := loadTime(b, ctx, page)
		total += ms
	}
	b.ReportMetric(total/float64(b.N), "page-ms/op")
	b.ReportMetric(float64((chromiumCPU(ctx)-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(size), "html-bytes")
}
