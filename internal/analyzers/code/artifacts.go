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

// Checks of loaders that run code other than by unpickling: model formats
// that carry code, marshal, archives, native libraries, hub downloads and
// eval of configuration.

// modelCodeLoaders maps loaders of code-carrying model formats to what they load.
var modelCodeLoaders = map[string]string{
	"torch.package.PackageImporter":                  "torch.package",
	"torch.package.package_importer.PackageImporter": "torch.package",
	"torch.jit.load":                                 "torchscript",
	"torch.jit._serialization.load":                  "torchscript",
	"tensorflow.saved_model.load":                    "savedmodel",
	"tensorflow.compat.v2.saved_model.load":          "savedmodel",
	"tensorflow.compat.v1.saved_model.load":          "savedmodel",
	"tensorflow.compat.v1.saved_model.loader.load":   "savedmodel",
	"tensorflow.saved_model.loader.load":             "savedmodel",
}

// nativeLoaders maps native-library loaders to the keyword and position of
// the library path or source.
var nativeLoaders = map[string]struct {
	kw  string
	pos int
}{
	"torch.ops.load_library":                             {"path", 0},
	"torch.classes.load_library":                         {"path", 0},
	"tensorflow.load_op_library":                         {"library_filename", 0},
	"tensorflow.load_library":                            {"library_location", 0},
	"ctypes.CDLL":                                        {"name", 0},
	"ctypes.PyDLL":                                       {"name", 0},
	"ctypes.WinDLL":                                      {"name", 0},
	"ctypes.cdll.LoadLibrary":                            {"name", 0},
	"ctypes.windll.LoadLibrary":                          {"name", 0},
	"ctypes.pydll.LoadLibrary":                           {"name", 0},
	"torch.utils.cpp_extension.load_inline":              {"cpp_sources", 1},
	"torch.utils.cpp_extension.load":                     {"sources", 1},
	"tensorflow.experimental.register_filesystem_plugin": {"plugin_location", 0},
}

var hfDownloads = map[string]bool{
	"huggingface_hub.snapshot_download": true, "huggingface_hub._snapshot_download.snapshot_download": true,
	"huggingface_hub.hf_hub_download": true, "huggingface_hub.file_download.hf_hub_download": true,
}

// artifactWords mark a path or expression that names a model artifact, a
// download or a cache rather than the project's own build output.
var artifactWords = regexp.MustCompile(`(?i)model|checkpoint|ckpt|artifact|download|hub|weight|snapshot|://|/tmp/|upload`)

// configWords mark an expression read from a configuration or metadata file.
var configWords = regexp.MustCompile(`(?i)(config|cfg|conf|settings|hparams|params|meta|manifest|spec|card|model)\w*\s*(\[|\.get\(|\.[A-Za-z_])|\.read\(|read_text\(|json\.load|yaml\.|toml\.load|\.readline`)

// moreChecks runs the checks of this file on call c named name.
func (t *target) moreChecks(c *python.Call, name string) {
	switch {
	case name == "":
	case modelCodeLoaders[name] != "":
		t.modelCodeLoad(c, name, modelCodeLoaders[name])
	case name == "marshal.load" || name == "marshal.loads":
		t.pass.Report(analysis.Diagnostic{Rule: rules.UnsafeDeserialization, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Message: name + " builds Python code objects from bytes it does not validate; never unmarshal a file or message you did not write"})
	case name == "msgpack_numpy.patch":
		t.pass.Report(analysis.Diagnostic{Rule: rules.UnsafeDeserialization, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Message: "msgpack_numpy.patch() makes every later msgpack unpack decode object arrays with pickle, which can run arbitrary code"})
	case strings.HasPrefix(name, "msgpack_numpy.") && (strings.HasSuffix(name, ".unpackb") || strings.HasSuffix(name, ".loads") ||
		strings.HasSuffix(name, ".unpack") || strings.HasSuffix(name, ".load") || strings.HasSuffix(name, ".Unpacker")):
		t.pass.Report(analysis.Diagnostic{Rule: rules.UnsafeDeserialization, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Message: name + " decodes NumPy object arrays with pickle, which can run arbitrary code"})
	case strings.HasPrefix(name, "msgpack.") && c.Arg("object_hook") != nil && strings.HasPrefix(c.Arg("object_hook").Resolved, "msgpack_numpy."):
		t.pass.Report(analysis.Diagnostic{Rule: rules.UnsafeDeserialization, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Message: name + " with object_hook=" + c.Arg("object_hook").Resolved + " decodes NumPy object arrays with pickle, which can run arbitrary code"})
	case hfDownloads[name]:
		t.hfDownload(c, name)
	case name == "eval" || name == "exec" || name == "builtins.eval" || name == "builtins.exec":
		t.evalArtifact(c, name)
	case name == "shutil.unpack_archive":
		t.extract(c, "tar", name)
	}
	if n, ok := nativeLoaders[name]; ok {
		t.nativeLoad(c, name, argAt(c, n.kw, n.pos))
	}
	if strings.HasSuffix(c.Callee, ".extractall") {
		if kind := t.archiveKind(c, name); kind != "" {
			t.extract(c, kind, "extractall")
		}
	}
}

