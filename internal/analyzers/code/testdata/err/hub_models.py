import torch
import yaml
import tensorflow as tf
from tensorflow import keras
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline
from datasets import load_dataset
from diffusers import StableDiffusionPipeline

with open("config.yaml") as f:
    cfg = yaml.load(f)  # want: code/yaml-unsafe-load@high
    cfg = yaml.load(f, Loader=yaml.Loader)  # want: code/yaml-unsafe-load@high
    cfg = yaml.load(f, yaml.UnsafeLoader)  # want: code/yaml-unsafe-load@high
    cfg = yaml.load(f, Loader=yaml.FullLoader)  # want: code/yaml-unsafe-load@medium
    cfg = yaml.unsafe_load(f)  # want: code/yaml-unsafe-load@high

model = AutoModelForCausalLM.from_pretrained(  # want: code/trust-remote-code@high want-asset: external:hf://acme-labs/falcon-ft
    "acme-labs/falcon-ft",
    trust_remote_code=True,
)
tok = AutoTokenizer.from_pretrained("acme-labs/falcon-ft", trust_remote_code=True, revision="main")  # want: code/trust-remote-code@high want-asset: external:hf://acme-labs/falcon-ft
pinned = AutoModelForCausalLM.from_pretrained("acme-labs/falcon-ft", trust_remote_code=True, revision="3f1c0a9e5b7d2c4e6f8a0b1c2d3e4f5a6b7c8d9e")  # want: code/trust-remote-code@medium want-asset: external:hf://acme-labs/falcon-ft
ds = load_dataset("acme-labs/tickets", trust_remote_code=True)  # want: code/trust-remote-code@high want-asset: external:hf://datasets/acme-labs/tickets
gen = pipeline("text-generation", model="acme-labs/falcon-ft", trust_remote_code=True)  # want: code/trust-remote-code@high want-asset: external:hf://acme-labs/falcon-ft

detector = torch.hub.load("ultralytics/yolov5", "yolov5s", trust_repo=True)  # want: code/torch-hub-load@high want-asset: external:github:ultralytics/yolov5
midas = torch.hub.load("intel-isl/MiDaS:v3_1", "DPT_Large")  # want: code/torch-hub-load@high want-asset: external:github:intel-isl/midas

clf = tf.keras.models.load_model("clf.keras", safe_mode=False)  # want: code/keras-unsafe-load@high
clf = keras.saving.load_model("clf.keras", safe_mode=False)  # want: code/keras-unsafe-load@high

sd = StableDiffusionPipeline.from_single_file("https://example.com/v1-5-pruned.ckpt")  # want: code/from-pretrained-pickle@medium
lm = AutoModelForCausalLM.from_pretrained("acme-labs/gpt-small", use_safetensors=False)  # want: code/from-pretrained-pickle@medium want-asset: external:hf://acme-labs/gpt-small
