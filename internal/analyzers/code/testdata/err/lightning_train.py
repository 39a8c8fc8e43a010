"""Fine-tuning entry point for the Lightning classifier."""
import functools
import pickle

import lightning as L
import torch
from torchvision.datasets import DatasetFolder

from .model import ChurnClassifier


def main(args):
    model = ChurnClassifier.load_from_checkpoint(args.resume)  # want: code/torch-load-unsafe@high
    teacher = ChurnClassifier.load_from_checkpoint(args.teacher, weights_only=False)  # want: code/torch-load-unsafe@high
    backbone = torch.hub.load_state_dict_from_url(  # want: code/torch-load-unsafe@high
        "https://download.example.com/backbone-v3.pth", progress=False
    )
    old = torch.utils.model_zoo.load_url("https://download.example.com/stem.pth")  # want: code/torch-load-unsafe@high
    train = DatasetFolder(args.data, loader=torch.load, extensions=(".pt",))  # want: code/torch-load-unsafe@high
    rows = list(map(pickle.loads, args.cached_rows))  # want: code/pickle-load@high
    read = functools.partial(torch.load, map_location="cpu")  # want: code/torch-load-unsafe@high
    trainer = L.Trainer(max_epochs=3)
    trainer.fit(model, train)
    return teacher, backbone, old, rows, read
