package code

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/python"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
)

// pickleLoaders are the callables that unpickle their input.
var pickleLoaders = map[string]bool{}

func init() {
	for _, mod := range []string{"pickle", "_pickle", "cPickle", "pickle5", "six.moves.cPickle", "dill", "cloudpickle"} {
		for _, fn := range []string{"load", "loads", "Unpickler"} {
			pickleLoaders[mod+"."+fn] = true
		}
	}
	for _, n := range []string{"pickle._load", "pickle._loads", "pickle._Unpickler", "dill.load_session", "dill.load_module",
		"shelve.open", "shelve.DbfilenameShelf", "jsonpickle.decode", "jsonpickle.unpickler.decode", "jsonpickle.loads"} {
		pickleLoaders[n] = true
	}
}

// joblibLoaders are joblib.load under the names it is imported by.
var joblibLoaders = map[string]bool{"joblib.load": true, "sklearn.externals.joblib.load": true, "joblib.numpy_pickle.load": true}

// torchLoaders are the functions that read a checkpoint with torch.load.
var torchLoaders = map[string]bool{
	"torch.load": true, "torch.serialization.load": true,
	// These download a checkpoint and pass it to torch.load.
	"torch.hub.load_state_dict_from_url": true, "torch.utils.model_zoo.load_url": true,
}

// numpyLoaders maps NumPy's readers to the position of allow_pickle.
var numpyLoaders = map[string]int{
	"numpy.load": 2, "numpy.lib.npyio.load": 2, "numpy.lib._npyio_impl.load": 2,
	"numpy.lib.format.read_array": 1,
}

var pandasLoaders = map[string]bool{"pandas.read_pickle": true, "pandas.io.pickle.read_pickle": true}

// known reports whether name is a callable some check looks at, so that a
// name from a star import ("from pickle import *") can be tried.
func known(name string) bool {
	if pickleLoaders[name] || joblibLoaders[name] || torchLoaders[name] || pandasLoaders[name] || isKerasLoadModel(name) {
		return true
	}
	if _, ok := numpyLoaders[name]; ok {
		return true
	}
	switch name {
	case "yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all", "torch.hub.load":
		return true
	}
	return false
}

// callName is the fully qualified name of the called function, trying the
// star imports in force when the callee's head was never bound.
func callName(c *python.Call) string {
	if len(c.Stars) > 0 {
		for i := len(c.Stars) - 1; i >= 0; i-- {
			if n := c.Stars[i] + "." + c.Callee; known(n) {
				return n
			}
		}
	}
	return c.Resolved
}

// check runs every check on one call.
func (t *target) check(c *python.Call) {
	name := callName(c)
	t.assets = t.callAssets(c, name)
	t.dataflow(c, name)
	switch {
	case name == "":
	case pickleLoaders[name] && t.roundTrip(c):
		// pickle.loads(pickle.dumps(x)) copies an object in-process: nothing
		// from outside is read.
	case (name == "shelve.open" || name == "shelve.DbfilenameShelf") && t.localShelf(c):
		// A shelf at a literal path of the project's own is a local cache.
	case pickleLoaders[name]:
		d := analysis.Diagnostic{Rule: rules.PickleLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Message: fmt.Sprintf("%s deserializes a pickle stream, which can run arbitrary code", name)}
		t.sourced(c, &d)
		t.pass.Report(d)
	case joblibLoaders[name]:
		d := analysis.Diagnostic{Rule: rules.JoblibLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Message: "joblib.load unpickles the file, which can run arbitrary code"}
		t.sourced(c, &d)
		t.pass.Report(d)
	case torchLoaders[name]:
		t.torchLoad(c, name)
	case numpyLoaders[name] > 0:
		t.flagArg(c, argAt(c, "allow_pickle", numpyLoaders[name]), true, rules.NumpyAllowPickle,
			name+" with allow_pickle=True unpickles object arrays, which can run arbitrary code",
			name+" with allow_pickle set from an expression that could not be resolved statically (unknown): if it is true, object arrays are unpickled, which can run arbitrary code")
	case pandasLoaders[name]:
		t.readPickle(c)
	case isKerasLoadModel(name):
		t.flagArg(c, argAt(c, "safe_mode", 3), false, rules.KerasUnsafeLoad,
			"load_model with safe_mode=False deserializes Lambda layers, which can run arbitrary code",
			"load_model with safe_mode set from an expression that could not be resolved statically (unknown): if it is false, Lambda layers in the model run arbitrary code")
		t.kerasDefaultLoad(c)
	case isKerasUnsafeSwitch(name):
		t.pass.Report(analysis.Diagnostic{Rule: rules.KerasUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Message: "enable_unsafe_deserialization turns off Keras safe mode for every later load_model, so Lambda layers in a model file can run arbitrary code"})
	case strings.HasPrefix(name, "yaml."):
		t.yamlLoad(c, name)
	case strings.HasPrefix(name, "ruamel.yaml."):
		t.ruamelYAML(c, name)
	case name == "torch.hub.load":
		t.torchHub(c)
	}
	if name != "" {
		last := name[strings.LastIndexByte(name, '.')+1:]
		if last == "from_pretrained" || last == "from_single_file" {
			t.fromPretrained(c, last)
		}
	}
	if strings.HasSuffix(c.Callee, ".load_from_checkpoint") {
		t.lightningLoad(c)
	}
	t.loaderRefs(c, name)
	t.moreChecks(c, name)
	// dict(trust_remote_code=True) is reported where it is passed as **kwargs.
	if a := c.Arg("trust_remote_code"); a.IsTrue() && name != "dict" {
		t.trustRemoteCode(c, a)
	}
}

