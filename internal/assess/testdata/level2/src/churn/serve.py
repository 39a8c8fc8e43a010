from fastapi import Depends, FastAPI
from fastapi.security import HTTPBearer
from prometheus_client import Counter
from safetensors.torch import load_file

app = FastAPI()
auth = HTTPBearer()
PREDICTIONS = Counter("churn_predictions_total", "Predictions served")
weights = load_file("models/churn.safetensors")


@app.post("/predict")
def predict(features: dict, token=Depends(auth)) -> dict:
    PREDICTIONS.inc()
    return {"score": float(sum(features.values()))}
