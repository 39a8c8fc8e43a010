package rules

import "github.com/mlsec/mlsec/internal/rule"

// pickleRefs are the references every pickle rule shares.
var pickleRefs = []string{
	"https://docs.python.org/3/library/pickle.html#restricting-globals",
	"https://pytorch.org/docs/stable/generated/torch.load.html",
	"https://huggingface.co/docs/hub/security-pickle",
	"https://atlas.mitre.org/techniques/AML.T0011.000",
}

// Rules about model files themselves: payloads that run when the file is loaded, and tricks that hide them from scanners.

// PickleDangerousCall is a pickle that imports or calls something that runs
// code, touches files or the network when the file is loaded.
var PickleDangerousCall = &rule.Rule{
	ID:          "model/pickle-dangerous-call",
	Title:       "Model file runs a dangerous callable when loaded",
	Severity:    rule.Critical,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003", "AML.T0018.002"},
	Mitigations: []string{"AML.M0014", "AML.M0016", "AML.M0013"},
	Summary:     "Loading this file with pickle, torch.load, joblib.load or numpy.load(allow_pickle=True) calls a function that runs commands, evaluates code, or reaches files or the network.",
	Description: "Pickle-based model formats are programs: the stream names importable callables and the arguments to call them with, and the loader runs them before any tensor is returned. " +
		"This stream imports a callable known to execute code (os.system, subprocess, eval/exec, runpy, pip), deserialize a further payload, or act on the network or file system. " +
		"Anyone who can change the file — an uploader on a model hub, a compromised registry or bucket — gets code execution on every machine that loads it.",
	Fix:        "Do not load the file. Obtain the model from a trusted, verified source; prefer safetensors or ONNX; load PyTorch checkpoints with torch.load(weights_only=True).",
	References: pickleRefs,
}

// PickleUnknownGlobal is a pickle importing a global outside the allowlist
// of the frameworks the file claims to belong to.
var PickleUnknownGlobal = &rule.Rule{
	ID:          "model/pickle-unknown-global",
	Title:       "Model file imports a callable outside the framework allowlist",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0014", "AML.M0016"},
	Summary:     "The pickle imports a module attribute that is neither a known-safe framework class nor on the project's model allowlist, so loading it runs code mlsec cannot vouch for.",
	Description: "mlsec allows the globals that PyTorch, NumPy, scikit-learn and the Python builtins need to rebuild tensors and containers, and flags everything else. " +
		"An unknown global is not proof of malice — custom classes of the model's own package appear here — but every one of them is imported, and may be called, at load time.",
	Fix:        "Check the named class; if it belongs to your own code, add \"module.name\" to model.allow in .mlsec.yaml. Otherwise treat the file as untrusted.",
	References: pickleRefs,
}

// PickleGadget is a structural trick that builds a dangerous call out of
// harmless-looking parts.
var PickleGadget = &rule.Rule{
	ID:          "model/pickle-gadget",
	Title:       "Pickle builds a call chain or rewrites a class",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0018.002"},
	Mitigations: []string{"AML.M0014", "AML.M0016"},
	Summary:     "The pickle calls the result of another call, sets state on a module or class, builds a type at load time, or reaches dunder attributes: the ways payloads get past allowlists.",
	Description: "Ordinary model pickles rebuild objects from named classes. Calling the result of a call (getattr(x, 'eval')(…)), BUILD on a module object to replace one of its functions, type() with a crafted dict, or names such as __globals__ and __builtins__ are how an attacker turns allowed globals into code execution.",
	Fix:         "Treat the file as malicious: do not load it, and find out where it came from.",
	References:  pickleRefs,
}