// argAt returns the keyword argument kw, or else the positional argument at
// pos (0-based; -1 for keyword-only parameters).
func argAt(c *python.Call, kw string, pos int) *python.Arg {
	if a := c.Arg(kw); a != nil {
		return a
	}
	if pos < 0 {
		return nil
	}
	return c.Positional(pos)
}

func (t *target) torchLoad(c *python.Call, name string) {
	fn := name[strings.LastIndexByte(name, '.')+1:]
	if fn == "load" {
		fn = "torch.load"
	}
	a := c.Arg("weights_only")
	if a.IsTrue() {
		return
	}
	d := analysis.Diagnostic{Rule: rules.TorchLoadUnsafe, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets}
	switch {
	case a.IsFalse():
		d.Confidence, d.ConfidenceReason = rule.HighConfidence, "weights_only=False is written in the call"
		if a.Via != "" {
			d.ConfidenceReason = "weights_only is set from " + a.Via + ", which is bound to a false value"
		}
		d.Message = fn + " with weights_only=False" + viaNote(a) + " unpickles the checkpoint, which can run arbitrary code"
		t.defaultConfidence(&d, a)
	case a != nil && a.Kind == python.NoneLit:
		d.Message = fn + " with weights_only=None" + viaNote(a) + " uses the version's default: PyTorch before 2.6 unpickles the checkpoint, which can run arbitrary code; pass weights_only=True"
	case a != nil:
		d.Confidence, d.ConfidenceReason = rule.LowConfidence, "weights_only is set from an expression whose value is not known statically"
		d.Message = fn + " with weights_only set from an expression that could not be resolved statically (unknown): make sure it is always True, or a malicious checkpoint can run code"
	case c.HasStarStar():
		d.Confidence, d.ConfidenceReason = rule.LowConfidence, "weights_only=True may be passed in **kwargs"
		d.Message = fn + " without an explicit weights_only=True (it may come from **kwargs); before PyTorch 2.6 the default unpickles arbitrary objects"
	default:
		d.Message = fn + " without weights_only=True: PyTorch before 2.6 (or with TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD set) unpickles the checkpoint, which can run arbitrary code; pass weights_only=True explicitly"
	}
	t.sourced(c, &d)
	t.pass.Report(d)
}

// lightningLoad checks Model.load_from_checkpoint, which Lightning (and
// libraries built on it) implement with torch.load; the model class is
// usually the project's own, so the callee is matched by method name.
func (t *target) lightningLoad(c *python.Call) {
	a := c.Arg("weights_only")
	if a.IsTrue() {
		return
	}
	d := analysis.Diagnostic{Rule: rules.TorchLoadUnsafe, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
		Message: "load_from_checkpoint reads the checkpoint with torch.load, which unpickles it unless weights_only=True is in force (PyTorch before 2.6, Lightning before 2.5); pass weights_only=True"}
	if a.IsFalse() {
		d.Confidence, d.ConfidenceReason = rule.HighConfidence, "weights_only=False is written in the call"
		d.Message = "load_from_checkpoint with weights_only=False unpickles the checkpoint with torch.load, which can run arbitrary code"
	}
	t.sourced(c, &d)
	t.pass.Report(d)
}

