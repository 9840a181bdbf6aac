"""Train the reference DCGAN on digits (``coursekit train dcgan``) and measure it.

The recipe (every knob is in :data:`SETTINGS`):

- data: the 4,000 training digits, scaled to [-1, 1] (the generator's tanh);
- models: :class:`coursekit.models.gan.Generator` and ``Discriminator``;
- the shared step :func:`coursekit.adversarial.make_gan_step`: non-saturating
  loss, a light R1 penalty on the reals (lazy: every ``r1_every`` steps) and
  an EMA copy of the generator, which is what is shipped;
- Adam with lr 5e-4 (the DCGAN paper's 2e-4 reached fewer confident digits in
  the same steps) and betas (0.5, 0.999) for both networks;
- after training, the EMA generator's BatchNorm statistics are re-estimated on
  its own outputs (:func:`coursekit.models.gan.recalibrate_batchnorm`): the
  running statistics copied from the live generator belong to other weights.

The shipped generator is measured with :mod:`coursekit.metrics` on
:data:`EVAL_COUNT` samples from ``sample_z(1000, 64, EVAL_SEED)`` (see
:func:`measure`) and must meet :data:`BAR`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch

from .. import datasets, metrics
from ..checkpoints import load_checkpoint
from ..adversarial import EMA_MODEL, ema_copy, make_gan_step
from ..env import seed_everything
from ..models.gan import Discriminator, Generator, recalibrate_batchnorm, to_signed
from ..train import Callback, History, fit, infinite_batches

COMMAND = "coursekit train dcgan"
NAME = "dcgan"
DEFAULTS = {"steps": 9000, "seed": 0}
HELP = "the DCGAN of week 3 (digits)"
SETTINGS = {
    "latent_dim": 64,
    "width": 32,  # generator: 2*width channels at 7x7, width at 14x14
    "d_width": 64,  # discriminator: d_width at 14x14, 2*d_width at 7x7
    "batch_size": 64,
    "lr": 5e-4,
    "betas": (0.5, 0.999),
    "loss": "nonsaturating",
    "r1_gamma": 0.1,
    "r1_every": 4,
    "ema": 0.999,
}
EVAL_COUNT = 1000
EVAL_SEED = 1000  # the noise seed of the measured samples
BAR = {"confident": 0.85, "coverage": 10, "min_class_share": 0.05, "max_class_share": 0.15}


def build(settings: dict = SETTINGS) -> tuple[Generator, Discriminator]:
    """A fresh generator and discriminator (seed the RNG first)."""
    return Generator(settings["latent_dim"], settings["width"]), Discriminator(settings["d_width"])


def train_gan(
    generator: torch.nn.Module,
    discriminator: torch.nn.Module,
    images: torch.Tensor,
    settings: dict,
    *,
    steps: int,
    seed: int = 0,
    device=None,
    progress: bool = True,
    callbacks: Sequence[Callback] = (),
) -> tuple[torch.nn.Module, History]:
    """Train ``generator`` against ``discriminator`` on ``images`` ([-1, 1]) with the shared GAN step.

    ``settings`` holds ``latent_dim, batch_size, lr, betas, loss, r1_gamma,
    r1_every, ema``. Returns the EMA copy of the generator (on the CPU, eval
    mode) and the history; ``generator`` and ``discriminator`` are trained in place.
    """
    optimizers = {
        name: torch.optim.Adam(model.parameters(), lr=settings["lr"], betas=tuple(settings["betas"]))
        for name, model in (("generator", generator), ("discriminator", discriminator))
    }
    ema = ema_copy(generator)
    step = make_gan_step(
        settings["latent_dim"],
        loss=settings["loss"],
        r1_gamma=settings["r1_gamma"],
        r1_every=settings["r1_every"],
        ema=settings["ema"],
    )
    history = fit(
        {"generator": generator, "discriminator": discriminator, EMA_MODEL: ema},
        step,
        infinite_batches(images, batch_size=settings["batch_size"], seed=seed),
        optimizers=optimizers,
        steps=steps,
        seed=seed,
        device=device,
        progress=progress,
        callbacks=callbacks,
    )
    return ema.cpu().eval(), history


def train_dcgan(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], progress: bool = True,
                device=None, callbacks: Sequence[Callback] = ()) -> tuple[Generator, History]:
    """Train the DCGAN from scratch; returns ``(ema_generator, history)``, the generator ready to ship."""
    seed_everything(seed)
    generator, discriminator = build()
    images = to_signed(datasets.digits("train")[0])
    ema, history = train_gan(generator, discriminator, images, SETTINGS, steps=steps, seed=seed, device=device,
                             progress=progress, callbacks=callbacks)
    recalibrate_batchnorm(ema, seed=seed)
    return ema, history


def load(directory=None) -> Generator:
    """The shipped DCGAN generator (checkpoint ``dcgan``, sha256-checked), in eval mode on the CPU."""
    return load_checkpoint(NAME, build()[0], directory=directory).eval()


def measure(images: torch.Tensor) -> dict[str, float]:
    """The week-3 measures of generated digits (``(N, 1, 28, 28)`` in [0, 1]) by :mod:`coursekit.metrics`.

    ``confident`` / ``not_digit``: shares read as a confident digit / as "not a
    digit"; ``coverage``: classes with at least 5 % of the samples;
    ``min_class_share`` / ``max_class_share``: the rarest and the commonest
    digit; ``feature_distance``: Fréchet distance of the classifier features to
    ``digits_sample(1000, "train")``.
    """
    score = metrics.classifier_score(images)
    shares = score.shares()[:10]
    reference = datasets.digits_sample(1000, "train")[0]
    return {
        "confident": score.confident,
        "not_digit": score.not_digit,
        "coverage": score.coverage,
        "min_class_share": float(shares.min()),
        "max_class_share": float(shares.max()),
        "feature_distance": metrics.feature_distance(images, reference),
    }


def evaluate(generator, *, count: int = EVAL_COUNT, seed: int = EVAL_SEED) -> dict[str, float]:
    """:func:`measure` on ``generator.sample(count, seed)``."""
    return measure(generator.sample(count, seed))


def check_bar(measures: dict[str, float], bar: dict[str, float] = BAR) -> dict[str, bool]:
    """Which bars are met: at least ``confident`` and ``coverage``, shares within [min, max]."""
    return {
        "confident": measures["confident"] >= bar["confident"],
        "coverage": measures["coverage"] >= bar["coverage"],
        "min_class_share": measures["min_class_share"] >= bar["min_class_share"],
        "max_class_share": measures["max_class_share"] <= bar["max_class_share"] + 1e-12,
    }


def ema_half_life_steps() -> float:
    """Steps after which the EMA weights count an old update half (about 693 for decay 0.999)."""
    return math.log(0.5) / math.log(SETTINGS["ema"])