// PickleSecondStage is a payload carried as data inside a model file: a
// bytes or str value, or an archive member, that is or decodes to a pickle
// or a marshalled code object.
var PickleSecondStage = &rule.Rule{
	ID:          "model/second-stage-payload",
	Title:       "Model file carries a pickle or code object as data",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0018.002", "AML.T0074"},
	Mitigations: []string{"AML.M0014", "AML.M0016", "AML.M0013"},
	Summary:     "A value stored in the model (bytes, a string, an array element, an archive member) is, or decodes from base64, hex, zlib, gzip, bz2 or lzma to, a pickle stream or a marshalled Python code object.",
	Description: "Payloads are hidden from scanners that only follow the outer pickle by storing them as data: a base64 string that a custom class decodes and unpickles, a compressed code object that a loader passes to marshal.loads and exec. " +
		"mlsec decodes such values, bounded in size, layers and depth, and scans what they hold as a second stage. A second stage that runs a dangerous call is high; a benign one is noted at low, since nothing legitimate needs to ship a pickle inside a pickle.",
	Fix:        "Do not load the file. Find out which code decodes the value; re-export the model without embedded serialized objects, in safetensors or ONNX.",
	References: append([]string{"https://atlas.mitre.org/techniques/AML.T0018.002"}, pickleRefs...),
}

// PickleMalformed is a pickle stream the scan could not read to its end.
var PickleMalformed = &rule.Rule{
	ID:          "model/pickle-malformed",
	Title:       "Pickle stream is truncated or malformed",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0076", "AML.T0011.000"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "The pickle breaks off or holds invalid opcodes; the loader still runs everything before the break, so the file is not clean.",
	Description: "A deliberately corrupted pickle makes scanners that parse the whole stream give up, while pickle.load executes every opcode up to the error — payload included. " +
		"mlsec keeps the findings made before the break and reports the file as not fully analyzed.",
	Fix:        "Do not load the file; get an intact copy from a trusted source and verify its digest.",
	References: append([]string{"https://atlas.mitre.org/techniques/AML.T0076"}, pickleRefs...),
}

// ArchiveAnomaly is a container irregularity that hides a member from strict
// readers and scanners while PyTorch still loads it.
var ArchiveAnomaly = &rule.Rule{
	ID:          "model/archive-anomaly",
	Title:       "Model archive uses a scanner-evasion trick",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0074", "AML.T0010.003"},
	Mitigations: []string{"AML.M0014", "AML.M0013"},
	Summary:     "The zip container is irregular in a way PyTorch tolerates and strict readers reject: encryption or patch flags on plain data, names that differ between headers, bad CRCs, data before the archive.",
	Description: "PyTorch's zip reader ignores the encryption flag, CRCs and the local file name; Python's zipfile and several model scanners stop at them. " +
		"Setting such a bit or prepending a pickle to the archive is a documented way to make a scanner skip the member that torch.load will unpickle. Legitimate writers do not produce these files.",
	Fix: "Re-export the model with torch.save from a trusted environment, and verify model files by digest or signature before loading.",
	References: []string{
		"https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT",
		"https://atlas.mitre.org/techniques/AML.T0074",
		"https://github.com/mmaitre314/picklescan",
	},
}

// ScanLimit is a part of a model file the scan could not read: nested too
// deep, a decompression bomb, an encrypted or unsupported member.
var ScanLimit = &rule.Rule{
	ID:          "model/scan-limit",
	Title:       "Part of the model file could not be scanned",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "A member was too deeply nested, inflated past the size or ratio limit, encrypted or compressed with an unsupported method, so mlsec cannot say it is safe.",
	Description: "mlsec bounds the work one file may cause: archives nested more than three deep, members that inflate more than 100:1 past 1 MiB, and more uncompressed data than the scan budget are not read further. " +
		"Whatever lies beyond a limit is unknown, so the file is reported as not fully analyzed rather than clean.",
	Fix:        "Unpack the file in a sandbox and scan its parts, or obtain the model in a plain format (safetensors, a PyTorch zip written by torch.save).",
	References: []string{"https://atlas.mitre.org/techniques/AML.T0011.000"},
}

// KerasCode is a Keras model whose config makes Keras import or run code.
var KerasCode = &rule.Rule{
	ID:          "model/keras-code",
	Title:       "Keras model carries code: Lambda layer or custom module",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0018.002"},
	Mitigations: []string{"AML.M0014", "AML.M0016"},
	Summary:     "The .keras config holds a Lambda layer (serialized Python bytecode) or names a module outside Keras to import when the model is loaded.",
	Description: "A Lambda layer stores its function as marshalled bytecode that runs when the model is rebuilt with safe_mode=False, and a layer or object whose \"module\" is outside keras makes load_model import that module. " +
		"Either turns a downloaded model into code execution once a user takes the one step of disabling safe mode or installing the named package.",
	Fix: "Replace Lambda layers with registered custom layers whose code you ship yourself; keep safe_mode=True; load only models from trusted sources.",
	References: []string{
		"https://keras.io/api/models/model_saving_apis/model_saving_and_loading/",
		"https://atlas.mitre.org/techniques/AML.T0011.000",
	},
}

