"""Train the credit-risk scorer.

Reads the engineered features, fine-tunes a small transformer on the
applicants' free-text employment descriptions, and writes a checkpoint.
"""
import argparse

import joblib
import pandas as pd
import torch as T
import yaml
from transformers import AutoModelForSequenceClassification, AutoTokenizer


def load_config(path):
    with open(path) as f:
        return yaml.load(f, Loader=yaml.Loader)


def load_features(cfg):
    # Features are produced nightly by the feature pipeline and dropped on the
    # shared volume as a pickled DataFrame.
    frame = pd.read_pickle(cfg["data"]["features"])
    preprocessor = joblib.load(cfg["data"]["preprocessor"])
    return preprocessor.transform(frame), frame["default"].values


def build_model(cfg):
    tokenizer = AutoTokenizer.from_pretrained(cfg["model"]["base"])
    model = AutoModelForSequenceClassification.from_pretrained(
        cfg["model"]["base"],
        num_labels=2,
        trust_remote_code=True,
    )
    return tokenizer, model


def resume(model, cfg):
    state = T.load(cfg["model"]["checkpoint"], map_location="cpu")
    model.load_state_dict(state["model"])
    return state.get("epoch", 0)


def resume_safely(model, path):
    # The fixed version: tensors only, no arbitrary objects.
    state = T.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="configs/train.yaml")
    args = parser.parse_args()
    cfg = load_config(args.config)
    features, labels = load_features(cfg)
    tokenizer, model = build_model(cfg)
    start = resume(model, cfg)
    print(f"resuming at epoch {start} with {len(labels)} applicants")
    # "pickle.load(" in a comment or a string must not be reported.
    note = "never call pickle.load( on uploads"
    print(note)


if __name__ == "__main__":
    main()
