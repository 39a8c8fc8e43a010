import numpy as np
import pandas as pd
from datasets import load_dataset

train = pd.read_csv("data/train.csv")  # want-asset: dataset:file:data/train.csv
users = load_dataset("csv", data_files="features/users.csv")  # want-asset: dataset:file:features/users.csv
clean = pd.read_parquet("processed/clean.parquet")  # want-asset: dataset:file:processed/clean.parquet
extra = pd.read_parquet("data_extra/clicks.parquet")  # want: data/dataset-unlocked@medium "training data data_extra/clicks.parquet is read here" want-asset: dataset:file:data_extra/clicks.parquet
labels = np.loadtxt(fname="raw/labels.txt")  # want: data/dataset-unlocked@medium want-asset: dataset:file:raw/labels.txt
remote = pd.read_csv("s3://acme-training/train.csv")
pattern = pd.read_csv(f"data/{split}.csv")
config = pd.read_csv(CONFIG_PATH)