// ModelHeaderMalformed is a model file whose header (safetensors JSON,
// GGUF key-values, ONNX or TensorFlow protobuf) is inconsistent or
// malformed: the input that parser exploits and scanner evasion rely on.
var ModelHeaderMalformed = &rule.Rule{
	ID:          "model/header-malformed",
	Title:       "Model file header is malformed or inconsistent",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.003", "AML.T0011.000"},
	Mitigations: []string{"AML.M0014", "AML.M0013"},
	Summary:     "A safetensors header with overlapping or out-of-bounds tensors or a dtype and shape that disagree with the byte length, a GGUF header whose counts run past the file, or a protobuf model that does not decode.",
	Description: "Writers such as safetensors, llama.cpp and onnx never produce these files. Overlapping tensor ranges silently alias weights, out-of-bounds offsets and oversized counts target loader bugs (llama.cpp and the safetensors readers have had memory-safety fixes for exactly such headers), and a header one tool reads differently from another lets a model look different to a scanner than to the loader.",
	Fix:         "Do not load the file. Re-export the model with the framework's own writer from a trusted copy, and verify model files by digest before use.",
	References: []string{
		"https://github.com/huggingface/safetensors#format",
		"https://github.com/ggml-org/ggml/blob/master/docs/gguf.md",
		"https://atlas.mitre.org/techniques/AML.T0010.003",
	},
}

// ModelMetadataCode is metadata inside a model file (safetensors
// __metadata__, GGUF strings, ONNX metadata_props) that carries code,
// shell commands or URLs.
var ModelMetadataCode = &rule.Rule{
	ID:          "model/metadata-code",
	Title:       "Model metadata carries code, shell commands or URLs",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.003", "AML.T0018.002"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "A free-text metadata field of a tensor format holds Python, a shell pipeline or a download URL.",
	Description: "Tensor formats cannot execute their metadata, but tooling around them does read it: model cards, conversion scripts and serving wrappers that eval or exec fields, or users who paste a \"usage\" command. A model whose metadata carries `curl … | sh` or `__import__('os')` is staging a second step, and a URL there points at a payload outside the reviewed file.",
	Fix:         "Remove the field, or replace the model with one whose metadata is plain descriptive text; never evaluate metadata.",
	References: []string{
		"https://huggingface.co/docs/safetensors/metadata_parsing",
		"https://atlas.mitre.org/techniques/AML.T0018.002",
	},
}

// ChatTemplateInjection is a Jinja chat template (GGUF
// tokenizer.chat_template, tokenizer_config.json chat_template) built to
// escape the template sandbox.
var ChatTemplateInjection = &rule.Rule{
	ID:          "model/chat-template-injection",
	Title:       "Chat template contains a Jinja sandbox escape",
	Severity:    rule.Critical,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0014", "AML.M0016"},
	Summary:     "The model's chat template reaches Python internals (__class__, __globals__, __subclasses__), uses attr() or names built from pieces or escapes, or reaches into cycler, joiner, lipsum or self: server-side template injection when the template is rendered.",
	Description: "Inference servers render the chat template stored in the model for every request. Rendered with a plain jinja2.Environment, as llama-cpp-python did before 0.2.72 (CVE-2024-34359), such a template runs arbitrary Python on the server; under the sandbox the same constructs are attempts to find a bypass. Real chat templates only loop over messages, compare roles and concatenate strings.",
	Fix:         "Do not serve the model. Replace the chat template with the model family's published one, render templates only in jinja2.sandbox.ImmutableSandboxedEnvironment, and keep llama-cpp-python at 0.2.72 or later.",
	References: []string{
		"https://github.com/abetlen/llama-cpp-python/security/advisories/GHSA-56xg-wfcc-g829",
		"https://huggingface.co/docs/transformers/chat_templating",
		"https://jinja.palletsprojects.com/en/stable/sandbox/",
	},
}

