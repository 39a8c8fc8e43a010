"""Weekly retraining: features in, model out, both in object storage."""
# want-edge: pipeline-step:code:testdata/err/train_job.py reads data-store:s3://acme-train
# want-edge: pipeline-step:code:testdata/err/train_job.py writes data-store:s3://acme-models
import joblib
import pandas as pd
from sklearn.ensemble import GradientBoostingClassifier

MODELS = "s3://acme-models/churn"

df = pd.read_parquet("s3://acme-train/churn/2024-06.parquet")  # want-asset: data-store:s3://acme-train want-asset: pipeline-step:code:testdata/err/train_job.py
clf = GradientBoostingClassifier().fit(df.drop(columns="churned"), df["churned"])
joblib.dump(clf, MODELS + "/v12/model.joblib")  # want-asset: data-store:s3://acme-models
