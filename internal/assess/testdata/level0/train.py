"""Train the churn model from the CSV export and pickle it for the API team."""
import pickle

import pandas as pd
from sklearn.ensemble import RandomForestClassifier

# TODO: track runs with mlflow.log_metric and register with mlflow.register_model
df = pd.read_csv("churn.csv")
X, y = df.drop(columns=["churned"]), df["churned"]
model = RandomForestClassifier(n_estimators=200).fit(X, y)

with open("model.pkl", "wb") as f:
    pickle.dump(model, f)