// KerasUnsafeConfig is a Keras config that calls back into Python beyond
// Lambda layers: TFOpLambda file or Python ops, builtin callables named
// as functions, enable_unsafe_deserialization.
var KerasUnsafeConfig = &rule.Rule{
	ID:          "model/keras-unsafe-config",
	Title:       "Keras config calls file, Python or safe-mode-disabling functions",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0018.002"},
	Mitigations: []string{"AML.M0014", "AML.M0016"},
	Summary:     "The model config embeds keras.config.enable_unsafe_deserialization, names a Python builtin such as eval or exec as a function, or has a TFOpLambda layer calling tf.io or a Python-calling op.",
	Description: "Keras rebuilds every object a config names. The published safe_mode bypasses (CVE-2025-1550, CVE-2025-9906) put a call to enable_unsafe_deserialization or an arbitrary module function into config.json so that a later Lambda runs even with safe_mode=True; a TFOpLambda layer calls whatever tf.* function its config names, tf.io.write_file and tf.py_function included.",
	Fix:         "Do not load the model. Upgrade Keras to 3.14 or later, keep safe_mode=True, and rebuild the model from code you control.",
	References: []string{
		"https://github.com/keras-team/keras/security/advisories",
		"https://nvd.nist.gov/vuln/detail/CVE-2025-1550",
	},
}

// KerasVulnerableVersion is a Keras model written by a Keras release
// whose safe_mode has a published bypass.
var KerasVulnerableVersion = &rule.Rule{
	ID:          "model/keras-vulnerable-version",
	Title:       "Keras model written by a release with known safe_mode bypasses",
	Severity:    rule.Low,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000"},
	Mitigations: []string{"AML.M0016"},
	Summary:     "metadata.json or the .h5 keras_version names a Keras version before the fix of a published safe_mode bypass (CVE-2025-1550 before 3.9, CVE-2025-9905 and CVE-2025-9906 before 3.11.3, CVE-2026-1462 before 3.14; Keras 2 before 2.13 has no safe_mode).",
	Description: "The version a model was saved with is usually the version the team loads it with. safe_mode is the only thing between load_model and a Lambda layer's bytecode, and in these releases a crafted file switches it off. The finding is raised to high when the same file also carries code.",
	Fix:         "Load models only with Keras 3.14 or later and safe_mode=True; re-save the model with it.",
	References: []string{
		"https://nvd.nist.gov/vuln/detail/CVE-2025-1550",
		"https://nvd.nist.gov/vuln/detail/CVE-2025-9905",
		"https://nvd.nist.gov/vuln/detail/CVE-2025-9906",
	},
}

// ONNXExternalData is an ONNX tensor whose external data file lies outside
// the model's directory.
var ONNXExternalData = &rule.Rule{
	ID:          "model/onnx-external-data",
	Title:       "ONNX external data points outside the model directory",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.003", "AML.T0011.000"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "A tensor's external_data location is absolute, climbs out with '..', or is a symbolic link: loading the model reads an arbitrary file of the host into a tensor.",
	Description: "ONNX stores large tensors in side files named by a location relative to the model. onnx.load and ONNX Runtime resolve it against the model directory; an absolute path or '..' makes them read /etc/passwd, SSH keys or cloud credentials into the model's weights, from where outputs or a re-saved model can leak them (CVE-2022-25882, CVE-2024-27318 were path traversals of exactly this field).",
	Fix:         "Reject the model, or re-save it with onnx.save_model(..., save_as_external_data=True) so every location is a plain file name beside the model.",
	References: []string{
		"https://onnx.ai/onnx/repo-docs/ExternalData.html",
		"https://nvd.nist.gov/vuln/detail/CVE-2024-27318",
	},
}

// ONNXCustomOp is an ONNX model using an operator domain outside ONNX and
// ONNX Runtime's built-in ones.
var ONNXCustomOp = &rule.Rule{
	ID:          "model/onnx-custom-op",
	Title:       "ONNX model needs a custom operator library",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "Nodes use an operator domain that neither ONNX nor ONNX Runtime implements, so the model only runs once a native custom-op library is registered.",
	Description: "A custom domain means native code: the loader must call register_custom_ops_library on a shared object that comes with the model. Whoever ships the model then ships code that runs in the serving process with its privileges.",
	Fix:         "Obtain and review the custom operator library's source, build it yourself, and pin it; prefer a model that uses only standard operators.",
	References:  []string{"https://onnxruntime.ai/docs/reference/operators/add-custom-op.html"},
}