func (t *target) modelCodeLoad(c *python.Call, name, kind string) {
	d := analysis.Diagnostic{Rule: rules.ModelCodeLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets}
	switch kind {
	case "torch.package":
		d.Message = "torch.package.PackageImporter imports the Python modules stored in the package and unpickles its objects: the package runs whatever code it ships"
	case "torchscript":
		d.Severity, d.SeverityReason = rule.Medium, "TorchScript holds no Python code, but its operators (file and process access) run when the module is called"
		d.Message = name + " rebuilds a TorchScript program whose operators run when the module is called; load only scripted models you built or verified"
	default:
		d.Severity, d.SeverityReason = rule.Medium, "a SavedModel holds a TensorFlow graph, not Python code, but its operations can read and write files"
		d.Message = name + " restores a TensorFlow graph whose operations (file access included) run when it is called; load only SavedModels you built or verified"
	}
	t.pass.Report(d)
}

func (t *target) hfDownload(c *python.Call, name string) {
	if c.Arg("local_files_only").IsTrue() {
		return
	}
	fn := name[strings.LastIndexByte(name, '.')+1:]
	what := "the repository"
	if a := argAt(c, "repo_id", 0); a != nil && a.Kind == python.StringLit {
		what = a.Value
	}
	d := analysis.Diagnostic{Rule: rules.HFDownloadUnpinned, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets}
	rev := c.Arg("revision")
	switch {
	case rev == nil && c.HasStarStar():
		d.Confidence, d.ConfidenceReason = rule.LowConfidence, "revision= may be passed in **kwargs, whose value is not known"
		d.Message = fmt.Sprintf("%s of %s without a visible revision= (it may come from **kwargs, which could not be resolved): pin a full commit SHA", fn, what)
	case rev == nil || rev.Kind == python.NoneLit:
		d.Message = fmt.Sprintf("%s of %s without revision= fetches whatever the default branch points to now; pin a full commit SHA", fn, what)
	case rev.Kind == python.StringLit && commitSHA.MatchString(rev.Value):
		return
	case rev.Kind == python.StringLit:
		d.Message = fmt.Sprintf("%s of %s at revision %q, a branch or tag that can be moved; pin a full commit SHA", fn, what, rev.Value)
	default:
		d.Confidence, d.ConfidenceReason = rule.LowConfidence, "the revision is an expression whose value is not known statically and may be a pinned commit"
		d.Message = fmt.Sprintf("%s of %s at a revision that could not be resolved statically (unknown); make sure it is a full commit SHA", fn, what)
	}
	t.pass.Report(d)
}

// argText is the source text of an argument.
func (t *target) argText(a *python.Arg) string { return string(t.mod.Src[a.Start:a.End]) }

func (t *target) evalArtifact(c *python.Call, name string) {
	a := argAt(c, "source", 0)
	if a == nil || a.Kind == python.StringLit {
		return
	}
	text := t.argText(a)
	if !configWords.MatchString(text) {
		return
	}
	t.pass.Report(analysis.Diagnostic{Rule: rules.EvalArtifact, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
		Message: fmt.Sprintf("%s runs %s, which is read from a model, config or metadata file: whoever edits that file runs code here", name, shorten(text, 60))})
}

