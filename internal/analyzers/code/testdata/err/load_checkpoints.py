"""Evaluation helpers for the ranking models (positives for the code analyzer)."""
import pickle as pkl
import _pickle
import dill
import cloudpickle
import shelve
import base64
import torch as T
import numpy as np
import pandas as pd
from joblib import load as jl
from sklearn.externals import joblib
from pickle import Unpickler

loader = pkl.load


def read_features(path):
    with open(path, "rb") as fh:
        return pkl.load(fh)  # want: code/pickle-load


def decode(blob):
    return pkl.loads(base64.b64decode(blob))  # want: code/pickle-load


def legacy(fh):
    a = _pickle.loads(fh.read())  # want: code/pickle-load
    b = dill.load(fh)  # want: code/pickle-load
    c = cloudpickle.loads(fh.read())  # want: code/pickle-load
    d = Unpickler(fh).load()  # want: code/pickle-load
    e = pkl.Unpickler(fh).load()  # want: code/pickle-load
    return a, b, c, d, e, loader(fh)  # want: code/pickle-load


with shelve.open("cache/embeddings") as db:  # want: code/pickle-load
    vectors = db["v1"]

clf = jl("models/clf.joblib")  # want: code/joblib-load
old = joblib.load("models/old.pkl")  # want: code/joblib-load
scores = [jl(p) for p in ["a.joblib", "b.joblib"]]  # want: code/joblib-load

state = T.load("ckpt/last.pt")  # want: code/torch-load-unsafe
state = T.load(  # want: code/torch-load-unsafe
    "ckpt/last.pt",
    map_location="cpu",
    weights_only=False,
)
emb = np.load("emb.npy", allow_pickle=True)  # want: code/numpy-allow-pickle
emb2 = np.load("emb.npy", None, True)  # want: code/numpy-allow-pickle
frame = pd.read_pickle("data/train.pkl.gz")  # want: code/pandas-read-pickle
