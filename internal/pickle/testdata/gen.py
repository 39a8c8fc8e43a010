#!/usr/bin/python3
"""Write small BENIGN pickles into testdata/benign/ for the scanner tests.

Run with Debian's interpreter (python3-torch, python3-numpy, python3-joblib):
    /usr/bin/python3 internal/pickle/testdata/gen.py

Only dumps: nothing here ever loads a pickle. Malicious cases are assembled
as bytes in the Go tests, never produced or loaded in Python.
"""
import collections
import datetime
import io
import os
import pickle
import sys
import types
import zipfile

import joblib
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "benign")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
rng = np.random.default_rng(0)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def torch_pickle(obj, name):
    """torch.save writes a zip; keep its data.pkl, the part the scanner reads."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        member = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
        write(name, z.read(member))


# A small PyTorch model state dict, as torch.save writes it.
model = torch.nn.Sequential(
    torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.BatchNorm1d(16), torch.nn.Linear(16, 2))
torch_pickle(model.state_dict(), "torch_state_dict.pkl")

# A training checkpoint: state dicts, optimizer state, epoch, plain metadata.
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
loss = model(torch.randn(4, 8)).sum()
loss.backward()
opt.step()
torch_pickle({
    "epoch": 3,
    "model": model.state_dict(),
    "optimizer": opt.state_dict(),
    "metrics": {"loss": 0.25, "acc": np.float64(0.91)},
    "half": torch.zeros(3, dtype=torch.float16),
    "ints": torch.arange(5, dtype=torch.int64),
    "param": torch.nn.Parameter(torch.ones(2, 2)),
}, "torch_checkpoint.pkl")

# Legacy (non-zip) torch format: five stacked pickles then raw storages.
buf = io.BytesIO()
torch.save({"w": torch.ones(2, 3)}, buf, _use_new_zipfile_serialization=False)
write("torch_legacy.pt", buf.getvalue())

# NumPy arrays pickled directly, across protocols.
arr = rng.standard_normal((3, 4)).astype(np.float32)
for proto in (0, 2, 4, 5):
    write("numpy_array_p%d.pkl" % proto, pickle.dumps(arr, protocol=proto))
write("numpy_mixed.pkl", pickle.dumps({
    "ints": np.arange(6, dtype=np.int64).reshape(2, 3),
    "bools": np.array([True, False]),
    "text": np.array(["a", "bc"]),
    "scalar": np.int32(7),
    "dtype": np.dtype("float64"),
    "masked": np.ma.masked_array([1, 2, 3], mask=[0, 1, 0]),
}, protocol=4))

# Plain Python containers and standard types, protocols 0-5.
plain = {
    "name": "resnet", "layers": [1, 2, 3], "ratio": 0.5, "flag": True, "none": None,
    "tuple": (1, "two", 3.0), "set": {1, 2}, "frozen": frozenset({"a"}), "bytes": b"\x00\x01",
    "big": 2 ** 100, "neg": -5, "when": datetime.datetime(2024, 1, 2, 3, 4, 5),
    "od": collections.OrderedDict(a=1), "ns": types.SimpleNamespace(x=1),
    "long": "x" * 1000, "blob": bytes(300), "barr": bytearray(b"abc"),
}
for proto in range(0, 6):
    write("plain_p%d.pkl" % proto, pickle.dumps(plain, protocol=proto))

# Two stacked pickles (pickle.dump called twice on one file).
write("stacked.pkl", pickle.dumps([1, 2, 3], protocol=2) + pickle.dumps({"k": "v"}, protocol=4))


# An sklearn-like estimator. sklearn is not installed here, so a stand-in
# class is registered under the real module path before dumping: the bytes
# are what sklearn's LogisticRegression would produce structurally.
class LogisticRegression:
    def __init__(self):
        self.C = 1.0
        self.penalty = "l2"
        self.classes_ = np.array([0, 1])
        self.coef_ = rng.standard_normal((1, 4))
        self.intercept_ = np.zeros(1)
        self.n_iter_ = np.array([12], dtype=np.int32)
        self._sklearn_version = "1.4.2"


for parent in ("sklearn", "sklearn.linear_model"):
    sys.modules[parent] = types.ModuleType(parent)
mod = types.ModuleType("sklearn.linear_model._logistic")
mod.LogisticRegression = LogisticRegression
LogisticRegression.__module__ = mod.__name__
LogisticRegression.__qualname__ = "LogisticRegression"
sys.modules[mod.__name__] = mod
est = LogisticRegression()
write("sklearn_logreg.pkl", pickle.dumps(est, protocol=4))

# joblib dumps: raw array bytes follow each NumpyArrayWrapper.
for name, obj in {
    "joblib_estimator.joblib": est,
    "joblib_arrays.joblib": {"f": np.arange(10, dtype=np.float64), "u": np.array(["ab", "c"]),
                             "b": np.array([True, False, True]), "i": np.arange(7, dtype=np.int16).reshape(7, 1)},
    "joblib_object.joblib": {"o": np.array(["x", 1, None], dtype=object)},
}.items():
    path = os.path.join(OUT, name)
    joblib.dump(obj, path)
print("wrote", len(os.listdir(OUT)), "files to", OUT)
