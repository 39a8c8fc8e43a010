"""Look like round trips, but read bytes from outside the process."""
import json
import pickle


def restore(blob, cache):
    a = pickle.loads(cache.dumps(blob))  # want: code/pickle-load
    b = pickle.loads(json.dumps(blob).encode())  # want: code/pickle-load
    payload = pickle.dumps(blob)
    c = pickle.loads(payload + cache.read())  # want: code/pickle-load
    return a, b, c
