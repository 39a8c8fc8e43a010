"""Scoring API: loads the registered model and scores loan applications."""
import base64
import pickle

import numpy as np
from fastapi import FastAPI

app = FastAPI()

with open("/models/scorer.pkl", "rb") as f:
    scorer = pickle.load(f)

reference = np.load("/models/reference.npy", allow_pickle=True)
calibration = np.load("/models/calibration.npy")


@app.post("/score")
def score(payload: dict):
    # Clients may send a pre-built feature vector, pickled and base64-encoded.
    if "features_b64" in payload:
        features = pickle.loads(
            base64.b64decode(payload["features_b64"])
        )
    else:
        features = np.array(payload["features"])
    return {"risk": float(scorer.predict_proba([features])[0][1])}