// TFGraphDangerousOp is a TensorFlow graph that reads or writes files or
// calls Python.
var TFGraphDangerousOp = &rule.Rule{
	ID:          "model/tf-graph-dangerous-op",
	Title:       "TensorFlow graph calls Python or touches the file system",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0018.002"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "A SavedModel or GraphDef contains ops such as PyFunc, ReadFile, WriteFile, MatchingFiles or ImmutableConst that run Python or reach the file system when the graph executes.",
	Description: "A TensorFlow graph is a program: serving it executes every op. File ops read secrets into tensors or plant files on the server, and PyFunc runs whatever Python function the process has registered. Models for inference have no reason to contain them.",
	Fix:         "Do not serve the model; re-export it from reviewed code, and inspect graphs with saved_model_cli show --all before deployment.",
	References: []string{
		"https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md",
		"https://www.tensorflow.org/guide/saved_model",
	},
}

// ConfigTarget is a Hydra / OmegaConf / NeMo config whose _target_
// instantiates a callable that runs code or commands.
var ConfigTarget = &rule.Rule{
	ID:          "model/config-target",
	Title:       "Config _target_ instantiates a code-execution callable",
	Severity:    rule.Critical,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "A `_target_` in a Hydra, OmegaConf or NeMo config names os.system, subprocess, eval, exec, importlib or a pickle loader; hydra.utils.instantiate calls it with the config's arguments.",
	Description: "Config-driven loaders (Hydra, NeMo, many model repositories' config.yaml) import and call whatever `_target_` names. A shared config or a model's bundled config whose target is a process or code API runs it on the machine that instantiates the model.",
	Fix:         "Replace the target with the intended class; instantiate configs from untrusted sources only after checking `_target_` against an allowlist of your own modules.",
	References: []string{
		"https://hydra.cc/docs/advanced/instantiate_objects/overview/",
		"https://atlas.mitre.org/techniques/AML.T0011.000",
	},
}

// TorchScriptUnsafeOp is a TorchScript archive whose code reads files or
// needs native custom operators.
var TorchScriptUnsafeOp = &rule.Rule{
	ID:          "model/torchscript-unsafe-op",
	Title:       "TorchScript code reads files or calls custom native operators",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0018.002"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "The code/ sources of a TorchScript file call torch.from_file, which reads any file of the host into a tensor, or torch.ops of a namespace PyTorch does not ship, which only a native library registered by the loader provides.",
	Description: "torch.jit.load compiles and runs the TorchScript sources stored in the archive; no pickle is needed. torch.from_file maps an arbitrary path (an SSH key, a cloud credential file) into a tensor that the model's outputs can leak, and a custom operator namespace means the model runs native code that ships separately from it.",
	Fix:         "Do not load the model; re-export it with torch.jit.script from reviewed code, and load custom operator libraries only from builds you control.",
	References: []string{
		"https://pytorch.org/docs/stable/jit.html",
		"https://pytorch.org/tutorials/advanced/torch_script_custom_ops.html",
	},
}

// SkopsUntrustedType is a skops file whose schema names types or
// functions outside the expected frameworks.
var SkopsUntrustedType = &rule.Rule{
	ID:          "model/skops-untrusted-type",
	Title:       "skops model names untrusted or dangerous types",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0014", "AML.M0011"},
	Summary:     "skops.io.load rebuilds every type and calls every function its schema.json names once the caller trusts them; this file names ones outside scikit-learn, NumPy and the builtins, or ones that run commands or code.",
	Description: "skops replaced pickle with a JSON schema of the objects to rebuild, and refuses types that are not trusted. Users pass `trusted=get_untrusted_types(file=...)` to get past that prompt, which trusts whatever the file names. A schema that names os.system, eval or another callable on mlsec's dangerous tier then runs it (critical); a custom class is rebuilt from code on the loading machine (medium, allow it when it is yours).",
	Fix:         "Load with an explicit trusted list of the types you expect, never the file's own list; re-export the model from reviewed code.",
	References: []string{
		"https://skops.readthedocs.io/en/stable/persistence.html",
		"https://atlas.mitre.org/techniques/AML.T0011.000",
	},
}
