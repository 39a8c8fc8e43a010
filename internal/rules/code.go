package rules

import "github.com/mlsec/mlsec/internal/rule"

// Rules about application code (Python and notebooks) that loads models or data in a way that runs code.

// PickleLoad flags deserialization through pickle and its relatives.
var PickleLoad = &rule.Rule{
	ID:          "code/pickle-load",
	Title:       "Pickle deserialization",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0011", "AML.M0014", "AML.M0016"},
	Summary:     "Unpickling runs whatever code the pickle stream asks for, so loading a tampered model or data file executes the attacker's code.",
	Description: "pickle, _pickle, cPickle, dill, cloudpickle, jsonpickle and shelve rebuild objects by calling functions named in the stream. " +
		"A pickle is a program, not data: anyone who can write the file (a downloaded checkpoint, a shared bucket, a cache) " +
		"gets code execution in the process that loads it. Restricting find_class in a custom Unpickler subclass is the only " +
		"safe way to read pickles, and it is not used here.",
	Fix: "Store models and data in a format that holds no code (safetensors, ONNX, JSON, Parquet, NumPy without allow_pickle). " +
		"If a pickle is unavoidable, load only files whose digest you verified, or subclass pickle.Unpickler with a find_class that allows a short list of classes.",
	References: []string{
		"https://docs.python.org/3/library/pickle.html#restricting-globals",
		"https://atlas.mitre.org/techniques/AML.T0011.000",
	},
	Peers: []string{"bandit:B301"},
}

// JoblibLoad flags joblib.load, which unpickles.
var JoblibLoad = &rule.Rule{
	ID:          "code/joblib-load",
	Title:       "joblib.load of a model file",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0011", "AML.M0014", "AML.M0016"},
	Summary:     "joblib.load unpickles the file, so a tampered scikit-learn model runs code when it is loaded.",
	Description: "joblib stores estimators as pickles with NumPy arrays on the side. Loading one calls pickle's machinery, " +
		"which can import and call any function the file names. Models exchanged through hubs, buckets or artifact stores " +
		"are a common way in.",
	Fix: "Load only joblib files you produced or whose digest you verified against a signed manifest; for exchange, prefer skops " +
		"(skops.io.load with trusted types) or ONNX.",
	References: []string{
		"https://joblib.readthedocs.io/en/stable/persistence.html",
		"https://scikit-learn.org/stable/model_persistence.html",
	},
}

// TorchLoadUnsafe flags torch.load that may unpickle arbitrary objects.
var TorchLoadUnsafe = &rule.Rule{
	ID:          "code/torch-load-unsafe",
	Title:       "torch.load without weights_only=True",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0011", "AML.M0014", "AML.M0016"},
	Summary:     "torch.load with weights_only=False, or without the argument on PyTorch before 2.6, unpickles the checkpoint and runs code hidden in it.",
	Description: "A PyTorch checkpoint is a zip holding a pickle. With weights_only=False the full unpickler runs and a malicious " +
		"checkpoint executes code on load. PyTorch 2.6 made weights_only=True the default, but older versions (and code run " +
		"against them) do not, and the environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD turns the default off again, so " +
		"the safe choice must be written in the call. torch.hub.load_state_dict_from_url, model_zoo.load_url and Lightning's " +
		"load_from_checkpoint read checkpoints the same way, and passing torch.load as a callable (a dataset loader, " +
		"functools.partial) loads every file it is given like this.",
	Fix: "Pass weights_only=True (add torch.serialization.add_safe_globals for the few extra classes you need), or store weights as safetensors.",
	References: []string{
		"https://pytorch.org/docs/stable/generated/torch.load.html",
		"https://pytorch.org/docs/stable/notes/serialization.html#weights-only",
	},
	Peers: []string{"bandit:B614"},
}

// NumpyAllowPickle flags numpy.load with allow_pickle=True.
var NumpyAllowPickle = &rule.Rule{
	ID:          "code/numpy-allow-pickle",
	Title:       "numpy.load with allow_pickle=True",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0011", "AML.M0014"},
	Summary:     "allow_pickle=True lets a .npy or .npz file carry a pickled object array, which runs code when loaded.",
	Description: "NumPy refuses object arrays by default because they are stored as pickles. Turning allow_pickle on means a " +
		"crafted array file executes code in the loading process.",
	Fix: "Drop allow_pickle=True and store plain numeric arrays; keep metadata in JSON beside them.",
	References: []string{
		"https://numpy.org/doc/stable/reference/generated/numpy.load.html",
	},
}

