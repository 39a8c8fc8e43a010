package container

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/secretlike"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// service is one compose service, as far as the checks need it.
type service struct {
	name      string
	node      *yaml.Node // the service's key, for its line
	image     string
	imageNode *yaml.Node
	build     bool     // built from a Dockerfile: image names the result, nothing is pulled
	id        string   // the service's asset ID, "" when it has none
	argv      []string // entrypoint + command, for recognising the service
	entry     *yaml.Node
	command   *yaml.Node
	published []*yaml.Node
	env       []envVar
	envFile   bool
}

type envVar struct {
	name, value string
	node        *yaml.Node
}

// mlKind names the ML services this analyzer knows.
type mlKind int

const (
	otherService mlKind = iota
	mlflowService
	jupyterService
	rayService
	minioService
	tensorboardService
	labelStudioService
	torchserveService
	appService // Gradio, Streamlit: user-facing, auth lives in the app code
	databaseService
	llmService          // vLLM, text-generation-inference, Ollama
	vectorService       // Qdrant, Weaviate, Milvus, Chroma
	computeService      // Dask, Spark, H2O
	orchestratorService // Airflow, Prefect, Dagster, ClearML
)

func runCompose(p *analysis.Pass) error {
	docs, err := yamlutil.Parse(p.Content)
	if err != nil {
		return err
	}
	var ps pins
	for _, doc := range docs {
		services := yamlutil.Get(doc, "services")
		var count int
		yamlutil.Pairs(services, func(k, v *yaml.Node) {
			if count++; count%64 == 0 && p.Canceled() {
				return
			}
			checkService(p, readService(k, v), &ps)
		})
		if p.Canceled() {
			return p.Context.Err()
		}
	}
	ps.report(p)
	return nil
}

func readService(k, v *yaml.Node) *service {
	s := &service{name: k.Value, node: k, imageNode: yamlutil.Get(v, "image"), build: yamlutil.Get(v, "build") != nil}
	s.image = strings.TrimSpace(yamlutil.Str(s.imageNode))
	s.entry, s.command = yamlutil.Get(v, "entrypoint"), yamlutil.Get(v, "command")
	s.argv = append(commandWords(s.entry), commandWords(s.command)...)
	if yamlutil.Str(yamlutil.Get(v, "network_mode")) == "host" {
		s.published = append(s.published, yamlutil.Get(v, "network_mode"))
	}
	for _, port := range yamlutil.Items(yamlutil.Get(v, "ports")) {
		if publishedEverywhere(port) {
			s.published = append(s.published, port)
		}
	}
	env := yamlutil.Get(v, "environment")
	yamlutil.Pairs(env, func(k, v *yaml.Node) {
		if k.Tag == "!!merge" {
			// <<: *common-env, one level deep, as compose merges it
			yamlutil.Pairs(v, func(k, v *yaml.Node) {
				if k.Tag != "!!merge" {
					s.env = append(s.env, envVar{k.Value, yamlutil.Str(v), v})
				}
			})
			return
		}
		s.env = append(s.env, envVar{k.Value, yamlutil.Str(v), v})
	})
	for _, it := range yamlutil.Items(env) {
		name, val, _ := strings.Cut(yamlutil.Str(it), "=")
		s.env = append(s.env, envVar{name, val, it})
	}
	s.envFile = yamlutil.Get(v, "env_file") != nil
	return s
}

// commandWords is a command or entrypoint as words, for recognition only.
func commandWords(n *yaml.Node) []string {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return strings.Fields(n.Value)
	}
	var out []string
	for _, it := range yamlutil.Items(n) {
		out = append(out, yamlutil.Str(it))
	}
	return out
}

