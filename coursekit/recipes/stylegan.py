"""Train the miniature StyleGAN on digits (``coursekit train stylegan``).

The same data, step function and measures as the DCGAN recipe
(:mod:`coursekit.recipes.dcgan`): only the generator changes, to
:class:`coursekit.models.stylegan.StyleGenerator` (mapping network, learned
constant, AdaIN style layers, noise inputs, mixing regularisation), against
the DCGAN discriminator with a minibatch-standard-deviation channel. The EMA
copy of the generator is shipped; it has no BatchNorm, so nothing to
recalibrate. There is no quality bar: the point of this model is the style
mixing grid of the lesson (:func:`mixing_grid`).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .. import datasets
from ..checkpoints import load_checkpoint
from ..env import seed_everything
from ..latent import sample_z
from ..models.gan import Discriminator, to_signed
from ..models.stylegan import StyleGenerator
from ..train import Callback, History
from ..gan_training import train_gan
from .dcgan import EVAL_COUNT, EVAL_SEED, EVAL_SEEDS, measure
from .dcgan import evaluate as evaluate_generator

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
    generator = StyleGenerator(
        settings["latent_dim"], settings["w_dim"], tuple(settings["channels"]), settings["mapping_layers"],
        settings["mixing_prob"],
    )
    return generator, Discriminator(settings["d_width"], minibatch_std=True)


def train_stylegan(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], progress: bool = True,
                   device=None, callbacks: Sequence[Callback] = ()) -> tuple[StyleGenerator, History]:
    """Train the StyleGAN from scratch; returns ``(ema_generator, history)``."""
    seed_everything(seed)
    generator, discriminator = build()
    images = to_signed(datasets.digits("train")[0])
    return train_gan(generator, discriminator, images, SETTINGS, steps=steps, seed=seed, device=device,
                     progress=progress, callbacks=callbacks)


def load(directory=None) -> StyleGenerator:
    """The shipped style generator (checkpoint ``stylegan``, sha256-checked), in eval mode on the CPU."""
    return load_checkpoint(NAME, build()[0], directory=directory).eval()


def evaluate(generator: StyleGenerator, *, count: int = EVAL_COUNT, seeds=EVAL_SEEDS) -> dict[str, float]:
    """The DCGAN measures on the DCGAN's seeds (:func:`coursekit.recipes.dcgan.evaluate`)."""
    return evaluate_generator(generator, count=count, seeds=seeds)


@torch.no_grad()
def mixing_grid(generator: StyleGenerator, *, rows: int = 5, cols: int = 5, crossover: int = 2, seed: int = 0):
    """Style mixing: ``(rows + 1, cols + 1, 28, 28)`` images in [0, 1], the corner blank.

    Row 0 holds the ``cols`` "fine" sources, column 0 the ``rows`` "coarse"
    sources; cell ``(i, j)`` takes layers ``< crossover`` from coarse source
    ``i`` and the rest from fine source ``j``.
    """
    z = sample_z(rows + cols, generator.latent_dim, seed)
    was_training = generator.training
    generator.eval()
    try:
        w = generator.w_of(z.to(next(generator.parameters()).device))
    finally:
        generator.train(was_training)
    coarse, fine = w[:rows], w[rows:]
    grid = torch.zeros(rows + 1, cols + 1, 28, 28)
    grid[0, 1:] = generator.images_from_ws(fine)[:, 0]
    grid[1:, 0] = generator.images_from_ws(coarse)[:, 0]
    mixed = generator.mix(coarse.repeat_interleave(cols, 0), fine.repeat(rows, 1), crossover)
    grid[1:, 1:] = generator.images_from_ws(mixed)[:, 0].reshape(rows, cols, 28, 28)
    return grid
