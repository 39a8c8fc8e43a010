"""Old data helpers kept for the 2021 experiments."""
from pickle import *
import numpy as np
import pandas as pd
import yaml
import keras
from ruamel.yaml import YAML
from ruamel import yaml as ryaml
from sklearn.externals import joblib

rows = loads(open("cache/rows.bin", "rb").read())  # want: code/pickle-load@high
with open("emb.npy", "rb") as fp:
    emb = np.lib.format.read_array(fp, allow_pickle=True)  # want: code/numpy-allow-pickle@high
    emb = np.lib.format.read_array(fp, True)  # want: code/numpy-allow-pickle@high
prices = pd.read_pickle("https://data.example.com/prices.pkl")  # want: code/pandas-read-pickle@high
clf = joblib.load("models/clf.pkl")  # want: code/joblib-load@high

with open("experiment.yaml") as f:
    exp = yaml.load(f, yaml.Loader)  # want: code/yaml-unsafe-load@high
    exp = YAML(typ="unsafe").load(f)  # want: code/yaml-unsafe-load@high
    exp = YAML(typ=["unsafe"], pure=True).load(f)  # want: code/yaml-unsafe-load@high
    exp = ryaml.load(f)  # want: code/yaml-unsafe-load@high
    exp = ryaml.load(f, Loader=ryaml.Loader)  # want: code/yaml-unsafe-load@high

keras.config.enable_unsafe_deserialization()  # want: code/keras-unsafe-load@high
head = keras.models.load_model("head.keras")