func (t *target) nativeLoad(c *python.Call, name string, a *python.Arg) {
	if a == nil {
		return
	}
	ctypes := strings.HasPrefix(name, "ctypes.")
	inline := strings.HasPrefix(name, "torch.utils.cpp_extension.")
	d := analysis.Diagnostic{Rule: rules.NativeLibraryLoad, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets}
	switch {
	case a.Kind == python.StringLit:
		if inline || !artifactWords.MatchString(a.Value) || (ctypes && !strings.ContainsAny(a.Value, `/\`)) {
			return // the project's own source, build output or a system library
		}
		d.Message = fmt.Sprintf("%s loads the native library %q from a model or download location: its initializers run native code at once", name, shorten(a.Value, 80))
	case a.Kind == python.NoneLit:
		return
	default:
		text := t.argText(a)
		if strings.Contains(text, "find_library(") {
			return
		}
		marked := artifactWords.MatchString(text) || configWords.MatchString(text)
		if ctypes && !marked {
			return
		}
		if !marked {
			d.Confidence, d.ConfidenceReason = rule.LowConfidence, "the path is computed at run time and could not be resolved; it may be the project's own build output"
		}
		what := "library"
		if inline {
			what = "C++ source"
		}
		d.Message = fmt.Sprintf("%s loads a native %s from %s, which could not be resolved statically (unknown): if it comes with a model or a download, whoever controls it runs native code here", name, what, shorten(text, 60))
	}
	t.pass.Report(d)
}

// archiveKind tells whether an extractall call is on a tar or a zip archive.
func (t *target) archiveKind(c *python.Call, name string) string {
	switch {
	case strings.HasPrefix(name, "tarfile."):
		return "tar"
	case strings.HasPrefix(name, "zipfile."):
		return "zip"
	}
	tar, zip := false, false
	for _, im := range t.mod.Imports {
		switch im.Module {
		case "tarfile":
			tar = true
		case "zipfile":
			zip = true
		}
	}
	head := strings.ToLower(c.Callee)
	switch {
	case tar && zip && strings.Contains(head, "zip"):
		return "zip"
	case tar:
		return "tar"
	case zip:
		return "zip"
	}
	return ""
}

func (t *target) extract(c *python.Call, kind, fn string) {
	if kind == "zip" {
		t.pass.Report(analysis.Diagnostic{Rule: rules.ArchiveExtract, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets,
			Severity: rule.Low, SeverityReason: "zipfile removes .. and absolute paths from member names, so members stay under the target directory",
			Message: "zipfile extractall writes every member of the archive without checking names or sizes; inspect the members of an archive you did not build before extracting it"})
		return
	}
	if strings.Contains(string(t.mod.Src), "extraction_filter") {
		return // a process-wide filter is set
	}
	f := c.Arg("filter")
	d := analysis.Diagnostic{Rule: rules.ArchiveExtract, Location: t.at(c), Evidence: t.evidence(c), Assets: t.assets}
	switch {
	case f == nil && c.HasStarStar():
		d.Confidence, d.ConfidenceReason = rule.LowConfidence, "filter= may be passed in **kwargs, which could not be resolved"
		d.Message = fn + " of a tar archive without a visible filter= (it may come from **kwargs, unknown): pass filter=\"data\""
	case f == nil:
		d.Message = fn + " of a tar archive without filter=\"data\": before Python 3.14 members named ../ or absolute, and links, are written outside the target directory"
	case f.Kind == python.StringLit && (f.Value == "data" || f.Value == "tar"):
		return
	case f.Kind == python.DottedName && (f.Resolved == "tarfile.data_filter" || f.Resolved == "tarfile.tar_filter"):
		return
	case f.Kind == python.StringLit && f.Value == "fully_trusted", f.Kind == python.DottedName && f.Resolved == "tarfile.fully_trusted_filter":
		d.Confidence, d.ConfidenceReason = rule.HighConfidence, "the fully_trusted filter is written in the call"
		d.Message = fn + " with the fully_trusted filter writes members named ../ or absolute, and links, outside the target directory; use filter=\"data\""
	default:
		d.Confidence, d.ConfidenceReason = rule.LowConfidence, "filter= is an expression whose value is not known statically"
		d.Message = fn + " of a tar archive with a filter that could not be resolved (unknown); make sure it is \"data\""
	}
	t.pass.Report(d)
}

// localShelf reports whether shelve.open opens a literal path that names no
// download or model location: a local cache the program writes itself.
func (t *target) localShelf(c *python.Call) bool {
	a := argAt(c, "filename", 0)
	return a != nil && a.Kind == python.StringLit && !artifactWords.MatchString(a.Value)
}
