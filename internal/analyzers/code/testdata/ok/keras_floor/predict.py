import keras

model = keras.models.load_model("models/intent.keras")
