"""Train week 7's LoRA (``coursekit train lora-thick``): a small adapter that adds the thick-stroke style.

The shipped pixel-space model (``coursekit train ddpm``) stays frozen;
:func:`coursekit.models.lora.add_lora` wraps every convolution of its UNet
(residual blocks, down-sampling, attention's 1x1 projections) in a rank-4
update W + (α/r)·B·A, and only A and B learn the thick-stroke digits of
``coursekit train ddpm-thick``, with the same objective. Only the adapter is
shipped (a few percent of the model), as web-UI LoRA files are; the strength
knob (:func:`coursekit.models.lora.set_lora_scale`) blends it in. Measured by
:func:`coursekit.recipes.ddpm_thick.evaluate`; bar :data:`BAR`.
"""

from __future__ import annotations

import torch
from torch import nn

from ..checkpoints import load_checkpoint
from ..diffusion.pipeline import DigitDiffusion
from ..diffusion.training import train_diffusion
from ..env import seed_everything
from ..models.lora import add_lora, load_lora_state_dict, lora_state_dict
from ..train import History
from . import ddpm
from .ddpm_thick import BAR, evaluate, thick_digits

__all__ = ["COMMAND", "NAME", "DEFAULTS", "SETTINGS", "BAR", "wrap", "train_lora_thick", "shipped_weights",
           "evaluate", "load"]

COMMAND = "coursekit train lora-thick"
NAME = "lora_thick"
DEFAULTS = {"steps": 800, "seed": 0}
SETTINGS = {**ddpm.SETTINGS, "start": "ddpm (frozen)", "style": "thicken (3x3 cross dilation)", "rank": 4,
            "alpha": 4.0, "layers": "every Conv2d", "lr": 2e-3, "warmup": 50, "ema": 0.995}


def wrap(pipeline: DigitDiffusion, settings: dict = SETTINGS) -> DigitDiffusion:
    """Add fresh LoRA layers to every convolution of ``pipeline.net`` in place (its own weights frozen)."""
    add_lora(pipeline.net, rank=settings["rank"], alpha=settings["alpha"],
             include=lambda name, module: isinstance(module, nn.Conv2d))
    return pipeline


def train_lora_thick(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                     progress: bool = True) -> tuple[DigitDiffusion, History]:
    """Train the adapter on thick digits; returns ``(base + EMA adapter, history)``."""
    seed_everything(seed)
    pipeline = wrap(ddpm.load())
    images, labels = thick_digits()
    ema, history = train_diffusion(pipeline.net.train(), images * 2 - 1, labels, pipeline.schedule, SETTINGS,
                                   steps=steps, seed=seed, device=device, progress=progress)
    pipeline.net = ema
    return pipeline.eval(), history


def shipped_weights(pipeline: DigitDiffusion) -> dict[str, torch.Tensor]:
    """Only the adapter's A and B matrices: the LoRA file."""
    return lora_state_dict(pipeline.net)


def load(*, directory=None, base_directory=None) -> DigitDiffusion:
    """The shipped base model with the shipped adapter at strength 1 (change it with ``set_lora_scale``)."""
    pipeline = wrap(ddpm.load(directory=base_directory))
    load_lora_state_dict(pipeline.net, load_checkpoint(NAME, directory=directory))
    return pipeline.eval()
