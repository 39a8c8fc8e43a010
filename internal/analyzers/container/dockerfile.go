package container

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/mlcmd"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/secretlike"
)

// stage is one FROM … section of a Dockerfile.
type stage struct {
	name     string
	image    string // as resolved, "" when it names an earlier stage
	imageID  string // the image's asset ID, "" when none
	parent   *stage // the earlier stage it builds on
	fromLine int
	user     string // last USER, "" when none in this stage
	userLine int
	cmd      *parser.Node
	entry    *parser.Node
	vars     map[string]string // ARG defaults and ENV values set in this stage
}

// lookup returns a variable's value as RUN sees it in stage s: set in the
// stage or an earlier stage it builds on, else a global ARG default.
func (d *dockerfile) lookup(name string) (string, bool) {
	for st, guard := d.cur, 0; st != nil && guard < 128; st, guard = st.parent, guard+1 {
		if v, ok := st.vars[name]; ok {
			return v, true
		}
	}
	v, ok := d.args[name]
	return v, ok && v != ""
}

func (s *stage) set(name, val string) {
	if s.vars == nil {
		s.vars = map[string]string{}
	}
	if len(s.vars) < 1024 {
		s.vars[name] = val
	}
}

// effectiveUser is the user the stage runs as, inherited through stages.
func (s *stage) effectiveUser() (user string, line int, set bool) {
	for st, guard := s, 0; st != nil && guard < 128; st, guard = st.parent, guard+1 {
		if st.user != "" {
			return st.user, st.userLine, true
		}
	}
	return "", 0, false
}

// root is the stage at the bottom of the chain, which names an external
// image; nil when there is none.
func (s *stage) root() *stage {
	for st, guard := s, 0; st != nil && guard < 128; st, guard = st.parent, guard+1 {
		if st.image != "" {
			return st
		}
	}
	return nil
}

func runDockerfile(p *analysis.Pass) error {
	res, err := parser.Parse(bytes.NewReader(p.Content))
	if err != nil {
		if strings.Contains(err.Error(), "file with no instructions") {
			return nil
		}
		return fmt.Errorf("invalid Dockerfile%s: %v", errLine(err), err)
	}
	d := &dockerfile{pass: p, lines: strings.Split(string(p.Content), "\n"), escape: res.EscapeToken, args: map[string]string{}, stages: map[string]*stage{}}
	for i, n := range res.AST.Children {
		if i%64 == 0 && p.Canceled() {
			return p.Context.Err()
		}
		d.instruction(n)
	}
	d.finish()
	return nil
}

func errLine(err error) string {
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		return fmt.Sprintf(" at line %d", le.Locations[0][0].Start.Line)
	}
	return ""
}

// dockerfile holds the walk's state.
type dockerfile struct {
	pass   *analysis.Pass
	lines  []string
	escape rune
	args   map[string]string // global ARG defaults, for FROM ${BASE}
	stages map[string]*stage // by lower-cased AS name
	cur    *stage
	all    []*stage
}

func (d *dockerfile) instruction(n *parser.Node) {
	switch strings.ToLower(n.Value) {
	case "from":
		d.from(n)
	case "arg":
		d.arg(n)
	case "env":
		d.env(n)
	case "user":
		if d.cur != nil && n.Next != nil {
			d.cur.user, d.cur.userLine = n.Next.Value, n.StartLine
		}
	case "add":
		d.add(n)
	case "run":
		d.run(n)
	case "cmd":
		if d.cur != nil {
			d.cur.cmd = n
		}
	case "entrypoint":
		if d.cur != nil {
			d.cur.entry = n
		}
	}
}

func (d *dockerfile) from(n *parser.Node) {
	var words []string
	for w := n.Next; w != nil && len(words) < 8; w = w.Next {
		words = append(words, w.Value)
	}
	if len(words) == 0 {
		return
	}
	st := &stage{fromLine: n.StartLine}
	if len(words) >= 3 && strings.EqualFold(words[1], "as") {
		st.name = strings.ToLower(words[2])
	}
	ref := d.expand(words[0])
	if parent, ok := d.stages[strings.ToLower(ref)]; ok {
		st.parent = parent
	} else if ref != "" {
		st.image = ref
		if !strings.EqualFold(ref, "scratch") {
			st.imageID = imageAsset(d.pass, ref, d.pass.Line(n.StartLine, 1))
		}
	}
	if st.name != "" {
		d.stages[st.name] = st
	}
	d.cur = st
	d.all = append(d.all, st)
}

