"""Loading code that looks risky to a grep but is not (negatives)."""
import functools
import pickle
from pickle import load

import numpy as np
import torch
from ruamel.yaml import YAML
from ruamel import yaml as ryaml

from .model import ChurnClassifier


def main(paths):
    def load(p):  # a local helper that shadows pickle.load inside main
        with open(p) as fh:
            return fh.read()

    texts = [load(p) for p in paths]
    return texts


def tokens(p): load = str.split; return load(open(p).read())


class Cache:
    pickle = None  # a class attribute, not the module

    def load(self, key):
        return self.pickle.load(key)


def check(obj):
    return isinstance(obj, pickle.Unpickler) or obj is pickle.load


read = functools.partial(torch.load, weights_only=True)
sd = torch.load("ckpt.pt", weights_only=(True))
model = ChurnClassifier.load_from_checkpoint("last.ckpt", weights_only=True)
note = f"call torch.load({{path}}) with weights_only=True, never pickle.loads"
debug = f"{len(note)=} {note!r:>20}"
with open("emb.npy", "rb") as fp:
    emb = np.lib.format.read_array(fp)
    emb = np.lib.format.read_array(fp, allow_pickle=False)
cfg = YAML(typ="safe").load(open("c.yaml"))
cfg = YAML().load(open("c.yaml"))
cfg = ryaml.load(open("c.yaml"), Loader=ryaml.RoundTripLoader)
