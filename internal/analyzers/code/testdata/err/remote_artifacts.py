"""Nightly scoring job: reads features and models from object storage and the MLflow registry."""
# The job is a pipeline step that reads three stores:
# want-edge: pipeline-step:code:testdata/err/remote_artifacts.py reads data-store:s3://acme-features
# want-edge: pipeline-step:code:testdata/err/remote_artifacts.py reads data-store:gs://acme-models
# want-edge: pipeline-step:code:testdata/err/remote_artifacts.py reads data-store:az://acmeml/calibration
import os

import fsspec
import joblib
import mlflow
import pandas as pd
import torch

features = pd.read_parquet("s3://acme-features/daily/2024-06-01.parquet")  # want-asset: data-store:s3://acme-features want-asset: pipeline-step:code:testdata/err/remote_artifacts.py
with fsspec.open("gs://acme-models/scorer/v3.pt", "rb") as fh:  # want-asset: data-store:gs://acme-models
    scorer = torch.load(fh)  # want: code/torch-load-unsafe@high
baseline = pd.read_pickle("S3://Acme-Features/baseline.pkl")  # want: code/pandas-read-pickle@high want-asset: data-store:s3://acme-features
calib = joblib.load("https://acmeml.blob.core.windows.net/calibration/iso.joblib")  # want: code/joblib-load@high want-asset: data-store:az://acmeml/calibration
model = mlflow.pyfunc.load_model("models:/fraud-scorer/Production")  # want-asset: model:mlflow:models:/fraud-scorer
champion = mlflow.pyfunc.load_model(model_uri="models:/fraud-scorer@champion")  # want-asset: model:mlflow:models:/fraud-scorer
run_model = mlflow.sklearn.load_model(model_uri="runs:/4f2a9c1d/model")  # want-asset: model:mlflow:runs:/4f2a9c1d/model

# Templates and names that are not storage: no asset.
nightly = pd.read_parquet("s3://${FEATURE_BUCKET}/daily.parquet")
shard = pd.read_parquet("s3://%s/daily.parquet" % os.environ["FEATURE_BUCKET"])
local = pd.read_parquet("data/daily.parquet")
page = pd.read_html("https://example.com/leaderboard")
open("s3://not-read-by-builtin-open/x.txt")
