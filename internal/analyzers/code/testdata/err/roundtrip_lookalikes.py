"""Look like round trips, but read bytes from outside the process."""
import json
import pickle


def restore(blob, cache):
    a = pickle.loads(cache.dumps(blob))  # want: code/pickle-load@high
    b = pickle.loads(json.dumps(blob).encode())  # want: code/pickle-load@high
    payload = pickle.dumps(blob)
    c = pickle.loads(payload + cache.read())  # want: code/pickle-load@high
    return a, b, c
