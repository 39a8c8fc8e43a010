"""Evaluate a candidate credit model against the holdout set."""
import argparse
import os

import keras
from keras.models import load_model

CHAMPION = "artifacts/champion.keras"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidate", required=True)
    args = parser.parse_args()
    # want-next: code/keras-unsafe-load@high "relies on safe_mode, but Keras up to 3.8 pinned in .*requirements.txt has a safe_mode that a crafted config.json gets past.*CVE-2025-1550.*command-line argument"
    candidate = load_model(args.candidate)
    # want-next: code/keras-unsafe-load@medium "relies on safe_mode, but Keras up to 3.8 pinned"
    champion = keras.saving.load_model(CHAMPION, safe_mode=True)
    # The explicit opt-out is reported by the safe_mode rule itself, once.
    # want-next: code/keras-unsafe-load@high "safe_mode=False deserializes Lambda layers"
    legacy = load_model(os.path.join("artifacts", "legacy.h5"), safe_mode=False)
    return candidate, champion, legacy


if __name__ == "__main__":
    main()
