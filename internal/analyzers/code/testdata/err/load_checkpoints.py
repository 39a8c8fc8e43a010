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
        return pkl.load(fh)  # want: code/pickle-load@high


def decode(blob):
    return pkl.loads(base64.b64decode(blob))  # want: code/pickle-load@high


def legacy(fh):
    a = _pickle.loads(fh.read())  # want: code/pickle-load@high
    b = dill.load(fh)  # want: code/pickle-load@high
    c = cloudpickle.loads(fh.read())  # want: code/pickle-load@high
    d = Unpickler(fh).load()  # want: code/pickle-load@high
    e = pkl.Unpickler(fh).load()  # want: code/pickle-load@high
    return a, b, c, d, e, loader(fh)  # want: code/pickle-load@high


with shelve.open("downloads/embeddings") as db:  # want: code/pickle-load@high
    vectors = db["v1"]

clf = jl("models/clf.joblib")  # want: code/joblib-load@high
old = joblib.load("models/old.pkl")  # want: code/joblib-load@high
scores = [jl(p) for p in ["a.joblib", "b.joblib"]]  # want: code/joblib-load@high

state = T.load("ckpt/last.pt")  # want: code/torch-load-unsafe@high
state = T.load(  # want: code/torch-load-unsafe@high
    "ckpt/last.pt",
    map_location="cpu",
    weights_only=False,
)
emb = np.load("emb.npy", allow_pickle=True)  # want: code/numpy-allow-pickle@high
emb2 = np.load("emb.npy", None, True)  # want: code/numpy-allow-pickle@high
frame = pd.read_pickle("data/train.pkl.gz")  # want: code/pandas-read-pickle@high
