package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlsec/mlsec/internal/rules"
)

// service is a Go test server answering as one ML service does, from the
// services' documented responses, with or without authentication.
func service(t *testing.T, routes map[string]func(w http.ResponseWriter, r *http.Request)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("probe sent %s %s: detection must only GET", r.Method, r.URL.Path)
		}
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func jsonBody(v any) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
}

func status(code int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

func probeURL(t *testing.T, u string, o Options) Result {
	t.Helper()
	if o.Timeout == 0 {
		o.Timeout = 3 * time.Second
	}
	o.RatePerSec = 1000
	return Run(context.Background(), []string{u}, o)[0]
}

// rulesOf lists a result's issues as "rule@severity", in order.
func rulesOf(r Result) string {
	var out []string
	for _, is := range r.Issues {
		sev := rules.Lookup(is.Rule).Severity
		if is.SeverityReason != "" {
			sev = is.Severity
		}
		out = append(out, is.Rule+"@"+sev.String())
	}
	return strings.Join(out, " ")
}

// serviceCase is one fixture of testdata/services: the responses a
// service gives, as its documentation shows them, and what probe must
// conclude.
type serviceCase struct {
	// Target is the URL probed when it is not the test server's own:
	// the test's transport connects its host to the test server.
	Target  string   `json:"target"`
	Want    []string `json:"want"`
	Service string   `json:"service"`
	Version string   `json:"version"`
	Auth    bool     `json:"auth"`
	Routes  map[string]struct {
		Status  int               `json:"status"`
		Type    string            `json:"type"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
	} `json:"routes"`
}

// TestServices probes a Go test server per fixture of testdata/services,
// which answers as the service does with or without authentication.
func TestServices(t *testing.T) {
	files, _ := filepath.Glob("testdata/services/*.json")
	if len(files) < 10 {
		t.Fatalf("only %d service fixtures", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var c serviceCase
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatal(err)
			}
			routes := map[string]func(http.ResponseWriter, *http.Request){}
			for path, rt := range c.Routes {
				routes[path] = func(w http.ResponseWriter, _ *http.Request) {
					for k, v := range rt.Headers {
						w.Header().Set(k, v)
					}
					if rt.Type != "" {
						w.Header().Set("Content-Type", rt.Type)
					}
					w.WriteHeader(rt.Status)
					fmt.Fprint(w, rt.Body)
				}
			}
			srv := service(t, routes)
			target, o := srv.URL, Options{}
			if c.Target != "" {
				target = c.Target
				addr := strings.TrimPrefix(srv.URL, "http://")
				o.Transport = &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
					return (&net.Dialer{}).DialContext(ctx, network, addr)
				}}
			}
			r := probeURL(t, target, o)
			if r.Err != nil {
				t.Fatalf("error: %v", r.Err)
			}
			var want []string
			for _, w := range c.Want {
				want = append(want, strings.TrimPrefix(w, "want: "))
			}
			if r.Service != c.Service || r.Version != c.Version || r.AuthOn != c.Auth || rulesOf(r) != strings.Join(want, " ") {
				t.Errorf("got service %q version %q auth %v issues %q; want %q %q %v %q",
					r.Service, r.Version, r.AuthOn, rulesOf(r), c.Service, c.Version, c.Auth, strings.Join(want, " "))
			}
		})
	}
}

// TestHostileTargets: each hostile answer is a clear error for its target
// within its time limit, never a hang or a crash.
func TestHostileTargets(t *testing.T) {
	huge := service(t, map[string]func(http.ResponseWriter, *http.Request){
		"/api/version": func(w http.ResponseWriter, _ *http.Request) {
			chunk := []byte(strings.Repeat("A", 64<<10))
			for i := 0; i < 1024; i++ { // 64 MiB
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
	})
	slow := service(t, map[string]func(http.ResponseWriter, *http.Request){
		"/api/version": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(200)
			for i := 0; i < 600; i++ { // one byte a second: slowloris
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(time.Second):
				}
			}
		},
	})
	loop := service(t, map[string]func(http.ResponseWriter, *http.Request){
		"/api/version": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/api/version", http.StatusFound) },
	})
	invalid := service(t, map[string]func(http.ResponseWriter, *http.Request){
		"/api/version": status(200, `{"ray_version": `),
		"/v2":          status(200, `{"name": "triton", "version": [`),
	})
	refused := httptest.NewServer(http.NotFoundHandler())
	refusedURL := refused.URL
	refused.Close()
	o := Options{Timeout: 2 * time.Second, RatePerSec: 1000, MaxBody: 1 << 20}
	start := time.Now()
	rs := Run(context.Background(), []string{huge.URL, slow.URL, loop.URL, invalid.URL, refusedURL}, o)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("hostile targets took %s with a 2 s limit each", d)
	}
	wantErr := []string{"larger than the limit", "no answer within 2s", "redirects", "", "refused"}
	for i, r := range rs {
		switch {
		case wantErr[i] == "":
			if r.Err != nil || r.Service != "" {
				t.Errorf("%s: invalid JSON should identify nothing, got %q %v", r.URL, r.Service, r.Err)
			}
		case r.Err == nil || !strings.Contains(r.Err.Error(), wantErr[i]):
			t.Errorf("%s: error %v, want one about %q", r.URL, r.Err, wantErr[i])
		}
	}
}

// TestRedirectToAnotherHostNotFollowed: probe talks only to the addresses
// it was given.
func TestRedirectToAnotherHostNotFollowed(t *testing.T) {
	other := service(t, map[string]func(http.ResponseWriter, *http.Request){
		"/api/version": func(w http.ResponseWriter, _ *http.Request) {
			t.Error("probe followed a redirect to another host")
		},
	})
	srv := service(t, map[string]func(http.ResponseWriter, *http.Request){
		"/api/version": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/api/version", http.StatusFound)
		},
	})
	r := probeURL(t, srv.URL, Options{})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "another host") {
		t.Errorf("error %v", r.Err)
	}
}

// TestNoTLSOffLoopback: plain HTTP is reported for a network address, not
// for loopback.
func TestNoTLSOffLoopback(t *testing.T) {
	if loopback("10.1.2.3") || !loopback("127.0.0.1") || !loopback("localhost") || !loopback("::1") {
		t.Fatal("loopback")
	}
	srv := service(t, map[string]func(http.ResponseWriter, *http.Request){
		"/v1/models": jsonBody(map[string]any{"models": []string{"m"}}),
	})
	r := probeURL(t, srv.URL, Options{})
	if strings.Contains(rulesOf(r), RuleNoTLS) {
		t.Errorf("loopback reported as plain HTTP: %q", rulesOf(r))
	}
}

func TestVersions(t *testing.T) {
	for v, want := range map[string]bool{"2.8.0": true, "2.8.1": false, "2.10.0": false, "v2.7": true, "2.8.1rc1": false, "": false, "garbage": false} {
		if got := len(versionIssues("Ray", v)) > 0; got != want {
			t.Errorf("Ray %q vulnerable = %v", v, got)
		}
	}
	if is := versionIssues("MLflow", "2.2.0"); len(is) != 1 || !strings.Contains(is[0].Message, "CVE-2023-1177") || !strings.Contains(is[0].Message, "CVE-2024-1483") {
		t.Errorf("MLflow 2.2.0: %+v", is)
	}
}

// TestManyTargets: 500 loopback targets complete within the concurrency
// and time limits (see BenchmarkManyTargets for the time).
func TestManyTargets(t *testing.T) {
	rs := manyTargets(t, 500)
	for _, r := range rs {
		if r.Err != nil || r.Service != "KServe" {
			t.Fatalf("%s: %q %v", r.URL, r.Service, r.Err)
		}
	}
}

func manyTargets(t testing.TB, n int) []Result {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/v1/models") {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"models": ["m"]}`)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	var targets []string
	for i := 0; i < n; i++ {
		targets = append(targets, fmt.Sprintf("%s/t%d", srv.URL, i))
	}
	return Run(context.Background(), targets, Options{Timeout: 5 * time.Second, Concurrency: 32, RatePerSec: 5000})
}

func BenchmarkManyTargets(b *testing.B) {
	for b.Loop() {
		manyTargets(b, 500)
	}
}
