package probe

import (
	"context"
	"strings"

	"github.com/mlsec/mlsec/internal/rule"
)

// Rule IDs of the issues a probe reports (declared in package rules).
const (
	RuleRCEAPI            = "probe/rce-api-no-auth"
	RuleAPINoAuth         = "probe/api-no-auth"
	RuleVulnerableVersion = "probe/vulnerable-version"
	RuleNoTLS             = "probe/no-tls"
)

// identity is a recognised service.
type identity struct {
	service, version string
	authOn           bool
	issues           []Issue
}

// detector recognises one service from its documented responses. It
// returns nil when the target is not that service, and an error only when
// the target could not be asked at all.
type detector struct {
	name   string
	detect func(ctx context.Context, c *client) (*identity, error)
}

// detectors are tried in order; the first that recognises the target
// decides. Each uses only GET requests on read-only endpoints.
var detectors = []detector{
	{"Ray", detectRay},
	{"MLflow", detectMLflow},
	{"Jupyter", detectJupyter},
	{"TorchServe", detectTorchServe},
	{"Triton", detectTriton},
	{"KServe", detectKServe},
	{"Gradio", detectGradio},
}

// Reasons a probe issue's severity differs from its rule's.
const (
	runsCode      = "the API answered without credentials runs code"
	inferenceOnly = "an inference-only API: models can be queried and extracted, not replaced"
)

func denied(status int) bool { return status == 401 || status == 403 }

func ev(r *response) string { return "GET " + r.path + " → " + itoa(r.status) }

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// Ray's dashboard answers /api/version with its version; its job
// submission API (/api/jobs/) runs any shell command it is sent and has no
// authentication unless token auth is configured (ShadowRay).
func detectRay(ctx context.Context, c *client) (*identity, error) {
	r, err := c.get(ctx, "/api/version")
	if err != nil {
		return nil, err
	}
	var v struct {
		RayVersion string `json:"ray_version"`
	}
	if r.status != 200 || !r.json(&v) || v.RayVersion == "" {
		if denied(r.status) && strings.Contains(strings.ToLower(string(r.body)), "ray") {
			return &identity{service: "Ray", authOn: true}, nil
		}
		return nil, nil
	}
	id := &identity{service: "Ray", version: v.RayVersion}
	jobs, err := c.get(ctx, "/api/jobs/")
	if err != nil {
		return nil, err
	}
	switch {
	case denied(jobs.status):
		id.authOn = true
	case jobs.status == 200 && strings.HasPrefix(strings.TrimSpace(string(jobs.body)), "["):
		id.issues = append(id.issues, Issue{Rule: RuleRCEAPI, Severity: rule.Critical, SeverityReason: runsCode, Evidence: ev(jobs),
			Message: "Ray " + v.RayVersion + " lists jobs without authentication: its job submission API runs any command it is sent on the cluster (ShadowRay, CVE-2023-48022: applicable class, no fixed version)"})
	}
	return id, nil
}

// MLflow's tracking server answers its REST API; with basic auth on it
// challenges with realm "mlflow". /version gives the version.
func detectMLflow(ctx context.Context, c *client) (*identity, error) {
	r, err := c.get(ctx, "/api/2.0/mlflow/experiments/search?max_results=1")
	if err != nil {
		return nil, err
	}
	id := &identity{service: "MLflow"}
	switch {
	case r.status == 401 && strings.Contains(strings.ToLower(r.header.Get("WWW-Authenticate")), `realm="mlflow"`):
		id.authOn = true
	case r.status == 200:
		var v map[string]any
		if !r.json(&v) {
			return nil, nil
		}
		if _, ok := v["experiments"]; !ok && len(v) != 0 {
			return nil, nil
		}
		id.issues = append(id.issues, Issue{Rule: RuleAPINoAuth, Evidence: ev(r),
			Message: "MLflow answers its REST API without authentication: anyone can read every run and artifact and register or replace models that deployments load"})
	default:
		return nil, nil
	}
	if vr, err := c.get(ctx, "/version"); err == nil && vr.status == 200 && len(vr.body) < 40 {
		id.version = strings.TrimSpace(string(vr.body))
	}
	return id, nil
}

// Jupyter answers /api with its version to anyone; /api/status needs the
// token when one is set (403 otherwise). Without one, its kernels run code.
func detectJupyter(ctx context.Context, c *client) (*identity, error) {
	r, err := c.get(ctx, "/api")
	if err != nil {
		return nil, err
	}
	var v struct {
		Version string `json:"version"`
	}
	if r.status != 200 || !r.json(&v) || v.Version == "" {
		return nil, nil
	}
	st, err := c.get(ctx, "/api/status")
	if err != nil {
		return nil, err
	}
	id := &identity{service: "Jupyter", version: v.Version}
	switch {
	case denied(st.status):
		id.authOn = true
	case st.status == 200:
		var s map[string]any
		if !st.json(&s) {
			return nil, nil // /api answered like Jupyter, /api/status did not
		}
		id.issues = append(id.issues, Issue{Rule: RuleRCEAPI, Severity: rule.Critical, SeverityReason: runsCode, Evidence: ev(st),
			Message: "Jupyter " + v.Version + " answers its API without a token or password: anyone who reaches it can start a kernel and run code"})
	default:
		return nil, nil
	}
	return id, nil
}