// publishedEverywhere reports whether a ports entry binds the host side on
// all interfaces: "5000:5000", "8888", "0.0.0.0:8888:8888", or the long
// syntax without host_ip.
func publishedEverywhere(port *yaml.Node) bool {
	if port.Kind == yaml.MappingNode {
		if yamlutil.Get(port, "published") == nil && yamlutil.Get(port, "target") == nil {
			return false
		}
		return allIfaces(yamlutil.Str(yamlutil.Get(port, "host_ip")))
	}
	spec := yamlutil.Str(port)
	if spec == "" {
		return false
	}
	spec, _, _ = strings.Cut(spec, "/") // protocol
	if strings.HasPrefix(spec, "[") {   // [::1]:5000:5000
		end := strings.IndexByte(spec, ']')
		if end < 0 {
			return false
		}
		return allIfaces(spec[1:end])
	}
	parts := strings.Split(spec, ":")
	if len(parts) == 3 {
		return allIfaces(parts[0])
	}
	return len(parts) <= 2
}

func allIfaces(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" || h == "*" }

// classify recognises a service by image and command.
func classify(s *service) mlKind {
	img := strings.ToLower(s.image)
	repo := img
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		repo = repo[:i]
	}
	cmd := strings.ToLower(strings.Join(s.argv, " "))
	has := func(sub string) bool { return strings.Contains(cmd, sub) }
	switch {
	case classifyMore(repo, cmd) != otherService:
		return classifyMore(repo, cmd)
	case strings.Contains(repo, "mlflow") || has("mlflow server") || has("mlflow ui"):
		return mlflowService
	case strings.HasPrefix(repo, "rayproject/") || has("ray start"):
		return rayService
	case strings.HasPrefix(repo, "jupyter/") || strings.HasPrefix(repo, "quay.io/jupyter/") || has("jupyter lab") ||
		has("jupyter notebook") || has("jupyter-lab") || has("start-notebook"):
		return jupyterService
	case strings.HasSuffix(repo, "minio/minio") || strings.HasSuffix(repo, "bitnami/minio") || strings.HasSuffix(repo, "/minio"):
		return minioService
	case strings.Contains(repo, "tensorboard") || has("tensorboard "):
		return tensorboardService
	case strings.Contains(repo, "label-studio"):
		return labelStudioService
	case strings.Contains(repo, "torchserve") || has("torchserve "):
		return torchserveService
	case strings.Contains(repo, "gradio") || has("gradio ") || has("streamlit run"):
		return appService
	case strings.HasPrefix(repo, "postgres") || strings.HasSuffix(repo, "/postgres") || strings.HasPrefix(repo, "mysql") ||
		strings.HasPrefix(repo, "mariadb") || strings.HasSuffix(repo, "/mysql"):
		return databaseService
	}
	return otherService
}

var kindNames = map[mlKind]string{
	mlflowService: "MLflow", jupyterService: "Jupyter", rayService: "Ray", minioService: "MinIO",
	tensorboardService: "TensorBoard", labelStudioService: "Label Studio", appService: "Gradio/Streamlit app",
	databaseService: "database", torchserveService: "TorchServe",
	llmService: "LLM inference server", vectorService: "vector database", computeService: "compute scheduler",
	orchestratorService: "orchestrator",
}

// servingKinds are the services that serve or train models, for the
// severity of a moving image tag.
var servingKinds = map[mlKind]string{
	mlflowService: "an MLflow server", rayService: "a Ray cluster", torchserveService: "a TorchServe model server",
	appService: "a Gradio/Streamlit model app",
}

