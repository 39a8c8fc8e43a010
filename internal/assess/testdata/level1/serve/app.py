import joblib
from fastapi import FastAPI

app = FastAPI()
model = joblib.load("models/churn.joblib")


@app.post("/predict")
def predict(features: dict) -> dict:
    return {"churn": float(model.predict_proba([list(features.values())])[0][1])}
