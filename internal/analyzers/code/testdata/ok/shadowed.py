# A script that imports joblib's load but then defines its own.
from joblib import load
import pickle as pickle_mod

pickle_mod = None


def load(path):
    return open(path).read()


text = load("notes.txt")
print(pickle_mod)