func checkService(p *analysis.Pass, s *service, ps *pins) {
	kind := classify(s)
	// Command-line findings wait until the exposure is known: a server that
	// runs without authentication and is also published is one finding
	// with both reasons, not one per rule.
	var cmdDiags []analysis.Diagnostic
	cmdMatches := checkCommands(p, s, func(d analysis.Diagnostic) { cmdDiags = append(cmdDiags, d) })
	exposed := len(s.published) > 0
	defer func() {
		for _, d := range cmdDiags {
			p.Report(d)
		}
	}()

	imageID := ""
	if s.imageNode != nil && !strings.Contains(s.image, "$") {
		imageID = imageAsset(p, s.image, p.Line(s.imageNode.Line, s.imageNode.Column))
	}
	if kind != otherService {
		a := asset.New(finding.AssetEndpoint, "compose:"+s.name)
		if kind == minioService || kind == databaseService || kind == vectorService {
			a = asset.New(finding.AssetDataStore, "compose:"+s.name)
		}
		a.Locations = []finding.Location{p.Line(s.node.Line, s.node.Column)}
		a.Attrs = map[string]string{"service": kindNames[kind], "image": s.image, "published": strconv.FormatBool(exposed)}
		p.AddAsset(a)
		s.id = a.ID
		if imageID != "" {
			p.AddEdge(finding.Edge{From: s.id, To: imageID, Kind: finding.EdgeDeploys})
		}
	}
	if s.imageNode != nil && !s.build && !strings.Contains(s.image, "$") {
		checkImagePin(p, s, kind, imageID, ps)
	}

	if exposed {
		if !foldExposure(p, s, cmdDiags) {
			checkExposure(p, s, kind, cmdMatches)
		}
	}
	checkEnv(p, s, kind, exposed)
}

// checkImagePin notes a service image that follows a moving tag (latest or
// none). A fixed tag is left alone in compose files, unlike in Dockerfiles
// and manifests: they mostly describe local stacks of third-party services,
// where a digest on every image is noise; a moving tag changes what runs on
// every pull. A reference filled in by ${VAR} is not judged.
func checkImagePin(p *analysis.Pass, s *service, kind mlKind, imageID string, ps *pins) {
	img := parseImage(s.image)
	if !img.moving() {
		return
	}
	site := pinSite{loc: p.Line(s.imageNode.Line, s.imageNode.Column), evidence: "image: " + s.image,
		message: fmt.Sprintf("service %q uses image %s, which follows a moving tag (%s) and has no digest", s.name, s.image, img.tagText()),
		related: fmt.Sprintf("service %q uses the same image", s.name)}
	switch {
	case servingKinds[kind] != "":
		site.role = fmt.Sprintf("the image of service %q, %s", s.name, servingKinds[kind])
	case mlBase(img) != "":
		site.role = mlBase(img)
	default:
		if what := mlCommand(s.argv); what != "" {
			site.role = fmt.Sprintf("the image of service %q, which starts %s", s.name, what)
		}
	}
	ps.add(img, imageID, site)
}

// foldExposure attaches the published ports to the service's own exposure
// findings from its command line (MLflow, Jupyter, Ray … without
// authentication), and reports whether there was one: then the service's
// publication is a reason of that finding, not a finding of its own.
func foldExposure(p *analysis.Pass, s *service, diags []analysis.Diagnostic) bool {
	folded := false
	for i := range diags {
		d := &diags[i]
		if d.Rule == nil || d.Rule.Family() != "exposure" {
			continue
		}
		for _, port := range s.published {
			d.Related = append(d.Related, finding.Related{Location: p.Line(port.Line, port.Column),
				Message: fmt.Sprintf("service %q is published on all interfaces (ports: %s)", s.name, portText(port))})
		}
		sev := d.Rule.Severity
		if d.SeverityReason != "" {
			sev = d.Severity
		}
		if pub := rules.ServicePublished.Severity; sev < pub {
			d.Severity, d.SeverityReason = pub, fmt.Sprintf("service %q also publishes it on all interfaces", s.name)
		}
		folded = true
	}
	return folded
}

