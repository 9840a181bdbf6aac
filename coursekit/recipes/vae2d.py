"""Train the week-5 VAE with a 2-D latent space (``coursekit train vae2d``) and measure it.

A :class:`coursekit.models.vae.VAE` (784-1024-512-256-2 and back) on the
4,000 training digits, Bernoulli likelihood, the negative ELBO with β = 2 (no
warm-up), Adam with a one-cycle schedule peaking at 2e-3, batch 128, 12,000
steps. Compared on the validation noise seed only (1,000 prior samples of
``digit_bar.VALIDATION_SEED``): 784-512-256 at β = 0.5 / 1 / 2 reached 53-72 %
confident digits with 6-10 classes; the wider network, 80 % with all 10; β = 2
kept the rarest class at 6.9 % where β = 1 (16,000 steps) had it at 5.0 %, the
edge of "covered". A convolutional encoder/decoder and random-affine
augmentation did worse. Measured
by :func:`coursekit.vae_measures.measure_2d`; its bar is
:data:`coursekit.vae_measures.BAR_2D`. Lesson 5 draws its latent map.
"""

from __future__ import annotations

from .. import datasets
from ..env import seed_everything
from ..models.vae import VAE, load
from ..train import History
from ..vae_measures import measure_2d as evaluate
from ..vae_training import train_autoencoder

__all__ = ["COMMAND", "NAME", "DEFAULTS", "STORE_DTYPE", "SETTINGS", "build", "train_vae2d", "evaluate", "load"]

COMMAND = "coursekit train vae2d"
NAME = "vae2d"
DEFAULTS = {"steps": 12000, "seed": 0}
STORE_DTYPE = "float16"  # the MLP weights at half size (a few MB); measured as stored
SETTINGS = {"model": "VAE", "latent_dim": 2, "hidden": (1024, 512, 256), "beta": 2.0, "warmup": 0, "batch_size": 128,
            "lr": 2e-3}


def build(settings: dict = SETTINGS) -> VAE:
    """A fresh, untrained model with these settings (seed the RNG first)."""
    return VAE(settings["latent_dim"], settings["hidden"])


def train_vae2d(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                progress: bool = True) -> tuple[VAE, History]:
    """Train from scratch; returns ``(model, history)`` with the model in eval mode on the CPU."""
    seed_everything(seed)
    model = build()
    history = train_autoencoder(model, datasets.digits("train")[0], SETTINGS, steps=steps, seed=seed, device=device,
                                progress=progress)
    return model.cpu().eval(), history
