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
