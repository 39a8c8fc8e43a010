#!/usr/bin/env python3
"""Writes the skops fixtures of the modelfmt tests: a .skops archive is a zip
with schema.json describing every object to rebuild (skops.io's format,
protocol 2). Written by hand from the format, so skops is not needed; run
from this directory: python3 gen/skops.py"""
import json
import zipfile


def node(cls, module, loader="ObjectNode", content=None):
    return {"__class__": cls, "__module__": module, "__loader__": loader, "content": content or {}}


def write(path, schema):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("schema.json", date_time=(2024, 6, 1, 0, 0, 0))
        z.writestr(info, json.dumps(schema, indent=2, sort_keys=True))


ndarray = lambda f: {"__class__": "ndarray", "__module__": "numpy", "__loader__": "NdArrayNode", "type": "numpy", "file": f}

# A LogisticRegression as skops.io.dump writes it: sklearn, numpy, builtins.
logreg = node("LogisticRegression", "sklearn.linear_model._logistic", content={
    "C": {"__class__": "float", "__module__": "builtins", "__loader__": "JsonNode", "content": "1.0", "is_json": True},
    "classes_": ndarray("a1.npy"),
    "coef_": ndarray("a2.npy"),
    "solver": {"__class__": "str", "__module__": "builtins", "__loader__": "JsonNode", "content": "\"lbfgs\"", "is_json": True},
})
logreg["protocol"] = 2
logreg["_skops_version"] = "0.10.0"
write("ok/logreg.skops", logreg)

# A pipeline whose FunctionTransformer names os.system as its function.
evil = node("Pipeline", "sklearn.pipeline", content={
    "steps": {"__class__": "list", "__module__": "builtins", "__loader__": "ListNode", "content": [
        node("FunctionTransformer", "sklearn.preprocessing._function_transformer", content={
            "func": {"__class__": "function", "__module__": "builtins", "__loader__": "FunctionNode",
                     "content": {"module_path": "os", "function": "system"}},
        }),
    ]},
})
evil["protocol"] = 2
evil["_skops_version"] = "0.10.0"
write("bad/function_transformer_system.skops", evil)

# A model with the team's own estimator class: untrusted until allowed.
custom = node("FraudScorer", "acme_fraud.models", content={"coef_": ndarray("a1.npy")})
custom["protocol"] = 2
custom["_skops_version"] = "0.10.0"
write("bad/custom_class.skops", custom)