// refRules are the loaders that are commonly passed as callables
// (map(pickle.loads, rows), DatasetFolder(loader=torch.load),
// functools.partial(joblib.load, …)), and the rule each one falls under.
func refRule(name string) *rule.Rule {
	switch {
	case pickleLoaders[name] && !strings.HasSuffix(name, "Unpickler") && !strings.HasSuffix(name, "Shelf"):
		return rules.PickleLoad
	case joblibLoaders[name]:
		return rules.JoblibLoad
	case torchLoaders[name]:
		return rules.TorchLoadUnsafe
	case pandasLoaders[name]:
		return rules.PandasReadPickle
	}
	return nil
}

// typeChecks take a class or function as a value without calling it.
var typeChecks = map[string]bool{"isinstance": true, "issubclass": true, "hasattr": true, "getattr": true, "callable": true, "id": true, "print": true, "repr": true}

// loaderRefs reports loader functions passed to a call as values: whatever
// receives them calls them on its input.
func (t *target) loaderRefs(c *python.Call, name string) {
	if typeChecks[name] {
		return
	}
	for i := range c.Args {
		a := &c.Args[i]
		if a.Kind != python.DottedName || a.Resolved == "" {
			continue
		}
		r := refRule(a.Resolved)
		if r == nil {
			continue
		}
		if r == rules.TorchLoadUnsafe && (c.Arg("weights_only").IsTrue() || name == "torch.serialization.add_safe_globals") {
			continue // functools.partial(torch.load, weights_only=True)
		}
		t.pass.Report(analysis.Diagnostic{Rule: r, Location: t.location(a.Start, a.Line, a.Col), Evidence: t.evidence(c), Assets: t.assets,
			Message: fmt.Sprintf("%s is passed as a function to %s, which calls it on its input: that unpickles, and can run arbitrary code", a.Resolved, c.Callee)})
	}
}

// readPickle checks pandas.read_pickle, noting when it reads a URL.
func (t *target) readPickle(c *python.Call) {
	msg := "pandas.read_pickle unpickles the file, which can run arbitrary code"
	if a := argAt(c, "filepath_or_buffer", 0); a != nil && a.Kind == python.StringLit && strings.Contains(a.Value, "://") {
		msg = fmt.Sprintf("pandas.read_pickle fetches %s and unpickles it: whoever controls that location (or, over http, the network) runs code here", shorten(a.Value, 80))
	}
	d := analysis.Diagnostic{Rule: rules.PandasReadPickle, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets, Message: msg}
	if !strings.Contains(msg, "fetches") {
		t.sourced(c, &d)
	}
	t.pass.Report(d)
}

// isKerasUnsafeSwitch matches keras.config.enable_unsafe_deserialization,
// which turns safe_mode off for the whole process.
func isKerasUnsafeSwitch(name string) bool {
	if !strings.HasSuffix(name, ".enable_unsafe_deserialization") {
		return false
	}
	return strings.HasPrefix(name, "keras.") || strings.HasPrefix(name, "tensorflow.keras.") || strings.HasPrefix(name, "tf_keras.")
}

