"""Train the week-5 plain autoencoder with a 2-D latent space (the VAE's control) (``coursekit train ae2d``) and measure it.

The same networks, data, optimizer and steps as ``vae2d``
(:mod:`coursekit.recipes.vae2d`) without the VAE's two changes: the encoder
gives a point, not a distribution, and there is no KL term (the loss is the
Bernoulli reconstruction nll alone). Measured on the same scale by
:func:`coursekit.vae_measures.measure_2d`: its prior samples must score lower
than the VAE's. Lesson 5 draws its latent map beside the VAE's.
"""

from __future__ import annotations

from .. import datasets
from ..env import seed_everything
from ..models import vae
from ..models.vae import Autoencoder
from ..train import History
from ..vae_measures import measure_2d as evaluate
from ..vae_training import train_autoencoder

__all__ = ["COMMAND", "NAME", "DEFAULTS", "STORE_DTYPE", "SETTINGS", "build", "train_ae2d", "evaluate", "load"]

COMMAND = "coursekit train ae2d"
NAME = "ae2d"
DEFAULTS = {"steps": 12000, "seed": 0}
STORE_DTYPE = "float16"  # the MLP weights at half size (a few MB); measured as stored
SETTINGS = {"model": "Autoencoder", "latent_dim": 2, "hidden": (1024, 512, 256), "beta": None, "batch_size": 128,
            "lr": 2e-3}


def build(settings: dict = SETTINGS) -> Autoencoder:
    """A fresh, untrained model with these settings (seed the RNG first)."""
    return Autoencoder(settings["latent_dim"], settings["hidden"])


def train_ae2d(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                progress: bool = True) -> tuple[Autoencoder, History]:
    """Train from scratch; returns ``(model, history)`` with the model in eval mode on the CPU."""
    seed_everything(seed)
    model = build()
    history = train_autoencoder(model, datasets.digits("train")[0], SETTINGS, steps=steps, seed=seed, device=device,
                                progress=progress)
    return model.cpu().eval(), history


def load(name: str = NAME, *, directory=None):
    """The shipped checkpoint ``ae2d`` (see :func:`coursekit.models.vae.load`)."""
    return vae.load(name, directory=directory)