// PandasReadPickle flags pandas.read_pickle.
var PandasReadPickle = &rule.Rule{
	ID:          "code/pandas-read-pickle",
	Title:       "pandas.read_pickle",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000"},
	Mitigations: []string{"AML.M0011", "AML.M0014"},
	Summary:     "pandas.read_pickle unpickles the file, so a tampered dataset runs code when it is read.",
	Description: "read_pickle is pickle.load with decompression in front. Datasets passed around as pickles (feature stores, " +
		"shared drives, notebook caches) become a path to code execution on every machine that reads them.",
	Fix: "Exchange data frames as Parquet, Feather or CSV; read pickles only when you produced them yourself.",
	References: []string{
		"https://pandas.pydata.org/docs/reference/api/pandas.read_pickle.html",
	},
	Peers: []string{"bandit:B301"},
}

// KerasUnsafeLoad flags Keras load_model with safe_mode=False.
var KerasUnsafeLoad = &rule.Rule{
	ID:          "code/keras-unsafe-load",
	Title:       "Keras load_model without an effective safe mode",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0011", "AML.M0014"},
	Summary: "load_model with safe_mode=False, or under a pinned Keras whose safe mode is missing or bypassable, " +
		"lets a model file's Lambda layers and config run arbitrary Python on load.",
	Description: "Keras 3 and recent tf.keras refuse to rebuild Lambda layers from a saved model unless safe_mode is turned off, " +
		"because the layer's function is stored as marshalled bytecode. With safe_mode=False, or after " +
		"keras.config.enable_unsafe_deserialization() switched safe mode off for the whole process, a model file can run any code. " +
		"Safe mode also depends on the version installed: Keras and tf.keras before 2.13 have none, and crafted files got past it " +
		"until Keras 3.14 (CVE-2025-1550 before 3.9; CVE-2025-9905 and CVE-2025-9906 before 3.11.3; CVE-2026-1462 before 3.14), " +
		"so a load that keeps the default is reported when the project's own dependency files pin such a version.",
	Fix: "Keep safe_mode at its default (True) and pin Keras 3.14 or later (TensorFlow 2.16 or later with it); replace Lambda " +
		"layers with registered custom layers that are defined in your code; load only model files whose digest you have verified.",
	References: []string{
		"https://keras.io/api/models/model_saving_apis/model_saving_and_loading/",
		"https://github.com/keras-team/keras/security/advisories/GHSA-48g7-3x6r-xfhp",
	},
}

// YAMLUnsafeLoad flags PyYAML loads that can construct arbitrary objects.
var YAMLUnsafeLoad = &rule.Rule{
	ID:          "code/yaml-unsafe-load",
	Title:       "PyYAML load without a safe loader",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000"},
	Mitigations: []string{"AML.M0011"},
	Summary:     "yaml.load with an unsafe loader builds arbitrary Python objects from tags such as !!python/object/apply, which runs code.",
	Description: "PyYAML's Loader and UnsafeLoader (and FullLoader before 5.4) honour python/* tags that import modules and call " +
		"functions. Model configs, pipeline definitions and experiment files read this way let whoever edits them run code. " +
		"Without a Loader argument, PyYAML before 5.1 used the unsafe loader and 5.1 to 5.4 used FullLoader. ruamel.yaml's " +
		"YAML(typ=\"unsafe\") and its old module-level load (unsafe by default before 0.18) do the same.",
	Fix: "Use yaml.safe_load, or pass Loader=yaml.SafeLoader (or CSafeLoader); with ruamel.yaml, use YAML(typ=\"safe\") or the default round-trip loader.",
	References: []string{
		"https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation",
		"https://pyyaml.org/wiki/PyYAMLDocumentation",
	},
	Peers: []string{"bandit:B506"},
}

// TrustRemoteCode flags trust_remote_code=True.
var TrustRemoteCode = &rule.Rule{
	ID:          "code/trust-remote-code",
	Title:       "trust_remote_code=True on a hub model or dataset",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.003", "AML.T0011.000"},
	Mitigations: []string{"AML.M0014", "AML.M0016"},
	Summary:     "trust_remote_code=True downloads and runs Python files from the hub repository, so whoever controls that repository runs code here.",
	Description: "Transformers, datasets and similar libraries import modelling or loading code shipped in the repository when " +
		"trust_remote_code is set. Without revision= pinned to a commit SHA, every run fetches whatever the branch points to now, " +
		"so a compromised or malicious repository owner can change the code at any time. A tag or branch name is mutable too.",
	Fix: "Avoid trust_remote_code; if the architecture needs it, review the code and pin revision= to the full 40-character commit SHA you reviewed, or vendor the code.",
	References: []string{
		"https://huggingface.co/docs/transformers/custom_models",
		"https://huggingface.co/docs/hub/security",
	},
}

