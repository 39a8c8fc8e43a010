package cli

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/probe"
	"github.com/mlsec/mlsec/internal/report"
	"github.com/mlsec/mlsec/internal/result"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
)

type probeFlags struct {
	targets     string
	format      string
	output      string
	failOn      string
	timeout     time.Duration
	concurrency int
	rate        float64
}

func newProbe(g *globals) *cobra.Command {
	f := &probeFlags{}
	cmd := &cobra.Command{
		Use:   "probe URL… | --targets FILE",
		Short: "Check live ML endpoints for unauthenticated APIs, vulnerable versions and plain HTTP (network access)",
		Long: `Probe is mlsec's only command that uses the network, and it talks only to the
URLs it is given. For each one it identifies the ML service that answers (MLflow,
Ray, Jupyter, TorchServe, Triton, KServe, Gradio) with harmless GET requests to
read-only endpoints, decides whether the service asked for credentials, reads the
version it shows, and reports an unauthenticated API that runs code (critical), a
version with known vulnerabilities, and plain HTTP on a network address.

Detection only: probe never sends an exploit, never writes and never submits a
job. Each target has a time limit (--timeout) covering every request and body;
bodies are capped, redirects are followed only to the same host and at most 3
times, and requests are rate-limited over all targets (--rate). Proxies come from
HTTP_PROXY, HTTPS_PROXY and NO_PROXY.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage
error, or a target that could not be probed (refused, timed out, hostile answer).`,
		Example: `  mlsec probe http://ray-head.internal:8265 https://mlflow.example.com
  mlsec probe --targets endpoints.txt -f sarif -o probe.sarif`,
		RunE: func(cmd *cobra.Command, args []string) error { return runProbe(cmd, g, f, args) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.targets, "targets", "", "read target URLs from this file, one per line ('#' starts a comment)")
	fl.StringVarP(&f.format, "format", "f", "text", "output format: "+strings.Join(report.Formats(), ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&f.failOn, "fail-on", "high", "exit 1 when a finding is at or above this severity (or none)")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "time limit per target, all its requests included")
	fl.IntVar(&f.concurrency, "concurrency", 16, "targets probed at once")
	fl.Float64Var(&f.rate, "rate", 50, "requests per second over all targets")
	return cmd
}

func runProbe(cmd *cobra.Command, g *globals, f *probeFlags, args []string) error {
	targets := append([]string(nil), args...)
	if f.targets != "" {
		b, err := os.ReadFile(f.targets)
		if err != nil {
			return &exitError{code: ExitError, err: fmt.Errorf("--targets: %w", err)}
		}
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				targets = append(targets, l)
			}
		}
	}
	if len(targets) == 0 {
		return usageErr("no targets: give URLs or --targets FILE")
	}
	if !contains(report.Formats(), f.format) {
		return usageErr("unknown format %q (want %s)", f.format, strings.Join(report.Formats(), ", "))
	}
	if f.timeout <= 0 || f.concurrency <= 0 || f.rate <= 0 {
		return usageErr("--timeout, --concurrency and --rate must be positive")
	}
	for _, t := range targets {
		if u, err := url.Parse(t); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErr("not an http(s) URL: %q", t)
		}
	}
	failOn, noFail, err := pick(cmd, "fail-on", f.failOn, "", "high")
	if err != nil {
		return err
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	start := time.Now()
	results := probe.Run(ctx, targets, probe.Options{Timeout: f.timeout, Concurrency: f.concurrency, RatePerSec: f.rate})
	if ctx.Err() != nil {
		return &exitError{code: ExitInterrupted, err: fmt.Errorf("interrupted; no report written")}
	}
	res := probeResult(targets, results)
	res.Duration = time.Since(start)
	cat, err := g.catalog()
	if err != nil {
		return err
	}
	rep := &report.Report{Result: res, Rules: rules.All(), Version: Version(), SemanticVersion: SemanticVersion(),
		FailOn: failOn, NoFail: noFail, Catalog: cat, TechniqueName: func(id string) string { return objectName(cat, id) }}
	if err := emit(g, rep, f.format, f.output, "never"); err != nil {
		return err
	}
	return exitFor(rep)
}

// probeRules maps the probe's issues onto rules.
var probeRules = map[string]*rule.Rule{
	probe.RuleRCEAPI: rules.ProbeRCEAPI, probe.RuleAPINoAuth: rules.ProbeAPINoAuth,
	probe.RuleVulnerableVersion: rules.ProbeVulnerableVersion, probe.RuleNoTLS: rules.ProbeNoTLS,
}

// probeResult turns probe results into a scan result: each issue a
// finding located at the target's URL (credentials in it removed), a
// target that could not be probed a failure (exit 2), one where no known
// service answered a target not analyzed.
func probeResult(targets []string, rs []probe.Result) *result.Result {
	res := &result.Result{Paths: nil}
	for _, r := range rs {
		where := redactURL(r.URL)
		res.Paths = append(res.Paths, where)
		switch {
		case r.Err != nil:
			res.Failed = append(res.Failed, source.Skip{Path: where, Reason: r.Err.Error()})
			continue
		case r.Service == "":
			res.NotAnalyzed = append(res.NotAnalyzed, source.Skip{Path: where, Reason: "no known ML service answered (MLflow, Ray, Jupyter, TorchServe, Triton, KServe, Gradio)"})
			continue
		}
		res.Analyzed++
		id := finding.AssetID(finding.AssetEndpoint, "probe:"+where)
		attrs := map[string]string{"service": r.Service, "authentication": fmt.Sprint(r.AuthOn)}
		if r.Version != "" {
			attrs["version"] = r.Version
		}
		res.Assets = append(res.Assets, finding.Asset{ID: id, Kind: finding.AssetEndpoint, Name: "probe:" + where,
			Locations: []finding.Location{{Path: where}}, Attrs: attrs})
		for _, is := range r.Issues {
			rl := probeRules[is.Rule]
			f := finding.Finding{Rule: rl, RuleID: rl.ID, Severity: rl.Severity, Confidence: rl.Confidence, Phase: rl.Phase,
				Techniques: rl.Techniques, Mitigations: rl.Mitigations, Location: finding.Location{Path: where},
				Message: is.Message, Evidence: is.Evidence, Assets: []string{id}}
			if is.SeverityReason != "" && is.Severity != f.Severity {
				f.Severity, f.SeverityReason = is.Severity, is.SeverityReason
			}
			sum := sha256.Sum256([]byte(f.RuleID + "\x00" + where + "\x00" + f.Evidence))
			f.Fingerprint = hex.EncodeToString(sum[:16])
			res.Findings = append(res.Findings, f)
		}
	}
	res.Finish()
	return res
}

// redactURL drops the user information of a URL so that no credential in
// a target reaches a report.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = nil
	return u.String()
}