// checkCommands runs mlcmd on the service's entrypoint and command and hands
// each problem to report.
func checkCommands(p *analysis.Pass, s *service, report func(analysis.Diagnostic)) []mlcmd.Match {
	var all []mlcmd.Match
	var entryItems []*yaml.Node
	if s.entry != nil {
		if s.entry.Kind == yaml.ScalarNode {
			all = append(all, checkScalar(p, s.entry, s.envMap(), report)...)
		} else {
			entryItems = yamlutil.Items(s.entry)
		}
	}
	switch {
	case s.command != nil && s.command.Kind == yaml.ScalarNode:
		all = append(all, checkScalar(p, s.command, s.envMap(), report)...)
	case len(entryItems) > 0 || s.command != nil:
		items := append(append([]*yaml.Node{}, entryItems...), yamlutil.Items(s.command)...)
		argv := make([]string, len(items))
		for i, it := range items {
			argv[i] = yamlutil.Str(it)
		}
		for _, m := range mlcmd.CheckEnv(argv, s.envMap()) {
			at := s.node
			if m.Arg >= 0 && m.Arg < len(items) {
				at = items[m.Arg]
			}
			report(m.Diagnostic(p.Line(at.Line, at.Column)))
			all = append(all, m)
		}
	}
	return all
}

// checkScalar runs mlcmd on a command written as one string.
func checkScalar(p *analysis.Pass, n *yaml.Node, env map[string]string, report func(analysis.Diagnostic)) []mlcmd.Match {
	var out []mlcmd.Match
	for _, m := range mlcmd.CheckShellEnv(n.Value, env) {
		line, col := n.Line, n.Column
		switch {
		case n.Style&yaml.LiteralStyle != 0:
			line += m.Line // the text starts on the line after the indicator
			col = 0
		case n.Style&yaml.FoldedStyle != 0:
			col = 0 // folding joined the lines: report at the indicator
		case m.Line == 1 && n.Style == 0:
			col += m.Col - 1
		default:
			line += m.Line - 1
			col = 0
		}
		report(m.Diagnostic(p.Line(line, col)))
		out = append(out, m.Match)
	}
	return out
}

func checkExposure(p *analysis.Pass, s *service, kind mlKind, cmd []mlcmd.Match) {
	port := s.published[0]
	ev := "ports: " + portText(port)
	loc := p.Line(port.Line, port.Column)
	report := func(msg string, sev rule.Severity, why string) {
		p.Report(analysis.Diagnostic{Rule: rules.ServicePublished, Location: loc, Evidence: ev, Message: msg,
			Severity: sev, SeverityReason: why, Assets: serviceAssets(s)})
	}
	cmdline := strings.Join(s.argv, " ")
	switch kind {
	case mlflowService:
		if !strings.Contains(cmdline, "basic-auth") {
			report(fmt.Sprintf("MLflow service %q is published on all interfaces without authentication (no --app-name basic-auth)", s.name), 0, "")
		}
	case rayService:
		report(fmt.Sprintf("Ray service %q is published on all interfaces: its dashboard job API runs any command without authentication", s.name),
			rule.Critical, "Ray's job API runs any command for whoever reaches it")
	case jupyterService:
		for _, m := range cmd {
			if m.Rule == rules.JupyterNoAuth {
				report(fmt.Sprintf("Jupyter service %q is published on all interfaces and its token was emptied, so anyone who reaches it can run code", s.name),
					rule.Critical, "the Jupyter token is emptied, so the published server runs code for anyone")
				return
			}
		}
	case tensorboardService:
		report(fmt.Sprintf("TensorBoard service %q is published on all interfaces without authentication", s.name), 0, "")
	case labelStudioService:
		for _, e := range s.env {
			if e.name == "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK" && strings.EqualFold(e.value, "true") {
				return
			}
		}
		report(fmt.Sprintf("Label Studio service %q is published on all interfaces with open sign-up: anyone can create an account and edit annotations", s.name), 0, "")
	case appService:
		report(fmt.Sprintf("app service %q is published on all interfaces; make sure the app itself authenticates users", s.name),
			rule.Medium, "a Gradio or Streamlit app is meant to be reached; whether it authenticates lies in its code")
	case torchserveService:
		checkTorchServeExposure(p, s)
	case llmService, vectorService, computeService, orchestratorService:
		checkExposureMore(p, s, kind, cmd)
	}
}

