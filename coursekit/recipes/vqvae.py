"""Train the week-5 VQ-VAE in miniature (``coursekit train vqvae``).

A :class:`coursekit.models.vqvae.VQVAE` (32 codebook entries of 16
dimensions on a 7x7 grid, width 32) on the 4,000 training digits with
:func:`coursekit.models.vqvae.vq_step` (Bernoulli nll, codebook and commitment
losses, β = 0.25), Adam 2e-3, batch 64. Measured by :func:`evaluate`: the test
reconstructions' PSNR and how many entries the test digits use.
"""

from __future__ import annotations

import torch

from .. import datasets
from ..env import seed_everything
from ..image_quality import psnr
from ..models.vqvae import VQVAE, codebook_usage, load, vq_step
from ..train import History, fit, infinite_batches

__all__ = ["COMMAND", "NAME", "DEFAULTS", "SETTINGS", "build", "train_vqvae", "evaluate", "load"]

COMMAND = "coursekit train vqvae"
NAME = "vqvae"
DEFAULTS = {"steps": 3000, "seed": 0}
SETTINGS = {"codes": 32, "dim": 16, "width": 32, "commitment": 0.25, "batch_size": 64, "lr": 2e-3}


def build(settings: dict = SETTINGS) -> VQVAE:
    """A fresh, untrained model with these settings (seed the RNG first)."""
    return VQVAE(settings["codes"], settings["dim"], settings["width"], settings["commitment"])


def train_vqvae(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                progress: bool = True) -> tuple[VQVAE, History]:
    """Train from scratch; returns ``(model, history)`` with the model in eval mode on the CPU."""
    seed_everything(seed)
    model = build()
    batches = infinite_batches(datasets.digits("train")[0], batch_size=SETTINGS["batch_size"], seed=seed)
    history = fit(model, vq_step, batches, optimizers=torch.optim.Adam(model.parameters(), SETTINGS["lr"]),
                  steps=steps, device=device, seed=seed, progress=progress)
    return model.cpu().eval(), history


@torch.no_grad()
def evaluate(model: VQVAE) -> dict[str, float]:
    """Test PSNR of the reconstructions, entries used by the test digits, and the codebook perplexity."""
    test = datasets.digits("test")[0]
    _, indices, _ = model.eval()(test)
    counts, perplexity = codebook_usage(indices, model.quantizer.codes)
    return {"psnr": float(psnr(model.reconstruct(test), test).mean()), "codes_used": int((counts > 0).sum()),
            "perplexity": perplexity}

