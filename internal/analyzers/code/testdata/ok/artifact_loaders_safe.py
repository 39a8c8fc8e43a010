"""Safe counterparts: nothing here is reported."""
import ctypes
import ctypes.util
import json
import shelve
import tarfile

import msgpack
import tensorflow as tf
import torch
from huggingface_hub import hf_hub_download, snapshot_download
from torch.utils.cpp_extension import load_inline

state = torch.load("weights.pt", weights_only=True)
packed = msgpack.unpackb(payload, raw=False)

with tarfile.open("weights.tar.gz") as tar:
    tar.extractall("models/", filter="data")
tarfile.open(path).extractall(dest, filter=tarfile.data_filter)

libc = ctypes.CDLL("libc.so.6")
libm = ctypes.CDLL(ctypes.util.find_library("m"))
torch.ops.load_library("build/lib/libcustom_ops.so")
ext = load_inline("ext", "int add(int a, int b) { return a + b; }")

local = snapshot_download("acme-labs/encoder", revision="3f2a9c1e7b4d5a6f8e9d0c1b2a3f4e5d6c7b8a90")
cached = hf_hub_download("acme-labs/encoder", "config.json", local_files_only=True)

with shelve.open("results/run_index") as db:
    db["last"] = 3

total = eval("2 + 3")
