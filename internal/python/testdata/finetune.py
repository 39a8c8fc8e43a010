#!/usr/bin/env python3
"""Fine-tune a sequence classifier on the support-ticket corpus.

Usage: python finetune.py --data data/tickets.parquet --out runs/exp42
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import (
    AutoModelForSequenceClassification,
    AutoTokenizer,
    get_linear_schedule_with_warmup,
)

logger = logging.getLogger(__name__)


@dataclass
class Config:
    model_name: str = "distilbert-base-uncased"
    data: str = "data/tickets.parquet"
    out: str = "runs/default"
    epochs: int = 3
    batch_size: int = 32
    lr: float = 5e-5
    warmup: float = 0.06
    max_len: int = 256
    seed: int = 1234
    labels: List[str] = field(default_factory=lambda: ["billing", "bug", "feature", "other"])


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


class TicketDataset(Dataset):
    def __init__(self, frame: pd.DataFrame, tokenizer, labels: List[str], max_len: int):
        self.texts = frame["text"].astype(str).tolist()
        self.targets = [labels.index(x) for x in frame["label"]]
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, idx: int) -> Dict[str, torch.Tensor]:
        enc = self.tok(
            self.texts[idx],
            truncation=True,
            max_length=self.max_len,
            padding="max_length",
            return_tensors="pt",
        )
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.targets[idx], dtype=torch.long)
        return item


def load_frames(cfg: Config):
    df = pd.read_parquet(cfg.data)
    df = df.dropna(subset=["text", "label"])
    df = df[df["label"].isin(cfg.labels)]
    train = df.sample(frac=0.9, random_state=cfg.seed)
    valid = df.drop(train.index)
    logger.info("train=%d valid=%d", len(train), len(valid))
    return train, valid


def evaluate(model, loader, device) -> Dict[str, float]:
    model.eval()
    total, correct, loss_sum = 0, 0, 0.0
    with torch.no_grad():
        for batch in loader:
            batch = {k: v.to(device) for k, v in batch.items()}
            out = model(**batch)
            loss_sum += out.loss.item() * batch["labels"].size(0)
            preds = out.logits.argmax(dim=-1)
            correct += (preds == batch["labels"]).sum().item()
            total += batch["labels"].size(0)
    return {"loss": loss_sum / max(total, 1), "accuracy": correct / max(total, 1)}


def save_checkpoint(model, optimizer, epoch: int, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"checkpoint-{epoch:02d}.pt"
    torch.save({"model": model.state_dict(), "optim": optimizer.state_dict(), "epoch": epoch}, path)
    return path


def resume(model, optimizer, path: Optional[str]) -> int:
    if not path:
        return 0
    state = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optim"])
    return int(state["epoch"]) + 1


def train(cfg: Config, resume_from: Optional[str] = None) -> None:
    seed_everything(cfg.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    tokenizer = AutoTokenizer.from_pretrained(cfg.model_name)
    model = AutoModelForSequenceClassification.from_pretrained(
        cfg.model_name, num_labels=len(cfg.labels), use_safetensors=True
    ).to(device)
    train_df, valid_df = load_frames(cfg)
    train_dl = DataLoader(TicketDataset(train_df, tokenizer, cfg.labels, cfg.max_len), batch_size=cfg.batch_size, shuffle=True)
    valid_dl = DataLoader(TicketDataset(valid_df, tokenizer, cfg.labels, cfg.max_len), batch_size=cfg.batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    steps = len(train_dl) * cfg.epochs
    scheduler = get_linear_schedule_with_warmup(optimizer, int(steps * cfg.warmup), steps)
    start = resume(model, optimizer, resume_from)
    best = math.inf
    for epoch in range(start, cfg.epochs):
        model.train()
        for step, batch in enumerate(train_dl):
            batch = {k: v.to(device) for k, v in batch.items()}
            out = model(**batch)
            loss = F.cross_entropy(out.logits, batch["labels"])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            if step % 50 == 0:
                logger.info("epoch %d step %d loss %.4f lr %.2e", epoch, step, loss.item(), scheduler.get_last_lr()[0])
        metrics = evaluate(model, valid_dl, device)
        logger.info("epoch %d: %s", epoch, json.dumps(metrics))
        ckpt = save_checkpoint(model, optimizer, epoch, Path(cfg.out))
        if metrics["loss"] < best:
            best = metrics["loss"]
            model.save_pretrained(os.path.join(cfg.out, "best"), safe_serialization=True)
            tokenizer.save_pretrained(os.path.join(cfg.out, "best"))
            logger.info("new best %.4f at %s", best, ckpt)


def parse_args(argv=None) -> Config:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", default=Config.data)
    p.add_argument("--out", default=Config.out)
    p.add_argument("--epochs", type=int, default=Config.epochs)
    p.add_argument("--lr", type=float, default=Config.lr)
    p.add_argument("--model", dest="model_name", default=Config.model_name)
    a = p.parse_args(argv)
    return Config(**{k: v for k, v in vars(a).items() if v is not None})


if __name__ == "__main__":
    logging.basicConfig(level=os.environ.get("LOGLEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    train(parse_args())
