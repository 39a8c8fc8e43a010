"""Values that resolve to safe settings: nothing here is reported."""
import importlib

import numpy as np
import torch

WEIGHTS_ONLY = True
SAFE_KW = {"weights_only": True, "map_location": "cpu"}
SAFE = dict(weights_only=True)

a = torch.load("a.pt", weights_only=WEIGHTS_ONLY)
b = torch.load("b.pt", **SAFE_KW)
c = torch.load("c.pt", **SAFE)
d = torch.load("d.pt", **{"weights_only": 1})
e = np.load("e.npy", allow_pickle=0)


def restore(path, weights_only=True):
    return torch.load(path, weights_only=weights_only)


def read(pickle):
    # a parameter shadows the module of the same name
    return pickle.load()


js = importlib.import_module("json").loads("{}")
f = getattr(np, "load")("f.npy")
