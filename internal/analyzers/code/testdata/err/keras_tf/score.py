import sys

import tensorflow as tf


def score(path):
    # want-next: code/keras-unsafe-load@high "the tf.keras of TensorFlow below 2.12 pinned in .*pyproject.toml predates safe_mode.*command-line argument \(sys.argv\[\]\), passed to score\(\) as path"
    model = tf.keras.models.load_model(path)
    return model


if __name__ == "__main__":
    score(sys.argv[1])
