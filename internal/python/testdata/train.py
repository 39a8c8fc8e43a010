"""Training script for the churn model.

Mentions pickle.load(f) in a docstring, which is not a call.
"""
import os, sys
import torch as T
import numpy as np
from joblib import load as jl, dump
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer as Tok,
)
from . import utils
from ..common.io import read_all
import pickle as pkl

loader = pkl.load
# torch.load("x.pt") in a comment is not a call


@torch.no_grad()
def evaluate(model, path):
    state = T.load(
        path,
        map_location="cpu",  # keep on CPU
        weights_only=False,
    )
    data = pkl.loads(base64.b64decode(blob))
    u = pkl.Unpickler(open(path, "rb")).load()
    arr = np.load(path, allow_pickle=True)
    x = [jl(p) for p in paths]
    f = lambda p: loader(p)
    s = r"raw \" string" 'and' f'{x}'
    return "sep".join(map(str, arr))


def load(path):
    return path


load("ok")
m = AutoModelForSequenceClassification.from_pretrained("org/name", trust_remote_code=True, revision=None, num_labels=-2)
if __name__ == "__main__": main(sys.argv[1:])
