"""Training a GAN with the course's loop: the 2-D toy GAN of the ring and the digit GANs of week 3.

Both put the same pieces together: the networks (:mod:`coursekit.models`), the
shared GAN step (:func:`coursekit.adversarial.make_gan_step`), an EMA copy
(:mod:`coursekit.ema`) and :func:`coursekit.train.fit`.

- :func:`train_toy_gan`: a toy GAN run from a :class:`coursekit.models.toy_gan.ToyConfig`;
- :func:`train_gan`: a digit generator against its discriminator with the
  settings of a recipe (``coursekit.recipes.dcgan.SETTINGS``), returning the
  EMA generator it ships.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import torch

from .adversarial import EMA_MODEL, make_gan_step
from .augment import translate
from .ema import ema_copy
from .env import seed_everything, torch_threads
from .models.toy_gan import Discriminator as ToyDiscriminator
from .models.toy_gan import Generator as ToyGenerator
from .models.toy_gan import ToyConfig, build_models
from .ring import sample_ring
from .train import Callback, History, fit, infinite_batches

__all__ = ["train_toy_gan", "train_gan"]


def train_toy_gan(
    config: ToyConfig,
    *,
    seed: int = 0,
    steps: int | None = None,
    callbacks: Sequence[Callback] = (),
    progress: bool = False,
    device: str = "cpu",
) -> tuple[ToyGenerator, ToyDiscriminator, History]:
    """Train a fresh G and D on the ring with :func:`coursekit.train.fit`; returns ``(G, D, history)``.

    ``steps`` overrides ``config.steps``. The seed fixes the initial weights, the
    data, the batch order and the noise. The CPU is the default device: these
    networks are too small for a GPU to help, and they train on one thread
    (faster for such small operations on a CPU).
    """
    if not isinstance(config, ToyConfig):
        raise TypeError(f"config must be a ToyConfig (or one of CONFIGS), got {type(config).__name__}")
    steps = config.steps if steps is None else steps
    seed_everything(seed)
    G, D = build_models(config)
    optimizers = {
        "generator": torch.optim.Adam(G.parameters(), lr=config.lr_g, betas=config.betas),
        "discriminator": torch.optim.Adam(D.parameters(), lr=config.lr_d, betas=config.betas),
    }
    data = sample_ring(config.data_size, seed=seed)
    batches = infinite_batches(data, batch_size=config.batch_size, seed=seed)
    step_fn = make_gan_step(config.latent_dim, loss=config.loss, d_steps=config.d_steps, r1_gamma=config.r1_gamma)
    with torch_threads(1):
        history = fit(
            {"generator": G, "discriminator": D},
            step_fn,
            batches,
            optimizers=optimizers,
            steps=steps,
            seed=seed,
            device=device,
            callbacks=callbacks,
            progress=progress,
        )
    return G, D, history


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
    r1_every, ema`` and optionally ``augment_shift`` (pixels of
    :func:`coursekit.augment.translate` applied to reals and fakes; 0 or
    absent: no augmentation). Returns the EMA copy of the generator (on the CPU, eval
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
        augment=functools.partial(translate, max_shift=shift) if (shift := settings.get("augment_shift", 0)) else None,
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
