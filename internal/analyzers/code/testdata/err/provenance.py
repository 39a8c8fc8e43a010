"""Where loaded bytes come from decides the severity."""
import argparse
import base64
import io
import os
import pickle
import sys

import boto3
import gradio as gr
import joblib
import requests
import torch
from fastapi import FastAPI, UploadFile
from flask import Flask, request
from huggingface_hub import hf_hub_download

app = Flask(__name__)
api = FastAPI()


@app.route("/predict", methods=["POST"])
def predict():
    model = pickle.loads(request.data)  # want: code/pickle-load@critical "HTTP request \(flask.request.data\)"
    upload = request.files["model"]
    clf = joblib.load(upload)  # want: code/joblib-load@critical "attacker-controlled"
    return clf


@api.post("/load")
async def load(file: UploadFile):
    blob = await file.read()
    return pickle.loads(blob)  # want: code/pickle-load@critical "HTTP upload or request file of load\(\)"


@api.post("/score")
def score(payload: dict):
    features = pickle.loads(  # want: code/pickle-load@critical "request parameter payload of the FastAPI handler score\(\)"
        base64.b64decode(payload["features_b64"])
    )
    return features


def classify(path):
    with open(path, "rb") as fh:
        return pickle.load(fh)  # want: code/pickle-load@critical "Gradio input path of classify\(\)"


def restore(path):
    return torch.load(path)  # want: code/torch-load-unsafe@high "parameter path of restore\(\), set by its caller"


demo = gr.Interface(fn=classify, inputs=gr.File(), outputs="label")

torch.save(model_state, "runs/last.pt")
state = torch.load("runs/last.pt")  # want: code/torch-load-unsafe@medium "self-produced"
with open("runs/enc.pkl", "wb") as out:
    pickle.dump(encoder, out)
pickle.dump(encoder, open("runs/enc2.pkl", "wb"))
enc = pickle.load(open("runs/enc2.pkl", "rb"))  # want: code/pickle-load@medium "which this file writes with pickle.dump"

r = requests.get("https://models.example.com/clf.pkl", timeout=10)
remote = pickle.loads(r.content)  # want: code/pickle-load@high "a download \(requests.get\(\).content\)"
ckpt = hf_hub_download("acme-labs/ranker", "model.pt")  # want: code/hf-download-unpinned@medium
ranker = torch.load(ckpt)  # want: code/torch-load-unsafe@high "a download \(huggingface_hub.hf_hub_download\(\)\)"
s3 = boto3.client("s3")
obj = s3.get_object(Bucket="acme-models", Key="clf.joblib")
model = joblib.load(io.BytesIO(obj["Body"].read()))  # want: code/joblib-load@high "a download"

parser = argparse.ArgumentParser()
args = parser.parse_args()
cli = torch.load(args.checkpoint)  # want: code/torch-load-unsafe@high "command-line argument"
argv = joblib.load(sys.argv[1])  # want: code/joblib-load@high "command-line argument"
env = joblib.load(os.environ["MODEL_PATH"])  # want: code/joblib-load@high "environment variable"
