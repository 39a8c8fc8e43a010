"""FastAPI inference server for the ranking model (positives in unusual syntax)."""
import logging
import os
from functools import lru_cache

import torch
from torch import load
from fastapi import FastAPI

log = logging.getLogger(__name__)
app = FastAPI()
CKPT_DIR = os.environ.get("CKPT_DIR", "/models")

state = load(os.path.join(CKPT_DIR, "ranker.pt"))  # want: code/torch-load-unsafe@high
log.info(f"restored {len(torch.load(CKPT_DIR + '/ranker.pt'))} tensors")  # want: code/torch-load-unsafe@high
log.info(f"""summary: {
    torch.load(CKPT_DIR + "/ranker.pt", map_location="cpu")!r:>40}""")  # want: code/torch-load-unsafe@high
shards = [torch.load(p, map_location="cpu") for p in sorted(os.listdir(CKPT_DIR))]  # want: code/torch-load-unsafe@high
by_name = {p: torch.load(p) for p in os.listdir(CKPT_DIR)}  # want: code/torch-load-unsafe@high
reader = lambda p: torch.load(p, mmap=True)  # want: code/torch-load-unsafe@high

if (head := torch.load(CKPT_DIR + "/head.pt")) is None:  # want: code/torch-load-unsafe@high
    raise SystemExit("no head")


@app.on_event("startup")
@lru_cache(maxsize=torch.load(CKPT_DIR + "/cache_size.pt"))  # want: code/torch-load-unsafe@high
def warm():
    with open(CKPT_DIR + "/ranker.pt", "rb") as fh, torch.load(fh) as sd:  # want: code/torch-load-unsafe@high
        return sd


class Ranker:
    weights = torch.load(CKPT_DIR + "/" + "ranker" + ".pt")  # want: code/torch-load-unsafe@high

    def __init__(self, path):
        self.state = torch.load(  # want: code/torch-load-unsafe@high
            path,  # the checkpoint the operator points us at
            # weights_only=True,  (turned off: our checkpoint stores an optimizer)
            map_location="cpu",
        )
        self.legacy = torch.load(path, weights_only=(False))  # want: code/torch-load-unsafe@high
        self.compat = torch.load(path, pickle_module=__import__("dill"))  # want: code/torch-load-unsafe@high


def safe_flag(cfg):
    return torch.load(cfg.path, weights_only=cfg.safe)  # want: code/torch-load-unsafe@high
