import pickle
import sys

import pandas as pd

with open(sys.argv[1], "rb") as f:
    model = pickle.load(f)
print(model.predict(pd.read_csv(sys.argv[2])))