// TorchHubLoad flags torch.hub.load of a third-party GitHub repository.
var TorchHubLoad = &rule.Rule{
	ID:          "code/torch-hub-load",
	Title:       "torch.hub.load from a third-party repository",
	Severity:    rule.High,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.003", "AML.T0010.001"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "torch.hub.load imports hubconf.py from a GitHub repository and runs it, so the repository's owner runs code in this process.",
	Description: "torch.hub downloads the repository at the given branch or tag and executes its hubconf.py, which usually also " +
		"downloads and unpickles weights. An unpinned reference follows whatever the owner pushes next; trust_repo=True " +
		"removes the prompt that would otherwise ask before running an unknown repository.",
	Fix: "Vendor the model code and load weights with weights_only=True, or pin the repository to a reviewed commit SHA (owner/repo:SHA) and drop trust_repo=True.",
	References: []string{
		"https://pytorch.org/docs/stable/hub.html",
	},
}

// FromPretrainedPickle flags from_pretrained calls that load pickled weights.
var FromPretrainedPickle = &rule.Rule{
	ID:          "code/from-pretrained-pickle",
	Title:       "from_pretrained loading pickled weights",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0011", "AML.M0014"},
	Summary:     "This from_pretrained call asks for PyTorch pickle weights (.bin, .pt, .ckpt or use_safetensors=False) instead of safetensors.",
	Description: "Transformers and diffusers read safetensors when a repository has them, but fall back to pickle-based " +
		"pytorch_model.bin and .ckpt files, which go through torch.load. Asking for those files explicitly, or turning " +
		"safetensors off, opens the loader to a tampered checkpoint.",
	Fix: "Pass use_safetensors=True and load repositories that publish .safetensors weights; convert trusted checkpoints once with the safetensors converter.",
	References: []string{
		"https://huggingface.co/docs/safetensors/index",
		"https://huggingface.co/docs/diffusers/using-diffusers/other-formats",
	},
}

// ModelCodeLoad flags loaders of model formats that carry code or graphs
// run on load: TorchScript, torch.package and TensorFlow SavedModel.
var ModelCodeLoad = &rule.Rule{
	ID:          "code/model-code-load",
	Title:       "Loading a model format that carries code",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0011", "AML.M0014"},
	Summary:     "torch.package, TorchScript and TensorFlow SavedModel files carry Python code or graph operations that run when the model is loaded or called.",
	Description: "torch.package.PackageImporter imports the Python modules stored in the package and unpickles its objects, so a " +
		"package runs whatever code it ships. torch.jit.load rebuilds a TorchScript program whose operators (file and " +
		"process access included) run when the module is called, and older PyTorch versions had memory-safety bugs in the " +
		"loader. tf.saved_model.load restores a TensorFlow graph that may use file-system and other side-effecting operations. " +
		"Loading one of these from a source you do not control hands that source code execution.",
	Fix: "Load only packages and scripted models you built, or whose digest you verified against a signed manifest; exchange weights " +
		"as safetensors and keep the model code in your repository.",
	References: []string{
		"https://pytorch.org/docs/stable/package.html",
		"https://pytorch.org/docs/stable/generated/torch.jit.load.html",
		"https://www.tensorflow.org/api_docs/python/tf/saved_model/load",
	},
}

// UnsafeDeserialization flags marshal and msgpack-numpy deserialization.
var UnsafeDeserialization = &rule.Rule{
	ID:          "code/unsafe-deserialization",
	Title:       "Deserializer that builds code objects or unpickles",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0011", "AML.M0014"},
	Summary:     "marshal.loads builds Python code objects from bytes, and msgpack-numpy's decode hook unpickles object arrays: neither is safe on untrusted input.",
	Description: "The marshal format is not meant for untrusted data: it builds code objects that are then executed (exec, " +
		"types.FunctionType), and malformed input can crash the interpreter. msgpack_numpy's decode hook (object_hook=m.decode, " +
		"or msgpack_numpy.patch()) rebuilds NumPy arrays of dtype object with pickle.loads, so a msgpack message runs code when it is unpacked.",
	Fix: "Exchange data as JSON, msgpack without the numpy hook, or safetensors; never deserialize code objects from a file or the network.",
	References: []string{
		"https://docs.python.org/3/library/marshal.html",
		"https://github.com/lebedov/msgpack-numpy",
	},
}

