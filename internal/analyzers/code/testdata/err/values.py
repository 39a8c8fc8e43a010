"""Values resolved within a module and a function: constants, dicts, defaults, dynamic access."""
import functools
import importlib

import numpy as np
import torch
from transformers import AutoModel

WEIGHTS_ONLY = False
ALLOW = 1
UNSAFE_KW = {"weights_only": False, "map_location": "cpu"}
TRUST = dict(trust_remote_code=True)

a = torch.load("a.pt", weights_only=WEIGHTS_ONLY)  # want: code/torch-load-unsafe@high "weights_only=False \(the value of WEIGHTS_ONLY\)"
b = np.load("b.npy", allow_pickle=1)  # want: code/numpy-allow-pickle@high
c = np.load("c.npy", allow_pickle=ALLOW)  # want: code/numpy-allow-pickle@high "the value of ALLOW"
d = torch.load("d.pt", **UNSAFE_KW)  # want: code/torch-load-unsafe@high "the value of UNSAFE_KW"
e = torch.load("e.pt", **{"weights_only": False})  # want: code/torch-load-unsafe@high
m = AutoModel.from_pretrained("acme-labs/enc", **TRUST)  # want: code/trust-remote-code@high "the value of TRUST"
f = np.load("f.npy", allow_pickle=cli.allow)  # want: code/numpy-allow-pickle@high "could not be resolved statically \(unknown\)"


def restore(path, weights_only=False):
    return torch.load(path, weights_only=weights_only)  # want: code/torch-load-unsafe@high "default of parameter weights_only"


def restore_with(path, loader=torch.load):
    return loader(path)  # want: code/torch-load-unsafe@high


load = getattr(torch, "load")
g = load("g.pt")  # want: code/torch-load-unsafe@high
h = getattr(torch, "load")("h.pt")  # want: code/torch-load-unsafe@high
i = importlib.import_module("pickle").loads(blob)  # want: code/pickle-load@high "pickle.loads"
j = __import__("pickle").loads(blob)  # want: code/pickle-load@high "pickle.loads"
pk = importlib.import_module("pickle")
k = pk.load(open("k.pkl", "rb"))  # want: code/pickle-load@high
lazy = functools.partial(torch.load, map_location="cpu")  # want: code/torch-load-unsafe@high "passed as a function"
