"""Provenance that travels: through helper functions, joined paths and
concatenated URLs, within one module."""
import os
import pickle
import sys
import urllib.request

import joblib
import torch
from flask import Flask, request

MODEL_HUB = "https://models.example.com/credit/"
MODEL_DIR = "/srv/models"

app = Flask(__name__)


def read_model(path):
    with open(path, "rb") as f:
        # want-next: code/pickle-load@critical "the body of an HTTP request \(flask.request.files\[\]\), passed to restore\(\) as blob_path, passed to read_model\(\) as path"
        return pickle.load(f)


def restore(blob_path):
    return read_model(blob_path)


@app.route("/restore", methods=["POST"])
def restore_endpoint():
    saved = request.files["model"]
    return restore(saved)


def fetch(version):
    # The URL is the hub prefix joined with a version: a download.
    url = MODEL_HUB + version + "/model.pkl"
    local, _ = urllib.request.urlretrieve(url)
    return joblib.load(local)  # want: code/joblib-load@high "a download \(urllib.request.urlretrieve of https://models.example.com/credit/…\)"


def load_named(name):
    # want-next: code/torch-load-unsafe@high "a command-line argument \(sys.argv\[\]\), passed to load_named\(\) as name"
    return torch.load(os.path.join(MODEL_DIR, name), weights_only=False)


def load_env():
    # want-next: code/pickle-load@high "an environment variable \(os.environ\[\]\)"
    return pickle.load(open(os.environ["MODEL_ROOT"] + "/ranker.pkl", "rb"))


if __name__ == "__main__":
    load_named(sys.argv[1])
    fetch("v3")
    load_env()