func isKerasLoadModel(name string) bool {
	if !strings.HasSuffix(name, ".load_model") {
		return false
	}
	for _, p := range []string{"keras.", "tensorflow.keras.", "tf.keras.", "tf_keras.", "tensorflow.python.keras."} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// yamlLoaderSafety classifies PyYAML loader classes.
var yamlLoaderSafety = map[string]int{
	"SafeLoader": safeLoader, "CSafeLoader": safeLoader, "BaseLoader": safeLoader, "CBaseLoader": safeLoader,
	"FullLoader": fullLoader, "CFullLoader": fullLoader,
	"Loader": unsafeLoader, "CLoader": unsafeLoader, "UnsafeLoader": unsafeLoader, "CUnsafeLoader": unsafeLoader,
}

const (
	unknownLoader = iota
	safeLoader
	fullLoader
	unsafeLoader
)

// loaderOf classifies a Loader argument; a class of the user's own (often a
// SafeLoader subclass) is unknown and not reported.
func loaderOf(a *python.Arg) (int, string) {
	if a == nil || a.Kind != python.DottedName {
		return unknownLoader, ""
	}
	r := a.Resolved
	for _, p := range []string{"yaml.loader.", "yaml.cyaml.", "yaml.", "ruamel.yaml.loader.", "ruamel.yaml.cyaml.", "ruamel.yaml."} {
		if strings.HasPrefix(r, p) {
			name := r[len(p):]
			return yamlLoaderSafety[name], name
		}
	}
	return unknownLoader, ""
}

func (t *target) yamlLoad(c *python.Call, name string) {
	switch name {
	case "yaml.unsafe_load", "yaml.unsafe_load_all":
		t.pass.Report(analysis.Diagnostic{Rule: rules.YAMLUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Message: name + " constructs arbitrary Python objects from the document, which can run code; use yaml.safe_load"})
	case "yaml.full_load", "yaml.full_load_all":
		t.pass.Report(analysis.Diagnostic{Rule: rules.YAMLUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Severity: rule.Medium, SeverityReason: "FullLoader runs code only in PyYAML before 5.4; later versions still build arbitrary Python objects",
			Message: name + " uses FullLoader, which ran code before PyYAML 5.4 (CVE-2020-14343) and still builds Python objects; use yaml.safe_load"})
	case "yaml.load", "yaml.load_all":
		a := argAt(c, "Loader", 1)
		if a == nil {
			if c.HasStarStar() {
				return
			}
			t.pass.Report(analysis.Diagnostic{Rule: rules.YAMLUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
				Confidence: rule.MediumConfidence, ConfidenceReason: "the default loader is unsafe only in PyYAML before 5.1, and the installed version is not known",
				Message: name + " without Loader=: PyYAML before 5.1 uses the unsafe loader; pass Loader=yaml.SafeLoader or use yaml.safe_load"})
			return
		}
		switch kind, cls := loaderOf(a); kind {
		case unsafeLoader:
			t.pass.Report(analysis.Diagnostic{Rule: rules.YAMLUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
				Message: fmt.Sprintf("%s with Loader=%s constructs arbitrary Python objects, which can run code; use yaml.SafeLoader", name, cls)})
		case fullLoader:
			t.pass.Report(analysis.Diagnostic{Rule: rules.YAMLUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
				Severity: rule.Medium, SeverityReason: "FullLoader runs code only in PyYAML before 5.4; later versions still build arbitrary Python objects",
				Message: fmt.Sprintf("%s with Loader=%s ran code before PyYAML 5.4 (CVE-2020-14343) and still builds Python objects; use yaml.SafeLoader", name, cls)})
		}
	}
}

// ruamelYAML checks ruamel.yaml: YAML(typ="unsafe") and the old module-level
// load functions, whose default loader before 0.18 was the unsafe one.
func (t *target) ruamelYAML(c *python.Call, name string) {
	switch name {
	case "ruamel.yaml.YAML", "ruamel.yaml.main.YAML":
		a := c.Arg("typ")
		if a == nil {
			return
		}
		unsafe := a.Kind == python.StringLit && a.Value == "unsafe"
		if a.Kind == python.Other { // typ=["unsafe"], ("unsafe", …)
			text := string(t.mod.Src[a.Start:a.End])
			unsafe = strings.Contains(text, `"unsafe"`) || strings.Contains(text, `'unsafe'`)
		}
		if unsafe {
			t.pass.Report(analysis.Diagnostic{Rule: rules.YAMLUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
				Message: `ruamel.yaml YAML(typ="unsafe") constructs arbitrary Python objects from the document, which can run code; use typ="safe" or the default round-trip loader`})
		}
	case "ruamel.yaml.load", "ruamel.yaml.load_all", "ruamel.yaml.main.load", "ruamel.yaml.main.load_all":
		a := argAt(c, "Loader", 1)
		if a == nil {
			if !c.HasStarStar() {
				t.pass.Report(analysis.Diagnostic{Rule: rules.YAMLUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
					Confidence: rule.MediumConfidence, ConfidenceReason: "the default loader is unsafe only in ruamel.yaml before 0.18, and the installed version is not known",
					Message: name + " without Loader= uses the unsafe loader (ruamel.yaml before 0.18); use YAML(typ=\"safe\").load"})
			}
			return
		}
		if kind, cls := loaderOf(a); kind == unsafeLoader {
			t.pass.Report(analysis.Diagnostic{Rule: rules.YAMLUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
				Message: fmt.Sprintf("%s with Loader=%s constructs arbitrary Python objects, which can run code; use YAML(typ=\"safe\")", name, cls)})
		}
	case "ruamel.yaml.unsafe_load", "ruamel.yaml.unsafe_load_all":
		t.pass.Report(analysis.Diagnostic{Rule: rules.YAMLUnsafeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Message: name + " constructs arbitrary Python objects from the document, which can run code"})
	}
}

var commitSHA = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// hubRepo matches a Hugging Face repository ID: "org/name", no local path.
var hubRepo = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$`)

// repoArg returns the literal hub repository a call names, or "".
func repoArg(c *python.Call) string {
	for _, kw := range []string{"pretrained_model_name_or_path", "repo_id", "path", "model", "model_id"} {
		if a := c.Arg(kw); a != nil {
			if a.Kind == python.StringLit && hubRepo.MatchString(a.Value) {
				return a.Value
			}
			return ""
		}
	}
	if a := c.Positional(0); a != nil && a.Kind == python.StringLit && hubRepo.MatchString(a.Value) {
		return a.Value
	}
	return ""
}

func (t *target) trustRemoteCode(c *python.Call, a *python.Arg) {
	what := "the repository"
	if repo := repoArg(c); repo != "" {
		what = repo
	}
	d := analysis.Diagnostic{Rule: rules.TrustRemoteCode, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets}
	rev := c.Arg("revision")
	switch {
	case rev == nil || rev.Kind == python.NoneLit:
		d.Message = fmt.Sprintf("trust_remote_code=True runs Python code from %s, and no revision= pins it: whoever can push to it runs code here", what)
	case rev.Kind == python.StringLit && commitSHA.MatchString(rev.Value):
		d.Severity, d.SeverityReason = rule.Medium, "the remote code is pinned to a full commit SHA, so a push to the repository cannot change it"
		d.Message = fmt.Sprintf("trust_remote_code=True runs Python code from %s, pinned to commit %s; review that code before trusting it", what, rev.Value[:12])
	case rev.Kind == python.StringLit:
		d.Message = fmt.Sprintf("trust_remote_code=True runs Python code from %s at revision %q, a branch or tag that can be moved; pin a full commit SHA", what, rev.Value)
	default:
		d.Confidence, d.ConfidenceReason = rule.MediumConfidence, "the revision is computed at run time and may be a pinned commit"
		d.Message = fmt.Sprintf("trust_remote_code=True runs Python code from %s at a revision computed at run time; pin a full commit SHA", what)
	}
	d.Message += viaNote(a)
	t.defaultConfidence(&d, a)
	t.pass.Report(d)
}

// pytorchOwners are the GitHub organisations whose hub repositories are the
// framework's own; loading them is trusting PyTorch itself.
var pytorchOwners = map[string]bool{"pytorch": true}

func (t *target) torchHub(c *python.Call) {
	if s := c.Arg("source"); s != nil && s.Kind == python.StringLit && s.Value == "local" {
		return
	}
	trust := ""
	if c.Arg("trust_repo").IsTrue() {
		trust = "; trust_repo=True skips the prompt before running an unknown repository"
	}
	a := argAt(c, "repo_or_dir", 0)
	if a == nil || a.Kind != python.StringLit {
		t.pass.Report(analysis.Diagnostic{Rule: rules.TorchHubLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Confidence: rule.MediumConfidence, ConfidenceReason: "the repository is chosen at run time and may be PyTorch's own",
			Message: "torch.hub.load runs hubconf.py from a GitHub repository chosen at run time" + trust})
		return
	}
	repo, ref, _ := strings.Cut(a.Value, ":")
	owner, _, _ := strings.Cut(repo, "/")
	if pytorchOwners[owner] {
		return
	}
	d := analysis.Diagnostic{Rule: rules.TorchHubLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets}
	switch {
	case commitSHA.MatchString(ref):
		d.Severity, d.SeverityReason = rule.Medium, "the repository is pinned to a full commit SHA, so a push to it cannot change the code"
		d.Message = fmt.Sprintf("torch.hub.load runs hubconf.py from %s, pinned to commit %s; review that code before trusting it%s", repo, ref[:12], trust)
	case ref != "":
		d.Message = fmt.Sprintf("torch.hub.load runs hubconf.py from the third-party repository %s at %q, a branch or tag that can be moved%s", repo, ref, trust)
	default:
		d.Message = fmt.Sprintf("torch.hub.load runs hubconf.py from the third-party repository %s at its default branch%s", repo, trust)
	}
	t.pass.Report(d)
}

var pickleWeightExts = []string{".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle"}

func (t *target) fromPretrained(c *python.Call, method string) {
	if c.Arg("use_safetensors").IsTrue() {
		return
	}
	sign := ""
	switch {
	case c.Arg("use_safetensors").IsFalse():
		sign = "use_safetensors=False"
	case c.Arg("from_pt").IsTrue():
		sign = "from_pt=True"
	default:
		for i := range c.Args {
			a := &c.Args[i]
			if a.Kind != python.StringLit {
				continue
			}
			lower := strings.ToLower(a.Value)
			for _, ext := range pickleWeightExts {
				if strings.HasSuffix(lower, ext) {
					sign = fmt.Sprintf("%q", a.Value)
					break
				}
			}
			if sign != "" {
				break
			}
		}
	}
	if sign == "" {
		return
	}
	t.pass.Report(analysis.Diagnostic{Rule: rules.FromPretrainedPickle, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
		Message: fmt.Sprintf("%s loads pickle-based PyTorch weights (%s), which go through torch.load; use safetensors", method, sign)})
}

// picklers are the callables whose result is a pickle made in-process.
var picklers = map[string]bool{
	"pickle.dumps": true, "_pickle.dumps": true, "cPickle.dumps": true,
	"dill.dumps": true, "cloudpickle.dumps": true,
}

// roundTrip reports whether c's first argument is itself a call to a
// pickler, as in pickle.loads(pickle.dumps(x)).
func (t *target) roundTrip(c *python.Call) bool {
	var first *python.Arg
	for i := range c.Args {
		if c.Args[i].Keyword == "" {
			first = &c.Args[i]
			break
		}
	}
	if first == nil {
		return false
	}
	t.indexCalls()
	d := t.callAt[first.Start]
	return d != nil && d.End == first.End && picklers[callName(d)]
}

// viaNote says where a literal argument's value came from, when it was
// written as a name.
func viaNote(a *python.Arg) string {
	switch {
	case a == nil || a.Via == "":
		return ""
	case a.Default:
		return fmt.Sprintf(" (the default of parameter %s; a caller may pass another value)", a.Via)
	}
	return fmt.Sprintf(" (the value of %s)", a.Via)
}

// defaultConfidence lowers a finding's confidence when the argument that
// decides it is a parameter's default, which callers may override.
func (t *target) defaultConfidence(d *analysis.Diagnostic, a *python.Arg) {
	if a != nil && a.Default {
		d.Confidence, d.ConfidenceReason = rule.MediumConfidence, "the value is the default of parameter "+a.Via+", which a caller may override"
	}
}

// flagArg reports a call whose argument a enables an unsafe mode when it is
// truthy (unsafe=true) or falsy (unsafe=false): with msg when its value is
// known, with unknown at low confidence when it could not be resolved.
func (t *target) flagArg(c *python.Call, a *python.Arg, unsafe bool, r *rule.Rule, msg, unknown string) {
	if a == nil {
		return
	}
	d := analysis.Diagnostic{Rule: r, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets}
	switch {
	case unsafe && a.IsTrue(), !unsafe && a.IsFalse():
		d.Message = msg + viaNote(a)
		t.defaultConfidence(&d, a)
	case a.Kind == python.Other || a.Kind == python.DottedName:
		d.Confidence, d.ConfidenceReason = rule.LowConfidence, "the argument is an expression whose value is not known statically"
		d.Message = unknown
	default:
		return
	}
	t.sourced(c, &d)
	t.pass.Report(d)
}
