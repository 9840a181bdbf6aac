"""Train the week-5 spatial VAE (``coursekit train vae``), the latent space week 6 diffuses in.

A :class:`coursekit.models.vae.SpatialVAE` (1x28x28 → 4x7x7, widths 32/64)
on the 4,000 training digits: Bernoulli reconstruction nll plus a small KL
weight β, so that it reconstructs sharply (as Stable Diffusion's VAE, whose
KL weight is tiny) while the latents stay smooth and near the origin. After
training, ``scaling_factor`` is set to 1 / the standard deviation of the
training digits' latent means (how Stable Diffusion's 0.18215 was found), so
the scaled latents have unit variance. Measured by
:func:`coursekit.vae_measures.measure_spatial`; bar
:data:`coursekit.vae_measures.BAR_SPATIAL`.
"""

from __future__ import annotations

import torch

from .. import datasets
from ..env import seed_everything
from ..models.vae import SpatialVAE, load_spatial
from ..train import History
from ..vae_measures import measure_spatial as evaluate
from ..vae_training import train_autoencoder

__all__ = ["COMMAND", "NAME", "DEFAULTS", "SETTINGS", "build", "fit_scaling_factor", "train_spatial_vae", "evaluate",
           "load"]

COMMAND = "coursekit train vae"
NAME = "vae"
DEFAULTS = {"steps": 4000, "seed": 0}
SETTINGS = {"model": "SpatialVAE", "latent_channels": 4, "widths": (32, 64), "beta": 0.01, "warmup": 0,
            "batch_size": 64, "lr": 2e-3}
load = load_spatial


def build(settings: dict = SETTINGS) -> SpatialVAE:
    """A fresh, untrained model with these settings (seed the RNG first)."""
    return SpatialVAE(settings["latent_channels"], settings["widths"])


@torch.no_grad()
def fit_scaling_factor(model: SpatialVAE, images: torch.Tensor) -> float:
    """Set ``model.scaling_factor`` to 1 / std of the latent means of ``images``; returns it."""
    model.scaling_factor.fill_(1.0)
    factor = 1.0 / float(model.scaled_latents(images).std())
    model.scaling_factor.fill_(factor)
    return factor


def train_spatial_vae(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                      progress: bool = True) -> tuple[SpatialVAE, History]:
    """Train from scratch and fit the scaling factor; returns ``(model, history)``, the model in eval mode on the CPU."""
    seed_everything(seed)
    model = build()
    images = datasets.digits("train")[0]
    history = train_autoencoder(model, images, SETTINGS, steps=steps, seed=seed, device=device, progress=progress)
    model = model.cpu().eval()
    fit_scaling_factor(model, images)
    return model, history