// expand substitutes global ARG defaults in a FROM reference.
func (d *dockerfile) expand(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' {
			b.WriteByte(s[i])
			continue
		}
		name, rest := "", s[i+1:]
		if strings.HasPrefix(rest, "{") {
			end := strings.IndexByte(rest, '}')
			if end < 0 {
				return s
			}
			name = rest[1:end]
			i += end + 1
			if k, def, ok := strings.Cut(name, ":-"); ok {
				if v, ok := d.args[k]; ok && v != "" {
					b.WriteString(v)
				} else {
					b.WriteString(def)
				}
				continue
			}
		} else {
			j := 0
			for j < len(rest) && (rest[j] == '_' || rest[j] >= 'A' && rest[j] <= 'Z' || rest[j] >= 'a' && rest[j] <= 'z' || rest[j] >= '0' && rest[j] <= '9') {
				j++
			}
			name = rest[:j]
			i += j
		}
		v, ok := d.args[name]
		if !ok || v == "" {
			return "" // unknown at scan time
		}
		b.WriteString(v)
	}
	return b.String()
}

// checkBases reports the base images not pinned by digest, once per image.
// A moving tag is raised when the image trains or serves models: a known
// ML base image, or the base of a final stage that starts an ML server or
// a training job.
func (d *dockerfile) checkBases(last *stage) {
	starts, startRoot := "", last.root()
	if startRoot != nil {
		entry, _ := words(last.entry)
		cmd, _ := words(last.cmd)
		starts = mlCommand(append(append([]string{}, entry...), cmd...))
	}
	var ps pins
	for _, st := range d.all {
		if st.image == "" {
			continue
		}
		img := parseImage(st.image)
		site := pinSite{loc: d.pass.Line(st.fromLine, 1), evidence: "FROM " + st.image, related: "the same base image in another FROM"}
		if img.moving() {
			site.message = fmt.Sprintf("base image %s follows a moving tag (%s) and has no digest", st.image, img.tagText())
		} else {
			site.message = fmt.Sprintf("base image %s is pinned by tag only, not by digest", st.image)
		}
		switch {
		case mlBase(img) != "":
			site.role = mlBase(img)
		case st == startRoot && starts != "":
			site.role = "the base of a final stage that starts " + starts
		}
		ps.add(img, st.imageID, site)
	}
	ps.report(d.pass)
}

func (d *dockerfile) arg(n *parser.Node) {
	for w := n.Next; w != nil; w = w.Next {
		name, val, hasDefault := strings.Cut(w.Value, "=")
		val = unquote(val)
		if d.cur == nil && hasDefault {
			d.args[name] = val
		}
		if d.cur != nil && hasDefault {
			d.cur.set(name, val)
		}
		if hasDefault && secretlike.Literal(name, val) {
			d.pass.Report(analysis.Diagnostic{Rule: rules.CredentialInEnv, Location: d.pass.Line(n.StartLine, 1), Evidence: "ARG " + name + "=" + secretlike.Mask(val),
				Message: "build argument " + name + " has a secret default value; build arguments are recorded in the image history"})
		}
	}
}

func (d *dockerfile) env(n *parser.Node) {
	// The parser chains each pair as key, value, separator.
	for k := n.Next; k != nil && k.Next != nil; k = k.Next.Next.Next {
		name, val := k.Value, unquote(k.Next.Value)
		if d.cur != nil {
			d.cur.set(name, val)
		}
		loc := d.pass.Line(n.StartLine, 1)
		var assets []string
		if name == "PIP_INDEX_URL" || name == "PIP_EXTRA_INDEX_URL" {
			if id := indexAsset(d.pass, val, name, loc); id != "" {
				assets = []string{id}
			}
		}
		switch {
		case secretlike.Literal(name, val):
			d.pass.Report(analysis.Diagnostic{Rule: rules.CredentialInEnv, Location: loc, Evidence: "ENV " + name + "=" + secretlike.Mask(val),
				Message: "ENV " + name + " holds a literal credential, stored in the image configuration"})
		case name == "PIP_TRUSTED_HOST" && val != "",
			(name == "PIP_INDEX_URL" || name == "PIP_EXTRA_INDEX_URL") && strings.HasPrefix(val, "http://"):
			d.pass.Report(analysis.Diagnostic{Rule: rules.InsecureIndex, Location: loc, Evidence: "ENV " + name + "=" + val, Assets: assets,
				Message: "ENV " + name + " makes pip fetch packages without TLS verification"})
		case name == "PIP_EXTRA_INDEX_URL" && val != "":
			d.pass.Report(analysis.Diagnostic{Rule: rules.ExtraIndexURL, Location: loc, Evidence: "ENV " + name + "=" + val, Assets: assets,
				Message: "ENV PIP_EXTRA_INDEX_URL makes pip resolve packages from a second index, " + val + ": a public package of the same name can win"})
		}
		if k.Next.Next == nil {
			break
		}
	}
}

func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

