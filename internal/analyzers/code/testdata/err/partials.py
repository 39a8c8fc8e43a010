"""functools.partial bound to a name: the call of the name is the load."""
import functools
import pickle
from functools import partial

import joblib
import numpy as np
import torch

lazy = functools.partial(torch.load, map_location="cpu")  # want: code/torch-load-unsafe@high "passed as a function"
state = lazy("state.pt")  # want: code/torch-load-unsafe@high

unpickle = partial(pickle.load)  # want: code/pickle-load@high "passed as a function"
rows = unpickle(open("rows.pkl", "rb"))  # want: code/pickle-load@high "pickle.load deserializes"

restore = partial(joblib.load, mmap_mode="r")  # want: code/joblib-load@high "passed as a function"
clf = restore("clf.joblib")  # want: code/joblib-load@high

objects = partial(np.load, allow_pickle=True)
arr = objects("objects.npy")  # want: code/numpy-allow-pickle@high "allow_pickle=True"


def load_all(paths):
    read = functools.partial(torch.load, weights_only=True)  # the call below overrides it
    return [read(p, weights_only=False) for p in paths]  # want: code/torch-load-unsafe@high