// TorchServe describes its API at /api-description (title "TorchServe");
// its management API lists models at /models, which token authorization
// (default since 0.11) refuses without a key.
func detectTorchServe(ctx context.Context, c *client) (*identity, error) {
	r, err := c.get(ctx, "/api-description")
	if err != nil {
		return nil, err
	}
	var d struct {
		Info struct {
			Title   string `json:"title"`
			Version string `json:"version"`
		} `json:"info"`
	}
	if r.status != 200 || !r.json(&d) || !strings.Contains(d.Info.Title, "TorchServe") {
		if r.status == 400 && strings.Contains(string(r.body), "Token Authorization") {
			return &identity{service: "TorchServe", authOn: true}, nil
		}
		return nil, nil
	}
	id := &identity{service: "TorchServe", version: d.Info.Version}
	m, err := c.get(ctx, "/models")
	if err != nil {
		return nil, err
	}
	var models struct {
		Models []any `json:"models"`
	}
	switch {
	case denied(m.status) || strings.Contains(string(m.body), "Token Authorization"):
		id.authOn = true
	case m.status == 200 && m.json(&models) && models.Models != nil:
		id.issues = append(id.issues, Issue{Rule: RuleRCEAPI, Severity: rule.Critical, SeverityReason: runsCode, Evidence: ev(m),
			Message: "TorchServe's management API answers without a token: anyone who reaches it can register a model archive from a URL, whose handler then runs (ShellTorch)"})
	}
	return id, nil
}

// Triton answers /v2 with its name, version and extensions; it has no
// authentication of its own, and the model_repository extension loads and
// unloads models on request.
func detectTriton(ctx context.Context, c *client) (*identity, error) {
	r, err := c.get(ctx, "/v2")
	if err != nil {
		return nil, err
	}
	var v struct {
		Name       string   `json:"name"`
		Version    string   `json:"version"`
		Extensions []string `json:"extensions"`
	}
	if r.status != 200 || !r.json(&v) || v.Name != "triton" {
		return nil, nil
	}
	id := &identity{service: "Triton", version: v.Version}
	msg := "Triton " + v.Version + " answers inference requests without authentication: anyone who reaches it can query, and so extract, its models"
	is := Issue{Rule: RuleAPINoAuth, Evidence: ev(r), Message: msg, Severity: rule.Medium, SeverityReason: inferenceOnly}
	for _, e := range v.Extensions {
		if e == "model_repository" || strings.HasPrefix(e, "model_repository(") {
			is.Message = "Triton " + v.Version + " exposes its model repository API without authentication: anyone who reaches it can load and unload models (a Python-backend model runs its code)"
			is.Severity, is.SeverityReason = rule.Critical, runsCode
		}
	}
	id.issues = append(id.issues, is)
	return id, nil
}

// KServe's V1 protocol lists its models at /v1/models.
func detectKServe(ctx context.Context, c *client) (*identity, error) {
	r, err := c.get(ctx, "/v1/models")
	if err != nil {
		return nil, err
	}
	var v struct {
		Models []string `json:"models"`
	}
	if r.status != 200 || !r.json(&v) || v.Models == nil {
		return nil, nil
	}
	return &identity{service: "KServe", issues: []Issue{{Rule: RuleAPINoAuth, Evidence: ev(r), Severity: rule.Medium, SeverityReason: inferenceOnly,
		Message: "the KServe model server lists and serves its models (" + strings.Join(first(v.Models, 5), ", ") + ") without authentication: anyone who reaches it can query, and so extract, them"}}}, nil
}

// Gradio serves its app's configuration at /config; with auth set, it
// answers {"auth_required": true}.
func detectGradio(ctx context.Context, c *client) (*identity, error) {
	r, err := c.get(ctx, "/config")
	if err != nil {
		return nil, err
	}
	var v struct {
		Version      string `json:"version"`
		AuthRequired bool   `json:"auth_required"`
		Components   []any  `json:"components"`
	}
	if r.status != 200 || !r.json(&v) || (v.Components == nil && !v.AuthRequired) {
		return nil, nil
	}
	id := &identity{service: "Gradio", version: v.Version, authOn: v.AuthRequired}
	if !v.AuthRequired {
		id.issues = append(id.issues, Issue{Rule: RuleAPINoAuth, Evidence: ev(r), Severity: rule.Low,
			SeverityReason: "Gradio apps are often meant to be public; the API exposes the same functions as the page",
			Message:        "the Gradio app " + v.Version + " has no login: anyone who reaches it can call its functions through the API, not only through the page"})
	}
	return id, nil
}

func first(l []string, n int) []string {
	if len(l) > n {
		return append(l[:n:n], "…")
	}
	return l
}
