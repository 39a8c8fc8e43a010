"""Loading code that does the right thing (negatives for the code analyzer).

Docs mention pickle.load(f) and torch.load(path) here, which are not calls.
"""
import json
import pickle
import torch
import yaml
import numpy as np
from ruamel.yaml import YAML
from safetensors.torch import load_file
from transformers import AutoModel
import keras

# pickle.load(open("x.pkl", "rb")) is what we used to do
msg = "never call pickle.loads(data) on uploads"
query = f"torch.load({msg})"


class RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "collections" and name == "OrderedDict":
            return super().find_class(module, name)
        raise pickle.UnpicklingError(name)


def load(path):
    with open(path) as f:
        return json.load(f)


class Store:
    def load(self, key):
        return self.cache.load(key)


state = torch.load("ckpt/last.pt", map_location="cpu", weights_only=True)
weights = load_file("model.safetensors")
cfg = load("config.json")
arr = np.load("emb.npy")
arr = np.load("emb.npy", allow_pickle=False)
safe = RestrictedUnpickler(open("x.pkl", "rb")).load()
conf = yaml.safe_load(open("c.yaml"))
conf = yaml.load(open("c.yaml"), Loader=yaml.SafeLoader)
conf = yaml.load(open("c.yaml"), yaml.CSafeLoader)
rt = YAML(typ="safe")
conf = rt.load(open("c.yaml"))
model = AutoModel.from_pretrained("acme-labs/encoder", use_safetensors=True)
model = AutoModel.from_pretrained("acme-labs/encoder", revision="v2")
clf = keras.models.load_model("clf.keras")
mdl = torch.hub.load("pytorch/vision", "resnet50", weights="IMAGENET1K_V2")
local = torch.hub.load("./third_party/yolo", "custom", source="local")
store = Store()
item = store.load("k")
data = json.loads("{}")
import joblib
import pandas as pd
from transformers import AutoTokenizer

joblib.dump(model, "clf.joblib")
frame = pd.read_parquet("data/train.parquet")
tok = AutoTokenizer.from_pretrained("acme-labs/encoder", trust_remote_code=False)
cache = pickle.load(open("cache.pkl", "rb"))  # mlsec: ignore[code/pickle-load] written by this job a line above
