"""functools.partial bound to a name with safe arguments: no finding at the call."""
import functools
from functools import partial

import numpy as np
import torch

read = functools.partial(torch.load, weights_only=True)
state = read("state.pt")
tensors = [read(p, map_location="cpu") for p in ("a.pt", "b.pt")]

arrays = partial(np.load, allow_pickle=False)
emb = arrays("emb.npy")

mmap = partial(np.load, mmap_mode="r")
big = mmap("big.npy")


def fetch(path):
    load = functools.partial(torch.load, weights_only=True)
    return load(path)


load = functools.partial(print, "x")
load("ckpt.pt")