// serviceAssets is the service's asset ID as a finding's list, nil when it
// has none.
func serviceAssets(s *service) []string {
	if s.id == "" {
		return nil
	}
	return []string{s.id}
}

// checkTorchServeExposure reports a TorchServe service that publishes its
// management API (8081, gRPC 7071) on all interfaces. The official image's
// config.properties binds it to 0.0.0.0; before 0.11 it has no
// authentication and registers models from any URL (ShellTorch).
func checkTorchServeExposure(p *analysis.Pass, s *service) {
	for _, port := range s.published {
		target := containerPort(port)
		if target != "8081" && target != "7071" {
			continue
		}
		d := analysis.Diagnostic{Rule: rules.ServicePublished, Location: p.Line(port.Line, port.Column), Evidence: "ports: " + portText(port),
			Assets: serviceAssets(s)}
		why := "anyone who reaches it can register a model, whose handler is code, unless token authorization (TorchServe 0.11+) is on"
		cmdline := strings.Join(s.argv, " ")
		if strings.Contains(cmdline, "--disable-token-auth") {
			why = "token authorization is disabled, so anyone who reaches it can register a model and run its handler code"
			d.Severity, d.SeverityReason = rule.Critical, "TorchServe token authorization is disabled"
		} else if v, ok := torchserveVersion(s.image); ok && v < 11 {
			why = "this TorchServe version has no authentication and registers models from any URL (ShellTorch, CVE-2023-43654)"
			d.Severity, d.SeverityReason = rule.Critical, "TorchServe before 0.11 has no authentication on its management API"
		}
		d.Message = fmt.Sprintf("TorchServe service %q publishes its management API (port %s) on all interfaces: %s", s.name, target, why)
		p.Report(d)
		return
	}
}

// containerPort is the container side of a ports entry: "8081" for
// "8081:8081", "127.0.0.1:9081:8081/tcp" or {target: 8081}.
func containerPort(port *yaml.Node) string {
	if port.Kind == yaml.MappingNode {
		return yamlutil.Str(yamlutil.Get(port, "target"))
	}
	if port.Kind != yaml.ScalarNode {
		return ""
	}
	spec, _, _ := strings.Cut(port.Value, "/")
	if i := strings.LastIndexByte(spec, ':'); i >= 0 {
		spec = spec[i+1:]
	}
	return spec
}

// torchserveVersion is the minor version of a pytorch/torchserve:0.MINOR.x
// image tag, when the tag says it.
func torchserveVersion(image string) (int, bool) {
	i := strings.LastIndexByte(image, ':')
	if i < 0 || i < strings.LastIndexByte(image, '/') {
		return 0, false
	}
	tag := image[i+1:]
	rest, ok := strings.CutPrefix(tag, "0.")
	if !ok {
		return 0, false
	}
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	if end == 0 || end > 3 {
		return 0, false
	}
	v, err := strconv.Atoi(rest[:end])
	return v, err == nil
}

func portText(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	if n.Kind == yaml.MappingNode {
		return "published " + yamlutil.Str(yamlutil.Get(n, "published")) + " target " + yamlutil.Str(yamlutil.Get(n, "target"))
	}
	return "network_mode: host"
}

// credential variables of the services that have default logins.
var minioSecretVars = []string{"MINIO_ROOT_PASSWORD", "MINIO_SECRET_KEY", "MINIO_ROOT_PASSWORD_FILE", "MINIO_SECRET_KEY_FILE"}

