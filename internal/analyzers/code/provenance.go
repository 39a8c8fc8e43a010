package code

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/python"
	"github.com/mlsec/mlsec/internal/rule"
)

// Provenance of the path or bytes a loader reads, followed within the file:
// through names bound to calls ("with open(p) as f", "r = requests.get(u)"),
// wrapper calls (open, io.BytesIO, os.path.join) and function parameters.

type provKind int

const (
	provUnknown  provKind = iota
	provSelf              // a literal path the same file writes
	provCaller            // a parameter, command-line option or environment variable
	provDownload          // fetched over the network
	provWeb               // the body of an HTTP request a web handler serves
)

type prov struct {
	kind provKind
	what string
}

// subscripted matches a dotted name followed by one subscript.
var subscripted = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\[[^\[\]]*\]$`)

// maxProvDepth bounds how many calls and names provenance follows.
const maxProvDepth = 6

// webSources are resolved-name prefixes of request bodies in web frameworks.
var webSources = []string{"flask.request.", "quart.request.", "werkzeug.", "sanic.request.", "starlette.requests.Request", "fastapi.Request", "fastapi.UploadFile", "starlette.datastructures.UploadFile"}

// downloadSources are resolved-name prefixes of network reads.
var downloadSources = []string{"requests.", "httpx.", "urllib.request.urlopen", "urllib.request.urlretrieve", "urllib3.", "aiohttp.",
	"huggingface_hub.hf_hub_download", "huggingface_hub.snapshot_download", "huggingface_hub.file_download.hf_hub_download",
	"boto3.", "botocore.", "google.cloud.storage.", "wget.download", "gdown.download", "torch.hub.download_url_to_file"}

// urlOf is the URL an argument holds, as far as literals tell: "https://h/m.pkl",
// or "https://h/…" for a URL literal joined with other parts.
func urlOf(a *python.Arg) string {
	if a == nil {
		return ""
	}
	if a.Kind == python.StringLit && (strings.HasPrefix(a.Value, "https://") || strings.HasPrefix(a.Value, "http://")) {
		return a.Value
	}
	if a.Parts != nil && len(*a.Parts) > 0 {
		if u := urlOf(&(*a.Parts)[0]); u != "" {
			return u + "…"
		}
	}
	return ""
}

// joiners build a path from all their positional arguments.
var joiners = map[string]bool{"os.path.join": true, "posixpath.join": true, "ntpath.join": true, "pathlib.Path": true,
	"pathlib.PurePath": true, "pathlib.PosixPath": true, "urllib.parse.urljoin": true}

// wrappers pass their first argument's provenance through.
var wrappers = map[string]bool{
	"open": true, "io.open": true, "io.BytesIO": true, "io.BufferedReader": true, "os.path.join": true, "os.path.abspath": true,
	"os.path.expanduser": true, "pathlib.Path": true, "pathlib.PurePath": true, "str": true, "bytes": true, "gzip.open": true,
	"bz2.open": true, "lzma.open": true, "base64.b64decode": true, "zlib.decompress": true, "gzip.decompress": true,
	"fsspec.open": true, "smart_open.open": true, "tensorflow.io.gfile.GFile": true, "memoryview": true, "bytearray": true,
}

// classify names the provenance of a resolved name or callee chain.
func classify(r string) prov {
	switch {
	case r == "":
	case hasAnyPrefix(r, webSources):
		return prov{provWeb, "the body of an HTTP request (" + shortName(r) + ")"}
	case hasAnyPrefix(r, downloadSources) || strings.Contains(r, ".get_object()") || strings.Contains(r, ".download_file") ||
		strings.Contains(r, ".download_as_bytes") || strings.Contains(r, ".download_fileobj"):
		return prov{provDownload, "a download (" + shortName(r) + ")"}
	case strings.HasPrefix(r, "sys.argv") || strings.Contains(r, "parse_args()") || strings.Contains(r, "parse_known_args()"):
		return prov{provCaller, "a command-line argument (" + shortName(r) + ")"}
	case strings.HasPrefix(r, "os.environ") || strings.HasPrefix(r, "os.getenv"):
		return prov{provCaller, "an environment variable (" + shortName(r) + ")"}
	}
	return prov{}
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// shortName is a resolved chain without its call and subscript marks' noise, shortened.
func shortName(r string) string { return shorten(r, 60) }

// callAtStart is the call that spans exactly [start, end), or nil.
func (t *target) callSpanning(start, end int) *python.Call {
	t.indexCalls()
	if c := t.callAt[start]; c != nil && c.End == end {
		return c
	}
	return nil
}

func (t *target) indexCalls() {
	if t.callAt == nil {
		t.callAt = make(map[int]*python.Call, len(t.mod.Calls))
		for i := range t.mod.Calls {
			t.callAt[t.mod.Calls[i].Start] = &t.mod.Calls[i]
		}
	}
}

// callByOpen is the call whose opening parenthesis is token open, or nil.
func (t *target) callByOpen(open int) *python.Call {
	if open <= 0 {
		return nil
	}
	if t.callOpen == nil {
		t.callOpen = make(map[int]*python.Call, len(t.mod.Calls))
		for i := range t.mod.Calls {
			t.callOpen[t.mod.Calls[i].Open] = &t.mod.Calls[i]
		}
	}
	return t.callOpen[open]
}

// paramProv is the provenance of a function parameter.
func (t *target) paramProv(pr *python.Param, depth int) prov {
	name, fn, annot, decos := pr.Name, pr.Func, pr.Annot, pr.Decorators
	if annot != "" {
		if p := classify(annot); p.kind == provWeb {
			return prov{provWeb, fmt.Sprintf("the HTTP upload or request %s of %s() (%s)", name, fn, shortName(annot))}
		}
	}
	for _, d := range decos {
		if r := webRoute(d); r != "" {
			return prov{provWeb, fmt.Sprintf("the request parameter %s of the %s handler %s()", name, r, fn)}
		}
	}
	if t.gradioFns()[fn] {
		return prov{provWeb, fmt.Sprintf("the Gradio input %s of %s(), which any user of the app sends", name, fn)}
	}
	if p, ok := t.callerProv(pr, depth); ok {
		return p
	}
	return prov{provCaller, fmt.Sprintf("the parameter %s of %s(), set by its caller", name, fn)}
}

// rank orders provenances by how much an attacker controls them.
func (k provKind) rank() int {
	switch k {
	case provWeb:
		return 4
	case provDownload:
		return 3
	case provCaller:
		return 2
	case provSelf:
		return 1
	}
	return 0
}

// callerProv follows a parameter to the calls of its function in this
// file ("score(sys.argv[1])", "self.load(resp.content)") and returns what
// the most attacker-controlled of them passes for it. Results are kept per
// parameter, and a parameter being followed counts as unknown, so mutual
// recursion and a function called from thousands of places cost one pass
// over the calls per parameter.
func (t *target) callerProv(pr *python.Param, depth int) (prov, bool) {
	if pr.Func == "" || depth > maxProvDepth {
		return prov{}, false
	}
	if p, ok := t.viaCaller[pr]; ok {
		return p, p.kind != provUnknown
	}
	if t.viaCaller == nil {
		t.viaCaller = map[*python.Param]prov{}
	}
	t.viaCaller[pr] = prov{}
	var best prov
	for i := range t.mod.Calls {
		c := &t.mod.Calls[i]
		if c.Callee != pr.Func && !strings.HasSuffix(c.Callee, "."+pr.Func) {
			continue
		}
		a := c.Arg(pr.Name)
		if a == nil && pr.Index >= 0 {
			a = c.Positional(pr.Index)
		}
		if a == nil {
			continue
		}
		if p := t.argProv(a, depth+1); p.kind.rank() > best.kind.rank() {
			best = p
		}
	}
	if best.kind != provUnknown {
		best.what += fmt.Sprintf(", passed to %s() as %s", pr.Func, pr.Name)
	}
	t.viaCaller[pr] = best
	return best, best.kind != provUnknown
}

// argProv is the provenance of an argument's value.
func (t *target) argProv(a *python.Arg, depth int) prov {
	if a == nil || depth > maxProvDepth {
		return prov{}
	}
	if a.Parts != nil {
		// A path or URL joined from parts comes from the most
		// attacker-controlled of them.
		var best prov
		for i := range *a.Parts {
			if p := t.argProv(&(*a.Parts)[i], depth+1); p.kind.rank() > best.kind.rank() && p.kind != provSelf {
				best = p
			}
		}
		if best.kind != provUnknown {
			return best
		}
	}
	switch a.Kind {
	case python.StringLit:
		if strings.HasPrefix(a.Value, "http://") || strings.HasPrefix(a.Value, "https://") {
			return prov{provDownload, "a download (" + shorten(a.Value, 60) + ")"}
		}
		if w := t.writers()[a.Value]; w != "" && !a.Default {
			return prov{provSelf, fmt.Sprintf("%q, which this file writes with %s", shorten(a.Value, 60), w)}
		}
		return prov{}
	case python.DottedName:
		if p := classify(a.Resolved); p.kind != provUnknown {
			return p
		}
		if a.Param != nil {
			return t.paramProv(a.Param, depth)
		}
		if c := t.callByOpen(a.ValueCall); c != nil {
			return t.callProv(c, depth+1)
		}
	case python.Other:
		start := a.Start
		text := string(t.mod.Src[a.Start:a.End])
		if rest, ok := strings.CutPrefix(text, "await "); ok {
			start = a.End - len(rest)
		}
		if c := t.callSpanning(start, a.End); c != nil {
			return t.callProv(c, depth+1)
		}
		if a.Param != nil {
			return t.paramProv(a.Param, depth)
		}
		// A subscript of a name: sys.argv[1], os.environ["MODEL"].
		if m := subscripted.FindStringSubmatch(text); m != nil {
			return classify(t.mod.Resolve(m[1]) + "[]")
		}
	}
	return prov{}
}

// callProv is the provenance of a call's result.
func (t *target) callProv(c *python.Call, depth int) prov {
	if depth > maxProvDepth {
		return prov{}
	}
	name := callName(c)
	if p := classify(name); p.kind != provUnknown {
		if u := urlOf(c.Positional(0)); p.kind == provDownload && u != "" {
			p.what = "a download (" + shortName(name) + " of " + shorten(u, 60) + ")"
		}
		return p
	}
	if c.HeadParam != nil {
		if p := t.paramProv(c.HeadParam, depth); p.kind == provWeb {
			return p
		}
	}
	if h := t.callByOpen(c.HeadCall); h != nil && h != c {
		if p := t.callProv(h, depth+1); p.kind != provUnknown {
			return p
		}
	}
	if joiners[name] {
		// Every part of a joined path counts: os.path.join(MODEL_DIR, sys.argv[1]).
		var best prov
		for i := range c.Args {
			if c.Args[i].Keyword != "" {
				continue
			}
			if p := t.argProv(&c.Args[i], depth+1); p.kind.rank() > best.kind.rank() && p.kind != provSelf {
				best = p
			}
		}
		return best
	}
	if wrappers[name] || strings.HasSuffix(c.Callee, ".read") || strings.HasSuffix(c.Callee, ".getvalue") {
		return t.argProv(c.Positional(0), depth+1)
	}
	return prov{}
}

// writerArgs are the calls that write a file, with the keyword and position
// of the path (or the file object) they write.
var writerArgs = map[string]struct {
	kw  string
	pos int
}{
	"torch.save": {"f", 1}, "joblib.dump": {"filename", 1}, "pickle.dump": {"file", 1}, "dill.dump": {"file", 1},
	"cloudpickle.dump": {"file", 1}, "numpy.save": {"file", 0}, "numpy.savez": {"file", 0},
}

// writers maps the literal paths this file writes with a serializer to the
// writer's name.
func (t *target) writers() map[string]string {
	if t.written != nil {
		return t.written
	}
	t.written = map[string]string{}
	for i := range t.mod.Calls {
		c := &t.mod.Calls[i]
		name := callName(c)
		w, ok := writerArgs[name]
		if !ok && strings.HasSuffix(c.Callee, ".to_pickle") {
			w, ok = struct {
				kw  string
				pos int
			}{"path", 0}, true
			name = "DataFrame.to_pickle"
		}
		if !ok {
			continue
		}
		a := argAt(c, w.kw, w.pos)
		if a == nil {
			continue
		}
		if a.Kind == python.Other { // pickle.dump(obj, open("x.pkl", "wb"))
			if oc := t.callSpanning(a.Start, a.End); oc != nil && callName(oc) == "open" {
				a = oc.Positional(0)
			}
		}
		if a != nil && a.Kind == python.StringLit {
			t.written[a.Value] = name
		}
	}
	return t.written
}

// gradioFns are the functions a Gradio app calls with user input:
// gr.Interface(fn=f, …), gr.ChatInterface(f), button.click(f, …).
func (t *target) gradioFns() map[string]bool {
	if t.gradio != nil {
		return t.gradio
	}
	t.gradio = map[string]bool{}
	uses := false
	for _, im := range t.mod.Imports {
		if im.Module == "gradio" || strings.HasPrefix(im.Module, "gradio.") {
			uses = true
		}
	}
	if !uses {
		return t.gradio
	}
	for i := range t.mod.Calls {
		c := &t.mod.Calls[i]
		name := callName(c)
		last := c.Callee[strings.LastIndexByte(c.Callee, '.')+1:]
		if !strings.HasPrefix(name, "gradio.") && last != "click" && last != "submit" && last != "change" && last != "upload" {
			continue
		}
		a := argAt(c, "fn", 0)
		if a != nil && a.Kind == python.DottedName && !strings.Contains(a.Value, ".") {
			t.gradio[a.Value] = true
		}
	}
	return t.gradio
}

// loadSource is the argument a loader reads from.
func loadSource(c *python.Call) *python.Arg {
	for _, kw := range []string{"f", "file", "data", "filename", "filepath_or_buffer", "filepath", "checkpoint_path", "path"} {
		if a := c.Arg(kw); a != nil {
			return a
		}
	}
	return c.Positional(0)
}

// sourced adds the provenance of what the loader call c reads to d: the
// message names it, and the severity follows it.
func (t *target) sourced(c *python.Call, d *analysis.Diagnostic) {
	p := t.argProv(loadSource(c), 0)
	switch p.kind {
	case provUnknown:
		return
	case provWeb:
		d.Severity, d.SeverityReason = rule.Critical, "the data comes from "+p.what+": any client of the service can send a payload that runs code"
		d.Message += "; it reads " + p.what + " (attacker-controlled)"
	case provDownload:
		d.Message += "; it reads " + p.what + ": whoever controls that location, or the network path to it, controls the payload"
	case provCaller:
		d.Message += "; it reads " + p.what + " (caller-controlled)"
	case provSelf:
		d.Severity, d.SeverityReason = rule.Medium, "the file loads "+p.what+" (self-produced), so a tampered file must come from whoever can write it there"
		d.Message += "; it reads " + p.what + " (self-produced)"
	}
}

// webApps are the resolved prefixes of web application and router objects.
var webApps = map[string]string{
	"fastapi.FastAPI()": "FastAPI", "fastapi.APIRouter()": "FastAPI", "fastapi.routing.APIRouter()": "FastAPI",
	"flask.Flask()": "Flask", "flask.Blueprint()": "Flask", "quart.Quart()": "Quart", "sanic.Sanic()": "Sanic",
}

var routeMethods = map[string]bool{"get": true, "post": true, "put": true, "patch": true, "delete": true, "route": true,
	"api_route": true, "websocket": true}

// webRoute names the framework when decorator d registers a web route
// ("fastapi.FastAPI().post"), or "".
func webRoute(d string) string {
	k := strings.LastIndexByte(d, '.')
	if k < 0 || !routeMethods[d[k+1:]] {
		return ""
	}
	return webApps[d[:k]]
}
