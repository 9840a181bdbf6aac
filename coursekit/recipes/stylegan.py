"""Train the miniature StyleGAN on digits (``coursekit train stylegan``).

The same data, step function and measures as the DCGAN recipe
(:mod:`coursekit.recipes.dcgan`): only the generator changes, to
:class:`coursekit.models.stylegan.StyleGenerator` (mapping network, learned
constant, AdaIN style layers, noise inputs, mixing regularisation), against
the DCGAN discriminator with a minibatch-standard-deviation channel. The EMA
copy of the generator is shipped; it has no BatchNorm, so nothing to
recalibrate. There is no quality bar: the point of this model is the style
mixing grid of the lesson (:func:`coursekit.style_mixing.mixing_grid`). The
network and its loader are in :mod:`coursekit.models.stylegan`.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import datasets
from ..digit_bar import evaluate
from ..env import seed_everything
from ..gan_training import train_gan
from ..models.gan import Discriminator, to_signed
from ..models.stylegan import StyleGenerator, generator_from_settings, load
from ..train import Callback, History

__all__ = ["COMMAND", "NAME", "DEFAULTS", "SETTINGS", "build", "train_stylegan", "evaluate", "load"]

COMMAND = "coursekit train stylegan"
NAME = "stylegan"
DEFAULTS = {"steps": 3000, "seed": 0}
SETTINGS = {
    "latent_dim": 64,
    "w_dim": 64,
    "channels": (64, 32, 16),  # at 7x7, 14x14, 28x28
    "mapping_layers": 4,
    "mixing_prob": 0.9,
    "d_width": 64,
    "batch_size": 64,
    "lr": 5e-4,
    "betas": (0.5, 0.999),
    "loss": "nonsaturating",
    "r1_gamma": 0.1,
    "r1_every": 4,
    "ema": 0.999,
}


def build(settings: dict = SETTINGS) -> tuple[StyleGenerator, Discriminator]:
    """A fresh style generator and discriminator (seed the RNG first)."""
    return generator_from_settings(settings), Discriminator(settings["d_width"], minibatch_std=True)


def train_stylegan(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], progress: bool = True,
                   device=None, callbacks: Sequence[Callback] = ()) -> tuple[StyleGenerator, History]:
    """Train the StyleGAN from scratch; returns ``(ema_generator, history)``."""
    seed_everything(seed)
    generator, discriminator = build()
    images = to_signed(datasets.digits("train")[0])
    return train_gan(generator, discriminator, images, SETTINGS, steps=steps, seed=seed, device=device,
                     progress=progress, callbacks=callbacks)