func checkEnv(p *analysis.Pass, s *service, kind mlKind, exposed bool) {
	// A default login on a published service is open to anyone who
	// reaches the host, not only to those who read the compose file.
	var sev rule.Severity
	suffix, why := "", ""
	if exposed {
		sev, suffix, why = rule.Critical, "; the service is also published on all interfaces", "the service is published on all interfaces"
	}
	for _, e := range s.env {
		val := interpolationDefault(e.value)
		loc := p.Line(e.node.Line, e.node.Column)
		pw, inURL := secretlike.URLPassword(val)
		switch {
		case secretlike.SecretName(e.name) && secretlike.Weak(val), inURL && secretlike.Weak(pw):
			p.Report(analysis.Diagnostic{Rule: rules.DefaultCredentials, Location: loc, Evidence: e.name + "=" + secretlike.Mask(val),
				Severity: sev, SeverityReason: why, Assets: serviceAssets(s),
				Message: fmt.Sprintf("service %q sets %s to a well-known default password%s", s.name, e.name, suffix)})
		case val != e.value && secretlike.Literal(e.name, val):
			checkEnvDefault(p, s, e.name, e.value, val, loc, exposed)
		case secretlike.Literal(e.name, val):
			p.Report(analysis.Diagnostic{Rule: rules.CredentialInEnv, Location: loc, Evidence: e.name + "=" + secretlike.Mask(val), Assets: serviceAssets(s),
				Message: fmt.Sprintf("service %q has a literal credential in %s, committed with the compose file", s.name, e.name)})
		}
	}
	if kind == minioService && !s.envFile {
		for _, e := range s.env {
			for _, v := range minioSecretVars {
				if e.name == v {
					return
				}
			}
		}
		p.Report(analysis.Diagnostic{Rule: rules.DefaultCredentials, Location: p.Line(s.node.Line, s.node.Column), Evidence: "image: " + s.image,
			Severity: sev, SeverityReason: why, Assets: serviceAssets(s),
			Message: fmt.Sprintf("MinIO service %q sets no root password, so it runs with minioadmin:minioadmin%s", s.name, suffix)})
	}
}

// checkEnvDefault judges a credential-like variable set to
// "${VAR:-default}": the default is the value only when VAR is unset at
// deploy time, so it is not necessarily the credential in use. A default
// that reads like filler (changeme-me, your-token, <set-me>, a path or
// another reference) is nothing (secretlike.Literal has excluded it); a
// real-looking default is high on a service published on all interfaces,
// where whoever reaches the host can try it, and medium otherwise.
func checkEnvDefault(p *analysis.Pass, s *service, name, raw, def string, loc finding.Location, exposed bool) {
	ref := raw
	if i := strings.IndexAny(raw, ":-"); i > 2 {
		ref = raw[:i] + "}"
	}
	d := analysis.Diagnostic{Rule: rules.CredentialInEnv, Location: loc, Evidence: name + "=" + ref + " (default " + secretlike.Mask(def) + ")", Assets: serviceAssets(s)}
	if exposed {
		d.Message = fmt.Sprintf("service %q falls back to a literal credential in %s when %s is unset, committed with the compose file; the service is also published on all interfaces", s.name, name, ref)
	} else {
		d.Severity, d.SeverityReason = rule.Medium, "the default applies only when "+ref+" is unset, and the service is not published"
		d.Message = fmt.Sprintf("service %q falls back to a literal credential in %s when %s is unset, committed with the compose file", s.name, name, ref)
	}
	p.Report(d)
}

// interpolationDefault returns the default of "${VAR:-default}" or
// "${VAR-default}", the value compose uses when VAR is unset; other values
// are returned unchanged.
func interpolationDefault(v string) string {
	if !strings.HasPrefix(v, "${") || !strings.HasSuffix(v, "}") {
		return v
	}
	inner := v[2 : len(v)-1]
	if _, def, ok := strings.Cut(inner, ":-"); ok {
		return def
	}
	if name, def, ok := strings.Cut(inner, "-"); ok && varName(name) {
		return def
	}
	return v
}

// varName reports whether s is a variable name (letters, digits, "_").
func varName(s string) bool {
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
