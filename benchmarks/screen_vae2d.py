"""Run by hand: the settings search behind issue 15's k-NN bar for the 2-D VAE, on a validation split only.

``python -m benchmarks.screen_vae2d [--references]`` trains each setting of :data:`SETTINGS` on 3,500 of the
4,000 training digits (1 thread, seed 0) and reports, on the other 500 (50 per class; never the test split):
the k-NN accuracy (k = 5) of their latent means against the 3,500's, and of 1,000 prior samples of
``digit_bar.VALIDATION_SEED`` the confident share and the classes covered. ``--references`` adds what other
2-D maps of the same digits reach on the test split (PCA; t-SNE, which embeds train and test together) and k-NN
on the raw 784 pixels. Its results (2026-12-03) are in the closing note of that session: no setting reached 80 %.
"""

from __future__ import annotations

import json
import sys
import time

import torch
from torch import nn

from coursekit import datasets, digit_bar
from coursekit.augment import random_affine
from coursekit.env import seed_everything, set_threads
from coursekit.latent_measures import knn_accuracy
from coursekit.models.vae import VAE
from coursekit.vae_measures import latent_codes, negative_elbo
from coursekit.vae_training import train_autoencoder

WIDE = [1024, 512, 256]
SETTINGS = [
    {"hidden": WIDE, "beta": 2, "steps": 3000}, {"hidden": WIDE, "beta": 1, "steps": 3000},
    {"hidden": WIDE, "beta": 0.5, "steps": 3000}, {"hidden": WIDE, "beta": 2, "steps": 12000},
    {"hidden": [256], "conv": True, "beta": 1, "steps": 3000}, {"hidden": [256], "conv": True, "beta": 2, "steps": 3000},
    {"hidden": WIDE, "beta": 4, "steps": 3000}, {"hidden": WIDE, "beta": 2, "steps": 3000, "augment": 4},
    {"hidden": WIDE, "beta": 2, "steps": 1500}, {"hidden": WIDE, "beta": 3, "steps": 2000},
    {"hidden": [512, 256], "beta": 2, "steps": 3000},
    {"hidden": WIDE, "beta": 2, "steps": 3000, "batch_size": 512, "lr": 3e-3},
]


class ConvEncoderVAE(VAE):
    """The VAE with a convolutional encoder (two stride-2 3x3 convs) and the MLP decoder."""

    def __init__(self, hidden: int = 256):
        super().__init__(2, (hidden,))
        self.encoder = nn.Sequential(nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(),
                                     nn.Flatten(), nn.Linear(64 * 49, hidden), nn.ReLU(), nn.Linear(hidden, 4))

    def encode(self, x):
        return self.encoder(x).chunk(2, dim=1)


def validation_split():
    images, labels = datasets.digits("train")
    g = torch.Generator().manual_seed(123)
    held = torch.cat([torch.nonzero(labels == d).flatten()[torch.randperm(400, generator=g)[:50]] for d in range(10)])
    keep = torch.ones(len(labels), dtype=torch.bool)
    keep[held] = False
    return images[keep], labels[keep], images[held], labels[held]


def screen(setting: dict) -> dict:
    train, train_labels, val, val_labels = validation_split()
    seed_everything(0)
    model = ConvEncoderVAE(setting["hidden"][0]) if setting.get("conv") else VAE(2, tuple(setting["hidden"]))
    fit_on = train
    if setting.get("augment"):
        g = torch.Generator().manual_seed(7)
        fit_on = torch.cat([train] + [random_affine(train, g, degrees=8.0, scale=0.08, shift=1.5)
                                      for _ in range(setting["augment"])])
    options = {"beta": setting["beta"], "warmup": 0, "batch_size": setting.get("batch_size", 128),
               "lr": setting.get("lr", 2e-3)}
    start = time.perf_counter()
    train_autoencoder(model, fit_on, options, steps=setting["steps"], seed=0)
    model.eval()
    prior = digit_bar.measure(model.sample(1000, digit_bar.VALIDATION_SEED))
    return {"setting": setting, "seconds": round(time.perf_counter() - start),
            "val_knn": knn_accuracy(latent_codes(model, train), train_labels, latent_codes(model, val), val_labels),
            "confident": round(prior["confident"], 3), "classes": prior["coverage"],
            "val_nll": round(negative_elbo(model, val)["nll"], 1)}


def references() -> dict:
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    train, train_labels = datasets.digits("train")
    test, test_labels = datasets.digits("test")
    flat_train, flat_test = train.flatten(1).numpy(), test.flatten(1).numpy()
    pca = PCA(2).fit(flat_train)
    both = TSNE(2, init="pca", random_state=0).fit_transform(PCA(50).fit_transform(
        torch.cat([train, test]).flatten(1).numpy()))
    both = torch.tensor(both, dtype=torch.float32)
    return {"pca2": knn_accuracy(torch.tensor(pca.transform(flat_train)), train_labels,
                                 torch.tensor(pca.transform(flat_test)), test_labels),
            "tsne2_transductive": knn_accuracy(both[:len(train)], train_labels, both[len(train):], test_labels),
            "raw_pixels": knn_accuracy(train.flatten(1), train_labels, test.flatten(1), test_labels)}


if __name__ == "__main__":
    set_threads(1)
    if "--references" in sys.argv:
        print(json.dumps(references()))
    for setting in SETTINGS:
        print(json.dumps(screen(setting)), flush=True)