func (d *dockerfile) add(n *parser.Node) {
	for _, f := range n.Flags {
		if strings.HasPrefix(f, "--checksum=") {
			return
		}
	}
	var srcs []string
	for w := n.Next; w != nil; w = w.Next {
		srcs = append(srcs, w.Value)
	}
	if len(srcs) < 2 {
		return
	}
	for _, s := range srcs[:len(srcs)-1] {
		if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
			d.pass.Report(analysis.Diagnostic{Rule: rules.RemoteAddNoChecksum, Location: d.pass.Line(n.StartLine, 1), Evidence: "ADD " + s,
				Message: "ADD fetches " + s + " at build time without --checksum"})
		}
	}
}

// finish runs the checks that need the whole file: the final stage's user
// and its start command.
func (d *dockerfile) finish() {
	if len(d.all) == 0 {
		return
	}
	last := d.all[len(d.all)-1]
	d.checkBases(last)
	d.checkUser(last)
	d.checkStart(last)
}

// nonRootImages set a non-root USER themselves.
// Ray images run as ray, TorchServe as model-server, Kubeflow notebook
// images as jovyan.
var nonRootImages = []string{"jupyter/", "quay.io/jupyter/", ":nonroot", "-nonroot", "cgr.dev/chainguard/", "bitnami/",
	"rayproject/ray", "pytorch/torchserve", "kubeflownotebookswg/"}

func (d *dockerfile) checkUser(st *stage) {
	var assets []string
	root := st.root()
	if root != nil && root.imageID != "" {
		// The image the final stage is built on: it decides the user when
		// the Dockerfile does not.
		assets = []string{root.imageID}
	}
	user, line, set := st.effectiveUser()
	if !set {
		if root == nil || strings.EqualFold(root.image, "scratch") {
			return
		}
		for _, p := range nonRootImages {
			if strings.Contains(root.image, p) {
				return
			}
		}
		d.pass.Report(analysis.Diagnostic{Rule: rules.RunsAsRoot, Location: d.pass.Line(st.fromLine, 1), Evidence: "FROM " + root.image, Assets: assets,
			Message: "the final stage sets no USER, so it runs as root"})
		return
	}
	u, _, _ := strings.Cut(user, ":")
	if u == "root" || u == "0" {
		d.pass.Report(analysis.Diagnostic{Rule: rules.RunsAsRoot, Location: d.pass.Line(line, 1), Evidence: "USER " + user, Assets: assets,
			Message: "the final stage switches to USER " + user})
	}
}

// checkStart runs mlcmd on the final stage's ENTRYPOINT and CMD, combined
// as Docker combines them.
func (d *dockerfile) checkStart(st *stage) {
	env := stageEnv(st)
	entry, entryShell := words(st.entry)
	cmd, cmdShell := words(st.cmd)
	switch {
	case st.entry != nil && entryShell:
		d.checkShellForm(st.entry)
	case st.entry != nil && st.cmd != nil && !cmdShell:
		argv := append(append([]string{}, entry...), cmd...)
		for _, m := range mlcmd.CheckEnv(argv, env) {
			n := st.entry
			if m.Arg >= len(entry) {
				n = st.cmd
			}
			d.pass.Report(m.Diagnostic(d.pass.Line(n.StartLine, 1)))
		}
	case st.entry != nil:
		for _, m := range mlcmd.CheckEnv(entry, env) {
			d.pass.Report(m.Diagnostic(d.pass.Line(st.entry.StartLine, 1)))
		}
	case st.cmd != nil && cmdShell:
		d.checkShellForm(st.cmd)
	case st.cmd != nil:
		for _, m := range mlcmd.CheckEnv(cmd, env) {
			d.pass.Report(m.Diagnostic(d.pass.Line(st.cmd.StartLine, 1)))
		}
	}
}

// stageEnv is the environment the final stage's command starts with, as
// far as the Dockerfile shows it: ENV (and ARG) values of the stage and the
// stages it builds on, the nearest winning.
func stageEnv(st *stage) map[string]string {
	var chain []*stage
	for s, guard := st, 0; s != nil && guard < 128; s, guard = s.parent, guard+1 {
		chain = append(chain, s)
	}
	env := map[string]string{}
	for i := len(chain) - 1; i >= 0; i-- {
		for k, v := range chain[i].vars {
			env[k] = v
		}
	}
	return env
}

// words returns an instruction's exec-form argv, or its shell-form text.
func words(n *parser.Node) (argv []string, shell bool) {
	if n == nil {
		return nil, false
	}
	if !n.Attributes["json"] {
		if n.Next != nil {
			return []string{n.Next.Value}, true
		}
		return nil, true
	}
	for w := n.Next; w != nil; w = w.Next {
		argv = append(argv, w.Value)
	}
	return argv, false
}

func (d *dockerfile) checkShellForm(n *parser.Node) {
	sc := d.script(n)
	if sc == nil {
		return
	}
	for _, m := range mlcmd.CheckShell(sc.text) {
		d.pass.Report(m.Diagnostic(sc.loc(d.pass, m.Line, m.Col)))
	}
}
