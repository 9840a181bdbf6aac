"""Training an autoencoder of :mod:`coursekit.models.vae` with the course's loop, as the week-5 recipes do.

:func:`train_autoencoder` puts together the model, the step of
:mod:`coursekit.elbo` (the negative ELBO with a KL weight β, warmed up
linearly from 0 over ``warmup`` steps, or the plain reconstruction loss),
Adam (with a one-cycle learning-rate schedule, or a constant rate), shuffled batches of the
training digits and :func:`coursekit.train.fit`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .elbo import autoencoder_step, vae_loss
from .env import seed_everything
from .train import Callback, History, fit, infinite_batches

__all__ = ["kl_weight", "make_warmup_vae_step", "train_autoencoder"]


def kl_weight(step: int, beta: float, warmup: int) -> float:
    """β after ``step`` steps of a linear warm-up lasting ``warmup`` steps (0 = none)."""
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be an int >= 0 (steps), got {warmup!r}")
    return beta if warmup == 0 else beta * min(1.0, step / warmup)


def make_warmup_vae_step(beta: float, warmup: int = 0, likelihood: str = "bernoulli"):
    """A :func:`coursekit.train.fit` step minimizing nll + β(step)·KL, β warmed up by :func:`kl_weight`."""
    kl_weight(0, beta, warmup)  # check the arguments now

    def step(batch, state) -> dict[str, torch.Tensor]:
        images = batch[0] if isinstance(batch, (tuple, list)) else batch
        with state.autocast():
            losses = vae_loss(state.models["model"], images, beta=kl_weight(state.step, beta, warmup),
                              likelihood=likelihood)
        state.optimize(losses["loss"])
        return {k: v.detach() for k, v in losses.items()}

    return step


def train_autoencoder(model: torch.nn.Module, images: torch.Tensor, settings: dict, *, steps: int, seed: int = 0,
                      device=None, progress: bool = False, callbacks: Sequence[Callback] = (),
                      schedule: bool = True) -> History:
    """Train ``model`` in place on ``images`` with ``settings`` (``batch_size``, ``lr``; ``beta`` and ``warmup``
    for a VAE, ``beta=None`` for a plain autoencoder); returns the history. ``schedule=False``: a constant
    learning rate instead of the one-cycle schedule peaking at ``lr``."""
    seed_everything(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings["lr"])
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=settings["lr"], total_steps=steps) if schedule else None
    step = (autoencoder_step if settings.get("beta") is None
            else make_warmup_vae_step(settings["beta"], settings.get("warmup", 0)))
    batches = infinite_batches(images, batch_size=settings["batch_size"], seed=seed)
    return fit(model, step, batches, optimizers=optimizer, schedulers=schedule, steps=steps, device=device,
               seed=seed, progress=progress, callbacks=callbacks)