// ArchiveExtract flags tar and zip extraction without a safe filter.
var ArchiveExtract = &rule.Rule{
	ID:          "code/archive-extract-unsafe",
	Title:       "Archive extracted without a safe filter",
	Severity:    rule.Medium,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.003"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "tarfile.extractall without filter=\"data\" writes members wherever their names (.., absolute paths, links) point, so a model or dataset archive can overwrite code.",
	Description: "Model and dataset archives are often downloaded and unpacked. Before Python 3.14, tarfile extracts member names " +
		"and symbolic links as written (CVE-2007-4559), so a crafted archive can write outside the target directory: over a " +
		"module, a shell profile or a cron file. The \"data\" filter (Python 3.12, backported to 3.8+) refuses such members. " +
		"zipfile strips .. and absolute paths, but still extracts whatever files the archive holds.",
	Fix: "Pass filter=\"data\" to extractall/extract (or set tarfile's extraction_filter), and extract into a fresh directory; check zip member names before extracting.",
	References: []string{
		"https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter",
		"https://peps.python.org/pep-0706/",
	},
	Peers: []string{"bandit:B202"},
}

// NativeLibraryLoad flags native code loaded from a model or artifact path.
var NativeLibraryLoad = &rule.Rule{
	ID:          "code/native-library-load",
	Title:       "Native library loaded from an artifact path",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0010.001"},
	Mitigations: []string{"AML.M0011", "AML.M0013"},
	Summary:     "torch.ops.load_library, tf.load_op_library, ctypes.CDLL and cpp_extension.load_inline load native code; from a path or source that comes with a model, that code runs with the process's rights.",
	Description: "Custom operators are shipped as shared libraries beside model files. Loading a shared library runs its " +
		"initializers at once, and compiling C++ source with load_inline runs whatever the source does. When the path or the " +
		"source comes from a model directory, a download or a run-time value, whoever controls that artifact runs native code here.",
	Fix: "Build custom operators from source in your own build and load them from the installed package; never load libraries " +
		"or compile sources that arrive with a model or from a path chosen at run time.",
	References: []string{
		"https://pytorch.org/tutorials/advanced/torch_script_custom_ops.html",
		"https://www.tensorflow.org/api_docs/python/tf/load_op_library",
		"https://docs.python.org/3/library/ctypes.html",
	},
}

// HFDownloadUnpinned flags Hugging Face downloads without a pinned revision.
var HFDownloadUnpinned = &rule.Rule{
	ID:          "code/hf-download-unpinned",
	Title:       "Hugging Face download without a pinned revision",
	Severity:    rule.Medium,
	Confidence:  rule.HighConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0010.003"},
	Mitigations: []string{"AML.M0014"},
	Summary:     "snapshot_download and hf_hub_download without revision= pinned to a commit SHA fetch whatever the repository's branch points to now.",
	Description: "A hub repository's main branch (or any branch or tag) can be moved by whoever can push to it. Files fetched " +
		"without a pinned commit can change between runs, which lets a compromised repository swap weights, configs or code.",
	Fix: "Pass revision= with the full 40-character commit SHA you reviewed, and verify the files' digests.",
	References: []string{
		"https://huggingface.co/docs/huggingface_hub/guides/download",
	},
}

// EvalArtifact flags eval and exec of content read from a model or config file.
var EvalArtifact = &rule.Rule{
	ID:          "code/eval-artifact",
	Title:       "eval or exec of content read from a model or config file",
	Severity:    rule.High,
	Confidence:  rule.MediumConfidence,
	Phase:       rule.Development,
	Techniques:  []string{"AML.T0011.000", "AML.T0050"},
	Mitigations: []string{"AML.M0011", "AML.M0014"},
	Summary:     "eval or exec of a string that comes from a model, config or metadata file runs whatever whoever wrote that file put there.",
	Description: "Configs and model metadata that hold expressions (a transform, a lambda, a class path) are often turned into " +
		"code with eval or exec. Whoever can edit the file, or publish the model it ships with, then runs code in the loading process.",
	Fix: "Store names, not code: map allowed names to functions in a dict, use ast.literal_eval for literals, or importlib with an allow-list of modules.",
	References: []string{
		"https://docs.python.org/3/library/ast.html#ast.literal_eval",
	},
	Peers: []string{"bandit:B307"},
}
