"""Loaders of code-carrying formats, archives, native code and hub downloads."""
import ctypes
import json
import marshal
import tarfile
import zipfile

import msgpack
import msgpack_numpy as m
import tensorflow as tf
import torch
import yaml
from huggingface_hub import hf_hub_download, snapshot_download
from torch.package import PackageImporter
from torch.utils.cpp_extension import load_inline

imp = PackageImporter("downloads/model.pt")  # want: code/model-code-load@high "imports the Python modules"
scripted = torch.jit.load("exported/encoder.pt")  # want: code/model-code-load@medium "TorchScript"
graph = tf.saved_model.load("export/serving")  # want: code/model-code-load@medium "TensorFlow graph"

code = marshal.loads(open("hooks.bin", "rb").read())  # want: code/unsafe-deserialization@high "code objects"
m.patch()  # want: code/unsafe-deserialization@high "msgpack_numpy.patch"
arr = msgpack.unpackb(payload, object_hook=m.decode)  # want: code/unsafe-deserialization@high "object_hook=msgpack_numpy.decode"

with tarfile.open("weights.tar.gz") as tar:
    tar.extractall("models/")  # want: code/archive-extract-unsafe@medium "without filter=\"data\""
tarfile.open(path).extractall(dest, filter="fully_trusted")  # want: code/archive-extract-unsafe@medium "fully_trusted"
zipfile.ZipFile("dataset.zip").extractall("data/")  # want: code/archive-extract-unsafe@low "zipfile"

torch.ops.load_library("checkpoints/custom_ops.so")  # want: code/native-library-load@high "from a model or download location"
tf.load_op_library(model_dir + "/ops.so")  # want: code/native-library-load@high "could not be resolved"
lib = ctypes.CDLL(os.path.join(model_dir, "libkernels.so"))  # want: code/native-library-load@high "unknown"
ext = load_inline("ext", open(cfg["kernel"]).read())  # want: code/native-library-load@high "C\+\+ source"

local = snapshot_download("acme-labs/encoder")  # want: code/hf-download-unpinned@medium "without revision="
cfgf = hf_hub_download(repo_id="acme-labs/encoder", filename="config.json", revision="main")  # want: code/hf-download-unpinned@medium "branch or tag"

config = json.load(open(cfgf))
fn = eval(config["postprocess"])  # want: code/eval-artifact@high "read from a model, config"
exec(open("model/hooks.py").read())  # want: code/eval-artifact@high
