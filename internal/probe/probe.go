// Package probe is mlsec's only network client. It identifies the ML
// service behind each URL it is given (MLflow, Ray, Jupyter, TorchServe,
// Triton, KServe, Gradio) with harmless GET requests, decides whether the
// service asks who is calling, reads its version where it shows one, and
// reports what an attacker would find: an unauthenticated API that runs
// code, a version with known vulnerabilities, plain HTTP off loopback.
//
// Detection only: it never sends an exploit, never writes, never submits a
// job, and talks to no address it was not given (redirects are followed
// only to the same host). Every response is bounded: a time limit per
// target covers connecting, headers and body, bodies are capped, and
// redirects are few, so a hostile endpoint (a huge body, a slowloris, a
// redirect loop) costs one target's time limit and gives a clear error.
package probe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mlsec/mlsec/internal/rule"
)

// Options bound a probe run.
type Options struct {
	Timeout      time.Duration // per target, all requests included (default 10 s)
	Concurrency  int           // targets probed at once (default 16)
	RatePerSec   float64       // requests per second over all targets (default 50; 0 uses the default)
	MaxBody      int64         // bytes read of one response body (default 1 MiB)
	MaxRedirects int           // redirects followed per request, same host only (default 3)
	// Transport replaces the HTTP transport (tests); nil uses one with
	// proxies from the environment.
	Transport http.RoundTripper
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.RatePerSec <= 0 {
		o.RatePerSec = 50
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 1 << 20
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 3
	}
}

// Result is what probing one target found.
type Result struct {
	URL      string
	Service  string // "" when no known service answered
	Version  string // "" when the service does not show it
	AuthOn   bool   // the service asked for credentials
	Issues   []Issue
	Err      error // the target could not be probed (refused, timed out, hostile response)
	Requests int
}

// Issue is one problem found on a target; the caller turns it into a
// finding of the named rule.
type Issue struct {
	Rule string // rule ID
	// Severity replaces the rule's when SeverityReason says why: an API
	// that runs code is critical, an inference-only one medium.
	Severity       rule.Severity
	SeverityReason string
	Message        string
	Evidence       string // the request and what answered
}

// Run probes every target and returns one result per target, in order.
func Run(ctx context.Context, targets []string, o Options) []Result {
	o.defaults()
	tr := o.Transport
	if tr == nil {
		tr = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: o.Timeout}).DialContext,
			TLSHandshakeTimeout:   o.Timeout,
			ResponseHeaderTimeout: o.Timeout,
			MaxIdleConnsPerHost:   2,
			DisableCompression:    true, // a gzip bomb is not inflated: bodies are read as sent
		}
	}
	lim := newLimiter(o.RatePerSec)
	defer lim.stop()
	out := make([]Result, len(targets))
	sem := make(chan struct{}, o.Concurrency)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = probeOne(ctx, t, tr, lim, o)
		}()
	}
	wg.Wait()
	return out
}

// client is one target's view of the network.
type client struct {
	base *url.URL
	http *http.Client
	lim  *limiter
	max  int64
	n    int
}

// response is a bounded response.
type response struct {
	status int
	header http.Header
	body   []byte
	path   string
}

func (r *response) json(v any) bool { return json.Unmarshal(r.body, v) == nil }

// errTooLarge is a body past the cap: reported, not parsed.
var errTooLarge = errors.New("response body larger than the limit")

// get fetches path relative to the target's base URL.
func (c *client) get(ctx context.Context, path string) (*response, error) {
	if err := c.lim.wait(ctx); err != nil {
		return nil, err
	}
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	if i := strings.IndexByte(path, '?'); i >= 0 {
		u.Path = strings.TrimSuffix(c.base.Path, "/") + path[:i]
		u.RawQuery = path[i+1:]
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "mlsec-probe (detection only; https://github.com/mlsec/mlsec)")
	req.Header.Set("Accept", "application/json, text/plain;q=0.9, */*;q=0.1")
	c.n++
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > c.max {
		return nil, fmt.Errorf("GET %s: %w (%d bytes)", path, errTooLarge, c.max)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: body, path: path}, nil
}

func probeOne(ctx context.Context, target string, tr http.RoundTripper, lim *limiter, o Options) Result {
	res := Result{URL: target}
	u, err := url.Parse(strings.TrimSpace(target))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		res.Err = fmt.Errorf("not an http(s) URL: %q", target)
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	c := &client{base: u, lim: lim, max: o.MaxBody}
	c.http = &http.Client{Transport: tr, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > o.MaxRedirects {
			return fmt.Errorf("more than %d redirects", o.MaxRedirects)
		}
		if req.URL.Host != u.Host {
			return fmt.Errorf("redirect to another host (%s) not followed", req.URL.Host)
		}
		return nil
	}}
	defer func() { res.Requests = c.n }()
	for _, d := range detectors {
		id, err := d.detect(ctx, c)
		if err != nil {
			if ctx.Err() != nil {
				res.Err = fmt.Errorf("no answer within %s: %w", o.Timeout, err)
			} else {
				res.Err = err
			}
			return res
		}
		if id == nil {
			continue
		}
		res.Service, res.Version, res.AuthOn, res.Issues = id.service, id.version, id.authOn, id.issues
		res.Issues = append(res.Issues, versionIssues(id.service, id.version)...)
		break
	}
	if res.Service != "" && u.Scheme == "http" && !loopback(u.Hostname()) {
		res.Issues = append(res.Issues, Issue{Rule: RuleNoTLS, Evidence: "GET " + target,
			Message: res.Service + " answers over plain HTTP on a non-loopback address: credentials, tokens and model payloads cross the network in clear text"})
	}
	return res
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// limiter spaces requests over all targets.
type limiter struct {
	t  *time.Ticker
	ch <-chan time.Time
}

func newLimiter(perSec float64) *limiter {
	t := time.NewTicker(time.Duration(float64(time.Second) / perSec))
	return &limiter{t: t, ch: t.C}
}

func (l *limiter) wait(ctx context.Context) error {
	select {
	case <-l.ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *limiter) stop() { l.t.Stop() }
